import { Construct, IConstruct } from 'constructs';
import { EbsSnapshotOptions, EbsSnapshotSource } from './eks/ebs-snapshot';
import { FsxLustreSource, FsxLustreOptions } from './eks/fsx-lustre';
import { MountpointS3Source, MountpointS3Options } from './eks/mountpoint-s3';
import { GcsFuseSource, GcsFuseOptions } from './gke/gcs-fuse';
import { HyperdiskMlSource, HyperdiskMlOptions } from './gke/hyperdisk-ml';
import { HostPathCacheSource, HostPathCacheOptions } from './hostpath-cache';
import { HuggingFaceRepo } from './hugging-face';
import { HuggingFaceVolumeSource, HuggingFaceVolumeOptions } from './hugging-face-volume';
import { refuseLoader, requireLoaderFor, resolveLoader, WeightLoader } from './loader';
import { LocalModelCacheSource, LocalModelCacheOptions } from './local-model-cache';
import { ObjectStorageSource, ObjectStorageOptions } from './object-storage';
import { PrefetchSource, PrefetchOptions } from './prefetch';
import { isDnsSubdomain, MODEL_MOUNT, mountWeightsClaim, offline, requireRelativePath, WeightSourceImpl } from './source-impl';
import { applyStreamer, checkStreamer, StreamerOptions } from './streamer';
import { Facts, PodBlueprint, PodWriter } from '../../blueprint';
import { ColdStartAssessment } from '../../estimate/estimate';
import { WeightPath } from '../../estimate/paths';
import { requireNoCredential } from '../../private/credentials';
import { fail } from '../../private/errors';
import { requireDigest } from '../../private/image';
import { LeverContext } from '../lever';

/**
 * Options for an OCI modelcar.
 */
export interface ModelcarOptions {
  /**
   * Streamer settings for reading the weights from the modelcar's files.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;
}

/**
 * Options for weights on an existing PersistentVolumeClaim.
 */
export interface ExistingClaimOptions {
  /**
   * Directory of the model inside the volume (the mount's `subPath`).
   * @default - the volume root
   */
  readonly subPath?: string;

  /**
   * Streamer settings for reading the weights from the volume.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;

  /**
   * How vLLM reads the weights (`--load-format`). Give the streamer's
   * settings either here or in `streamer`, not both.
   * @default WeightLoader.streamer()
   */
  readonly loader?: WeightLoader;
}

/**
 * Where the weights come from (lever 1: weight load). Each factory is one
 * delivery path; accelerators (GKE, EKS) are refused outside their cloud.
 */
export class WeightSource {
  /**
   * The weights ship as an OCI image (a KServe modelcar) pinned by digest. The
   * image is pulled like any other, cached by the kubelet, and shared with the
   * engine through KServe's modelcar sidecar: no download at wake.
   *
   * @param image `registry/repository@sha256:...`, with or without `oci://`
   */
  public static modelcar(image: string, options: ModelcarOptions = {}): WeightSource {
    options = options ?? {}; // jsii callers can pass null
    refuseLoader('WeightSource.modelcar', options, WeightPath.OCI_MODELCAR, 'a modelcar');
    return new WeightSource(new ModelcarSource(image, options));
  }

  /**
   * The weights already sit on a PersistentVolumeClaim in the model's
   * namespace (filled by you or another pipeline), mounted read-only. Works
   * with every backend: no KServe storage handling is involved.
   *
   * @param claimName name of the existing claim
   */
  public static existingClaim(claimName: string, options: ExistingClaimOptions = {}): WeightSource {
    options = options ?? {}; // jsii callers can pass null
    return new WeightSource(new ExistingClaimSource(claimName, options));
  }

  /**
   * A Hugging Face repository in a Hugging Face cache on a shared
   * ReadWriteMany volume, filled once by a loader Job (`snapshot_download` in
   * the engine image). Replicas mount it read-only, run fully offline, and
   * wait for the loader's completion marker in an init container.
   */
  public static huggingFace(repo: HuggingFaceRepo, options: HuggingFaceVolumeOptions): WeightSource {
    if (options === null || typeof options !== 'object' || typeof (options.volume as any)?._resolve !== 'function') {
      fail('WeightSource.huggingFace', 'CS-IN-059', 'options.volume is missing or not a SharedVolume', 'pass { volume: SharedVolume.newClaim() } (or SharedVolume.existingClaim / SharedVolume.efs)');
    }
    return new WeightSource(new HuggingFaceVolumeSource(repo, options));
  }

