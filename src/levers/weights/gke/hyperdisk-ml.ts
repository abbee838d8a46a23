import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PodWriter } from '../../../blueprint';
import { WeightPath } from '../../../estimate/paths';
import { requireCloud } from '../../../private/cloud';
import { clusterScoped } from '../../../private/cluster-scoped';
import { fail } from '../../../private/errors';
import { ManifestObject } from '../../../private/manifest-object';
import { bytesToQuantity } from '../../../private/quantity';
import { positiveBytes } from '../../../private/size';
import { CloudProvider } from '../../../profile';
import { LeverContext } from '../../lever';
import { isDnsSubdomain, mountWeightsClaim, requireRelativePath, volumeBytesFor, WeightSourceImpl } from '../source-impl';
import { checkStreamer, StreamerOptions } from '../streamer';

/**
 * Options for GKE Hyperdisk ML.
 */
export interface HyperdiskMlOptions {
  /**
   * The VolumeSnapshot (in the model's namespace) of a disk that holds the
   * weights: the claim is restored from it. (GKE's GCPDataSource volume
   * populator is not emitted: its CRD is not part of the checked schemas.)
   */
  readonly snapshotName: string;

  /**
   * Capacity of the restored disk; at least the snapshot's source size.
   * @default - the model size plus 10%, in whole GiB
   */
  readonly size?: Size;

  /**
   * Throughput provisioned at creation, in MiB/s
   * (`provisioned-throughput-on-create`): 400 to 1,200,000, the range
   * Compute Engine provisions for one Hyperdisk ML volume.
   * @default 2400
   */
  readonly throughputMiBps?: number;

  /**
   * Directory of the model inside the disk.
   * @default - the disk root
   */
  readonly subPath?: string;

  /**
   * Streamer settings.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;
}

/** Compute Engine's range for one Hyperdisk ML volume ("About Hyperdisk ML", size and performance limits); the per-GiB bounds are the disk's to enforce. */
const MIN_THROUGHPUT_MIBPS = 400;
const MAX_THROUGHPUT_MIBPS = 1_200_000;

/**
 * A Hyperdisk ML volume (`pd.csi.storage.gke.io`, `type: hyperdisk-ml`)
 * restored from a snapshot and attached ReadOnlyMany to every replica.
 * @internal
 */
export class HyperdiskMlSource implements WeightSourceImpl {
  constructor(private readonly options: HyperdiskMlOptions) {
    const factory = 'WeightSource.hyperdiskMl';
    const o = options;
    if (!isDnsSubdomain(o.snapshotName)) {
      fail(factory, 'CS-IN-021', `VolumeSnapshot "${o.snapshotName}" is not a valid object name`, 'pass the name of the VolumeSnapshot of a disk holding the weights');
    }
    const throughput = o.throughputMiBps ?? 2400;
    if (!Number.isInteger(throughput) || throughput < 1) {
      fail(factory, 'CS-IN-029', `throughputMiBps ${throughput} is not a positive integer`, 'use 2400 (the default) or the throughput your disk quota allows');
    }
    if (throughput < MIN_THROUGHPUT_MIBPS || throughput > MAX_THROUGHPUT_MIBPS) {
      fail(factory, 'CS-IN-087', `throughputMiBps ${throughput} is outside the ${MIN_THROUGHPUT_MIBPS} to ${MAX_THROUGHPUT_MIBPS} MiB/s Compute Engine provisions for one Hyperdisk ML volume`,
        'use 2400 (the default) or a throughput in that range your disk quota allows');
    }
    requireRelativePath(factory, o.subPath, 'Hyperdisk ML subPath', 'models/llama-3.1-70b-instruct');
    checkStreamer(factory, o.streamer);
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    requireCloud(scope, context.profile, CloudProvider.GKE, 'WeightSource.hyperdiskMl', 'pick a baseline weight source');
    const o = this.options;
    const throughput = o.throughputMiBps ?? 2400;
    const modelBytes = context.size.bytes;
    const bytes = o.size !== undefined ? positiveBytes('the Hyperdisk ML size', o.size, (p, x) => fail(scope, 'CS-IN-016', p, x)) : volumeBytesFor(modelBytes);
    if (bytes < modelBytes) {
      fail(scope, 'CS-IN-016', `the Hyperdisk ML size ${bytesToQuantity(bytes)} is below the model size ${bytesToQuantity(modelBytes)}`, `request at least ${bytesToQuantity(volumeBytesFor(modelBytes))}`);
    }
    const storageClass = clusterScoped(ManifestObject.render(scope, 'HyperdiskMlStorageClass', k8s.KubeStorageClass, {
      metadata: { name: `${context.name}-hyperdisk-ml` },
      provisioner: 'pd.csi.storage.gke.io',
      parameters: { 'type': 'hyperdisk-ml', 'provisioned-throughput-on-create': `${throughput}Mi` },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    }));
    const claim = ManifestObject.render(scope, 'HyperdiskMlClaim', k8s.KubePersistentVolumeClaim, {
      metadata: { name: `${context.name}-weights` },
      spec: {
        accessModes: ['ReadOnlyMany'],
        storageClassName: storageClass.name,
        dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: o.snapshotName },
        resources: { requests: { storage: k8s.Quantity.fromString(bytesToQuantity(bytes)) } },
      },
    });
    claim.node.addDependency(storageClass);
    mountWeightsClaim(pod, {
      claimName: claim.name, subPath: o.subPath, modelBytes, ranks: context.gpu.count, streamer: o.streamer, weightPath: WeightPath.HYPERDISK_ML,
    });
    pod.dependsOn(storageClass);
    pod.dependsOn(claim);
  }
}
