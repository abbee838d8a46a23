import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { Facts, PodWriter } from '../../../blueprint';
import { WeightPath } from '../../../estimate/paths';
import { requireCloud } from '../../../private/cloud';
import { fail } from '../../../private/errors';
import { bytesToQuantity } from '../../../private/quantity';
import { positiveBytes } from '../../../private/size';
import { CloudProvider } from '../../../profile';
import { LeverContext } from '../../lever';
import { MODEL_MOUNT, offline, requireRelativePath, requireServiceAccountName, setServiceAccount, volumeBytesFor, WeightSourceImpl } from '../source-impl';
import { applyStreamer, checkStreamer, StreamerOptions } from '../streamer';

/**
 * Options for Cloud Storage FUSE.
 */
export interface GcsFuseOptions {
  /**
   * Directory of the model in the bucket (`only-dir` mount option).
   * @default - the bucket root
   */
  readonly onlyDir?: string;

  /**
   * Kubernetes service account bound by Workload Identity to a Google
   * identity that may read the bucket.
   * @default - the namespace's default service account
   */
  readonly serviceAccountName?: string;

  /**
   * Ephemeral storage of the gcsfuse sidecar (`gke-gcsfuse/ephemeral-storage-limit`):
   * the file cache lives there, so it must hold the whole model.
   * @default - the model size plus 10%, in whole GiB
   */
  readonly fileCacheSize?: Size;

  /**
   * Memory limit of the gcsfuse sidecar (`gke-gcsfuse/memory-limit`).
   * @default - GKE's sidecar default
   */
  readonly sidecarMemoryLimit?: Size;

  /**
   * CPU limit of the gcsfuse sidecar in cores (`gke-gcsfuse/cpu-limit`).
   * @default - GKE's sidecar default
   */
  readonly sidecarCpuLimit?: number;

  /**
   * Streamer settings.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;
}

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
/** FACTS: parallel downloads need the file cache; metadata cached for the pod's life (weights never change under a pinned prefix). */
const MOUNT_OPTIONS = [
  'implicit-dirs',
  'metadata-cache:ttl-secs:-1',
  'file-cache:max-size-mb:-1',
  'file-cache:cache-file-for-range-read:true',
  'file-cache:enable-parallel-downloads:true',
];

/**
 * The bucket mounted read-only through the Cloud Storage FUSE CSI driver as
 * an ephemeral volume, with the file cache and parallel downloads on; the
 * `gke-gcsfuse/volumes` pod annotation makes GKE inject the sidecar.
 * @internal
 */
export class GcsFuseSource implements WeightSourceImpl {
  constructor(private readonly bucketName: string, private readonly options: GcsFuseOptions) {
    const factory = 'WeightSource.gcsFuse';
    const o = options;
    if (!BUCKET.test(bucketName ?? '') || bucketName.includes('..')) {
      fail(factory, 'CS-IN-027', `bucket "${bucketName}" is not a Cloud Storage bucket name`, 'pass the bare bucket name, without gs:// or a path (use onlyDir for the path)');
    }
    requireRelativePath(factory, o.onlyDir, 'GCS FUSE onlyDir', 'models/llama-3.1-70b-instruct', { mountOption: true });
    if (o.sidecarCpuLimit !== undefined && !(typeof o.sidecarCpuLimit === 'number' && o.sidecarCpuLimit > 0 && Number.isFinite(o.sidecarCpuLimit))) {
      fail(factory, 'CS-IN-009', `sidecarCpuLimit ${o.sidecarCpuLimit} is not a positive, finite number of cores`, 'pass e.g. 4');
    }
    if (o.serviceAccountName !== undefined) requireServiceAccountName(factory, o.serviceAccountName, `the Workload Identity that reads gs://${bucketName}`);
    checkStreamer(factory, o.streamer);
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    requireCloud(scope, context.profile, CloudProvider.GKE, 'WeightSource.gcsFuse', 'pick a baseline weight source');
    const o = this.options;
    const modelBytes = context.size.bytes;
    const cacheBytes = o.fileCacheSize !== undefined ? positiveBytes('fileCacheSize', o.fileCacheSize, (p, x) => fail(scope, 'CS-IN-016', p, x)) : volumeBytesFor(modelBytes);
    if (cacheBytes < modelBytes) {
      fail(scope, 'CS-IN-016', `the GCS FUSE file cache ${bytesToQuantity(cacheBytes)} is below the model size ${bytesToQuantity(modelBytes)}, so every read would go back to the bucket`,
        `set fileCacheSize to at least ${bytesToQuantity(volumeBytesFor(modelBytes))}`);
    }
    const mountOptions = [...MOUNT_OPTIONS, ...(o.onlyDir ? [`only-dir=${o.onlyDir}`] : [])].join(',');
    pod.volume({ name: 'weights', csi: { driver: 'gcsfuse.csi.storage.gke.io', readOnly: true, volumeAttributes: { bucketName: this.bucketName, mountOptions } } },
      { name: 'weights', mountPath: MODEL_MOUNT, readOnly: true });
    pod.podAnnotation('gke-gcsfuse/volumes', 'true');
    pod.podAnnotation('gke-gcsfuse/ephemeral-storage-limit', bytesToQuantity(cacheBytes));
    if (o.sidecarMemoryLimit !== undefined) pod.podAnnotation('gke-gcsfuse/memory-limit', bytesToQuantity(positiveBytes('sidecarMemoryLimit', o.sidecarMemoryLimit, (p, x) => fail(scope, 'CS-IN-056', p, x))));
    if (o.sidecarCpuLimit !== undefined) pod.podAnnotation('gke-gcsfuse/cpu-limit', `${o.sidecarCpuLimit}`);
    if (o.serviceAccountName !== undefined) setServiceAccount(scope, pod, o.serviceAccountName, `the Workload Identity that reads gs://${this.bucketName}`);
    pod.set(Facts.MODEL_PATH, MODEL_MOUNT);
    offline(pod);
    applyStreamer(pod, modelBytes, context.gpu.count, o.streamer);
    pod.set(Facts.WEIGHT_PATH, WeightPath.GCS_FUSE);
    pod.set(Facts.ENGINE_ROOT_REASON, 'the GCS FUSE driver, not the pod, sets the owner and mode of the bucket\'s files');
  }
}
