import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { Facts, PodWriter } from '../../../blueprint';
import { WeightPath } from '../../../estimate/paths';
import { EbsVolumeType, WeightStorage } from '../../../estimate/storage';
import { requireCloud } from '../../../private/cloud';
import { fail } from '../../../private/errors';
import { GIB } from '../../../private/quantity';
import { positiveBytes } from '../../../private/size';
import { CloudProvider } from '../../../profile';
import { LeverContext } from '../../lever';
import { applyLoader, requireLoaderFor, resolveLoader, WeightLoader } from '../loader';
import { MODEL_MOUNT, offline, requireRelativePath, WeightSourceImpl } from '../source-impl';
import { checkStreamer, StreamerOptions } from '../streamer';

/**
 * Options for weights on an EBS volume that every new node restores from a
 * snapshot.
 */
export interface EbsSnapshotOptions {
  /**
   * Directory of the model inside the volume.
   * @default - the volume root
   */
  readonly directory?: string;

  /**
   * Size of the restored volume; at least the snapshot's size and the model's.
   * @default - the snapshot's size
   */
  readonly size?: Size;

  /**
   * gp3 throughput in MiB/s (Karpenter accepts 125 to 1,000). The weights are
   * read at this rate at most, so the default is the maximum.
   * @default 1000
   */
  readonly throughputMiBps?: number;

  /**
   * gp3 IOPS (3,000 to 16,000). EBS allows at most 0.25 MiB/s of throughput
   * per provisioned IOPS.
   * @default - the least the throughput needs, and at least 3,000
   */
  readonly iops?: number;

  /**
   * EBS Provisioned Rate for Volume Initialization, MiB/s (100 to 300): the
   * rate at which the new volume fetches the snapshot's blocks from S3. A
   * volume restored without it (and without Fast Snapshot Restore) fetches
   * each block on its first read, at no predictable rate.
   * @default - 300, unless `fastSnapshotRestore` is true
   */
  readonly initializationRateMiBps?: number;

  /**
   * The snapshot has Fast Snapshot Restore enabled in the nodes' availability
   * zones (set on the snapshot, outside Kubernetes): a restored volume reads
   * at its full throughput at once, so no initialization rate is written.
   * @default false
   */
  readonly fastSnapshotRestore?: boolean;

  /**
   * Streamer settings.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;

  /**
   * How vLLM reads the weights (`--load-format`).
   * @default WeightLoader.streamer()
   */
  readonly loader?: WeightLoader;
}

/** The third EBS device: Bottlerocket's own are /dev/xvda (OS) and /dev/xvdb (data). */
const MODEL_DEVICE = '/dev/xvdc';