  /**
   * Object storage streamed straight into the engine by the Run:ai streamer
   * (`s3://` or `gs://`): no volume and no download step.
   *
   * @param uri the directory holding config.json and the safetensors, e.g. `s3://models/llama-3.1-70b`
   */
  public static objectStorage(uri: string, options: ObjectStorageOptions = {}): WeightSource {
    options = options ?? {}; // jsii callers can pass null
    refuseLoader('WeightSource.objectStorage', options, WeightPath.OBJECT_STORAGE, 'object storage');
    return new WeightSource(new ObjectStorageSource(uri, options));
  }

  /**
   * A KServe LocalModelCache: KServe downloads the weights once onto the
   * node-local NVMe of a LocalModelNodeGroup and mounts them into every pod
   * whose storage URI the cache covers. The cache (and a new node group) are
   * written before the model, since KServe matches at admission.
   *
   * @param storageUri the model's storage URI, e.g. `hf://meta-llama/Llama-3.1-70B-Instruct`
   */
  public static localModelCache(storageUri: string, options: LocalModelCacheOptions): WeightSource {
    if (options === null || typeof options !== 'object' || options.nodeGroup === null || typeof options.nodeGroup !== 'object' || !('_name' in options.nodeGroup)) {
      fail('WeightSource.localModelCache', 'CS-IN-059', 'options.nodeGroup is missing or not a CacheNodeGroup', 'pass { nodeGroup: CacheNodeGroup.existing("<node group>") } or CacheNodeGroup.localNvme({ ... })');
    }
    return new WeightSource(new LocalModelCacheSource(storageUri, options));
  }

  /**
   * For clusters without KServe's local model cache: an init container
   * downloads the repository into a node hostPath only when its completion
   * marker is missing; later wakes on the node read local disk.
   */
  public static hostPathCache(repo: HuggingFaceRepo, options: HostPathCacheOptions = {}): WeightSource {
    options = options ?? {}; // jsii callers can pass null
    return new WeightSource(new HostPathCacheSource(repo, options));
  }

  /**
   * A DaemonSet on the model's GPU nodes pre-pulls the weights into a node
   * hostPath before any wake; the model mounts them read-only.
   */
  public static prefetch(repo: HuggingFaceRepo, options: PrefetchOptions = {}): WeightSource {
    options = options ?? {}; // jsii callers can pass null
    return new WeightSource(new PrefetchSource(repo, options));
  }

  /**
   * GKE only: a Hyperdisk ML volume restored from a snapshot of the weights,
   * attached ReadOnlyMany to every replica.
   */
  public static hyperdiskMl(options: HyperdiskMlOptions): WeightSource {
    if (options === null || typeof options !== 'object') fail('WeightSource.hyperdiskMl', 'CS-IN-059', 'the options are missing', 'pass { snapshotName: "<VolumeSnapshot of the weights>" }');
    refuseLoader('WeightSource.hyperdiskMl', options, WeightPath.HYPERDISK_ML, 'Hyperdisk ML');
    return new WeightSource(new HyperdiskMlSource(options));
  }

  /**
   * GKE only: the bucket through the Cloud Storage FUSE CSI driver (ephemeral
   * volume) with the file cache and parallel downloads.
   *
   * @param bucketName the bare bucket name
   */
  public static gcsFuse(bucketName: string, options: GcsFuseOptions = {}): WeightSource {
    options = options ?? {}; // jsii callers can pass null
    refuseLoader('WeightSource.gcsFuse', options, WeightPath.GCS_FUSE, 'Cloud Storage FUSE');
    return new WeightSource(new GcsFuseSource(bucketName, options));
  }

  /**
   * EKS only: an existing FSx for Lustre file system as a static
   * PersistentVolume, mounted ReadOnlyMany.
   */
  public static fsxLustre(options: FsxLustreOptions): WeightSource {
    if (options === null || typeof options !== 'object') fail('WeightSource.fsxLustre', 'CS-IN-059', 'the options are missing', 'pass { fileSystemId, dnsName, mountName }');
    refuseLoader('WeightSource.fsxLustre', options, WeightPath.FSX_LUSTRE, 'FSx for Lustre');
    return new WeightSource(new FsxLustreSource(options));
  }

  /**
   * EKS only: an S3 bucket through Mountpoint for Amazon S3 as a static
   * PersistentVolume, mounted read-only.
   *
   * @param bucketName the bare bucket name
   */
  public static mountpointS3(bucketName: string, options: MountpointS3Options = {}): WeightSource {
    refuseLoader('WeightSource.mountpointS3', options, WeightPath.MOUNTPOINT_S3, 'Mountpoint for S3');
    return new WeightSource(new MountpointS3Source(bucketName, options));
  }

  /**
   * EKS only: the weights on an EBS volume that every new GPU node restores
   * from a snapshot (a third block device of the model's EC2NodeClass, so
   * `capacity.eks.nodePool` is required, on Bottlerocket 1.34.0 or later). A
   * bootstrap container mounts it read-only on the node before the kubelet
   * starts; the model reads it through a read-only hostPath. Make the
   * snapshot from a volume formatted whole (no partition table) that holds
   * only the model.
   *
   * @param snapshotId `snap-` and 8 or 17 hex digits
   */
  public static ebsSnapshot(snapshotId: string, options: EbsSnapshotOptions = {}): WeightSource {
    options = options ?? {}; // jsii callers can pass null
    if (typeof options !== 'object') fail('WeightSource.ebsSnapshot', 'CS-IN-089', 'the options are not an options object', 'pass { directory, throughputMiBps, ... } or nothing');
    return new WeightSource(new EbsSnapshotSource(snapshotId, options));
  }

  private constructor(private readonly binding: WeightSourceImpl) {}

  /**
   * Writes the source's volumes, env, args and memory into the blueprint.
   * @internal
   */
  public _bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    this.binding.bind(scope, pod, context);
  }

  /**
   * Second pass, once the pod is complete (e.g. a prefetch DaemonSet that
   * mirrors its nodes).
   * @internal
   */
  public _complete(scope: Construct, pod: PodWriter, context: LeverContext): void {
    this.binding.complete?.(scope, pod, context);
  }

  /**
   * After both passes: one-time Jobs on the finished pod (a sharded checkpoint).
   * @internal
   */
  public _jobs(
    scope: Construct, bp: PodBlueprint, context: LeverContext, assessment: ColdStartAssessment, after: readonly IConstruct[],
  ): IConstruct[] {
    return this.binding.jobs?.(scope, bp, context, assessment, after) ?? [];
  }
}

class ModelcarSource implements WeightSourceImpl {
  private readonly image: string;

  constructor(image: string, private readonly options: ModelcarOptions) {
    const factory = 'WeightSource.modelcar';
    requireNoCredential(factory, image, 'the modelcar image');
    this.image = requireDigest(factory, image?.replace(/^oci:\/\//, ''), 'modelcar image');
    checkStreamer(factory, options.streamer);
  }

  public bind(_scope: Construct, pod: PodWriter, context: LeverContext): void {
    const image = this.image;
    pod.set(Facts.STORAGE_URI, `oci://${image}`);
    pod.set(Facts.MODEL_PATH, MODEL_MOUNT);
    offline(pod);
    applyStreamer(pod, context.size.bytes, context.gpu.count, this.options.streamer);
    pod.set(Facts.WEIGHT_PATH, WeightPath.OCI_MODELCAR);
    // KServe writes `uidModelcar` (inferenceservice-config; 1010 in v0.20's install, possibly 0) over the container's uid.
    pod.set(Facts.ENGINE_ROOT_REASON, 'KServe sets the uid of a modelcar pod\'s containers (uidModelcar)');
  }
}

class ExistingClaimSource implements WeightSourceImpl {
  private readonly loader: WeightLoader;

  constructor(private readonly claimName: string, private readonly options: ExistingClaimOptions) {
    const factory = 'WeightSource.existingClaim';
    if (!isDnsSubdomain(claimName)) {
      fail(factory, 'CS-IN-021', `weights claim "${claimName}" is not a valid PersistentVolumeClaim name`, 'pass the name of an existing claim in the model\'s namespace');
    }
    requireRelativePath(factory, options.subPath, 'weights subPath', 'models/qwen2.5-0.5b-instruct');
    checkStreamer(factory, options.streamer);
    this.loader = resolveLoader(factory, options);
    requireLoaderFor(factory, this.loader, WeightPath.SHARED_VOLUME, `claim "${claimName}"`);
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    const subPath = this.options.subPath;
    mountWeightsClaim(
      pod,
      {
        claimName: this.claimName,
        subPath,
        modelBytes: context.size.bytes,
        ranks: context.gpu.count,
        streamer: this.options.streamer,
        loader: { scope, context, loader: this.loader },
        weightPath: WeightPath.SHARED_VOLUME,
      },
    );
  }
}