const SNAPSHOT = /^snap-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * The weights on an EBS volume Karpenter restores from a snapshot on every
 * new GPU node (a third block device of the model's EC2NodeClass); a
 * Bottlerocket bootstrap container mounts it read-only on the node before the
 * kubelet starts, and the model reads it through a read-only hostPath.
 * @internal
 */
export class EbsSnapshotSource implements WeightSourceImpl {
  private readonly throughput: number;
  private readonly iops: number;
  private readonly initializationRate?: number;
  private readonly loader: WeightLoader;

  constructor(private readonly snapshotId: string, private readonly options: EbsSnapshotOptions) {
    const factory = 'WeightSource.ebsSnapshot';
    const o = options;
    if (typeof snapshotId !== 'string' || !SNAPSHOT.test(snapshotId)) {
      fail(factory, 'CS-IN-089', `"${String(snapshotId)}" is not an EBS snapshot id (snap- and 8 or 17 hex digits)`, 'pass the id of a snapshot of a volume holding the weights, e.g. snap-0123456789abcdef0');
    }
    requireRelativePath(factory, o.directory, 'directory', 'llama-3.1-70b-instruct');
    const whole = (prop: string, value: unknown, min: number, max: number, fix: string): number => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        fail(factory, 'CS-IN-089', `${prop} ${String(value)} is not a whole number from ${min} to ${max}`, fix);
      }
      return value;
    };
    this.throughput = whole('throughputMiBps', o.throughputMiBps ?? 1000, 125, 1000, 'use 1000 (the default, gp3\'s maximum in Karpenter) or a lower gp3 throughput');
    this.iops = whole('iops', o.iops ?? Math.max(3000, Math.ceil(this.throughput * 4)), 3000, 16000, 'use a gp3 IOPS count from 3000 to 16000');
    if (this.throughput > this.iops * 0.25) {
      fail(factory, 'CS-IN-089', `throughputMiBps ${this.throughput} needs at least ${Math.ceil(this.throughput * 4)} IOPS (gp3 allows 0.25 MiB/s per IOPS), and iops is ${this.iops}`,
        `raise iops to ${Math.ceil(this.throughput * 4)} or lower throughputMiBps`);
    }
    if (o.fastSnapshotRestore !== undefined && typeof o.fastSnapshotRestore !== 'boolean') {
      fail(factory, 'CS-IN-089', 'fastSnapshotRestore is not a boolean', 'pass true when the snapshot has Fast Snapshot Restore enabled in the nodes\' zones, else leave it out');
    }
    if (o.fastSnapshotRestore && o.initializationRateMiBps !== undefined) {
      fail(factory, 'CS-IN-089', 'fastSnapshotRestore and initializationRateMiBps are both given: a fast-restored volume is initialized at creation',
        'drop initializationRateMiBps, or fastSnapshotRestore if the snapshot has no Fast Snapshot Restore');
    }
    this.initializationRate = o.fastSnapshotRestore ? undefined
      : whole('initializationRateMiBps', o.initializationRateMiBps ?? 300, 100, 300, 'use 100 to 300 MiB/s (EBS Provisioned Rate for Volume Initialization)');
    checkStreamer(factory, o.streamer);
    this.loader = resolveLoader(factory, o);
    requireLoaderFor(factory, this.loader, WeightPath.EBS_SNAPSHOT, 'an EBS snapshot volume');
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    requireCloud(scope, context.profile, CloudProvider.EKS, 'WeightSource.ebsSnapshot', 'pick a baseline weight source');
    const o = this.options;
    const modelBytes = context.size.bytes;
    let volumeSize: string | undefined;
    if (o.size !== undefined) {
      const bytes = positiveBytes('the EBS snapshot volume size', o.size, (p, x) => fail(scope, 'CS-IN-089', p, x));
      if (bytes < modelBytes) fail(scope, 'CS-IN-089', `the EBS snapshot volume size is below the model size (${Math.ceil(modelBytes / GIB)} GiB)`, 'leave size out (the snapshot\'s size) or give at least the model\'s size');
      if (bytes > 16_384 * GIB) fail(scope, 'CS-IN-089', 'the EBS snapshot volume size is above 16,384 GiB, gp3\'s largest', 'give a smaller size');
      volumeSize = `${Math.ceil(bytes / GIB)}Gi`;
    }
    // One directory per snapshot: two models on one node never share a mount point.
    const hostPath = `/mnt/coldstart-weights/${this.snapshotId}`;
    pod.set(Facts.NODE_WEIGHT_VOLUME, {
      snapshotId: this.snapshotId,
      deviceName: MODEL_DEVICE,
      hostPath,
      volumeSize,
      throughputMiBps: this.throughput,
      iops: this.iops,
      initializationRateMiBps: this.initializationRate,
    });
    // `Directory`: if the bootstrap container did not mount it, the pod fails to start instead of reading an empty dir.
    pod.volume({ name: 'ebs-weights', hostPath: { path: hostPath, type: 'Directory' } },
      { name: 'ebs-weights', mountPath: MODEL_MOUNT, readOnly: true, subPath: o.directory });
    pod.set(Facts.MODEL_PATH, MODEL_MOUNT);
    offline(pod);
    applyLoader(scope, pod, context, this.loader);
    pod.set(Facts.WEIGHT_PATH, WeightPath.EBS_SNAPSHOT);
    const volumeGib = Math.max(1, Math.ceil(modelBytes / GIB));
    pod.set(Facts.WEIGHT_STORAGE, WeightStorage.ebsVolume(EbsVolumeType.GP3, Size.gibibytes(volumeGib), Size.mebibytes(this.throughput)));
    // A new node's volume fetches its blocks from S3 at the initialization rate while the engine reads them.
    if (this.initializationRate !== undefined && this.initializationRate < this.throughput) {
      pod.set(Facts.NEW_NODE_READ_LIMIT, this.initializationRate * 1024 ** 2);
    }
  }
}
