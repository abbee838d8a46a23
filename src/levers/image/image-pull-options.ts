import { Size } from 'cdk8s';

/**
 * A GKE disk image that holds container images, attached to new nodes as a
 * secondary boot disk in `CONTAINER_IMAGE_CACHE` mode.
 */
export interface SecondaryBootDisk {
  /** Name of the Compute Engine disk image. */
  readonly diskImageName: string;

  /**
   * Project of the disk image.
   * @default - the cluster's project
   */
  readonly project?: string;
}

/**
 * GKE image-pull accelerators, written into the model's ComputeClass (so they
 * need `capacity.gke.computeClass`).
 */
export interface GkeImagePullOptions {
  /**
   * Image streaming (`nodePoolConfig.imageStreaming`): containers start
   * while the image streams from Artifact Registry (~191 s -> ~30 s first
   * start). Existing node pools match the class only if they stream too.
   * @default false
   */
  readonly imageStreaming?: boolean;

  /**
   * Disk images that already hold the engine (and modelcar) images.
   * @default - none
   */
  readonly secondaryBootDisks?: SecondaryBootDisk[];
}

/**
 * The SOCI snapshotter's parallel pull-and-unpack mode on Bottlerocket
 * (>= 1.44.0): layers download over several range requests at once and
 * unpack concurrently, so a fresh node pulls a large image faster without a
 * pre-built snapshot. The settings go in the EC2NodeClass user data
 * (`settings.container-runtime.snapshotter = "soci"`,
 * `settings.container-runtime-plugins.soci-snapshotter.*`). The registry must
 * serve HTTP range GETs (ECR does).
 */
export interface SociParallelPullOptions {
  /**
   * Concurrent downloads per image
   * (`parallel-pull-unpack.max-concurrent-downloads-per-image`).
   * @default 20 - the 10-20 the Karpenter blueprint recommends for ECR (Bottlerocket's own default is 3)
   */
  readonly maxConcurrentDownloadsPerImage?: number;

  /**
   * Size of each range request within a layer, in whole MiB
   * (`parallel-pull-unpack.concurrent-download-chunk-size`).
   * @default Size.mebibytes(16) - the ECR recommendation (Bottlerocket's own default downloads a layer in one piece)
   */
  readonly concurrentDownloadChunkSize?: Size;

  /**
   * Layers unpacked at once per image
   * (`parallel-pull-unpack.max-concurrent-unpacks-per-image`); about the
   * image's layer count pays best.
   * @default 12 - the Karpenter blueprint's value (Bottlerocket's own default is 1)
   */
  readonly maxConcurrentUnpacksPerImage?: number;

  /**
   * Delete each compressed layer once unpacked
   * (`parallel-pull-unpack.discard-unpacked-layers`): less disk, faster pulls.
   * @default true
   */
  readonly discardUnpackedLayers?: boolean;
}

/**
 * EKS image-pull accelerators, written into the model's EC2NodeClass (so
 * they need `capacity.eks.nodePool`). Set one of them: a snapshot and
 * parallel pull exclude each other.
 */
export interface EksImagePullOptions {
  /**
   * EBS snapshot (`snap-...`) of a Bottlerocket data volume that already
   * holds the images: `/dev/xvdb` starts from it (~90 s -> ~10 s pull).
   * @default - none
   */
  readonly dataVolumeSnapshotId?: string;

  /**
   * Pull with the SOCI snapshotter's parallel pull-and-unpack mode, for nodes
   * without an image snapshot.
   * @default - off: containerd's default snapshotter pulls layer by layer
   */
  readonly parallelPull?: SociParallelPullOptions;

  /**
   * Size of the Bottlerocket data volume `/dev/xvdb`: at least the
   * snapshot's, or without a snapshot room for the images (parallel pull
   * buffers each layer on it before unpacking).
   * @default - the snapshot's size; Karpenter's 20Gi without a snapshot
   */
  readonly dataVolumeSize?: Size;
}

/**
 * Options for lever 2 (image pull). Every image stays pinned by digest.
 */
export interface ImagePullOptions {
  /**
   * A DaemonSet on the model's GPU nodes whose init containers pull the engine
   * image, the modelcar image and `additionalImages`, so a node held by the
   * warm buffer has them before the wake. It needs a nodeSelector
   * (`gpu.nodeSelector`, a compute class or a NodePool): without one it would
   * run on every node, so `true` is refused (CS-IN-044) and the default is off.
   * @default - on in production when the pod has a nodeSelector, off in lab
   */
  readonly prePull?: boolean;

  /**
   * More images to pre-pull (sidecars, an agent), each pinned by digest and
   * each with a `sh` on its PATH (the init container runs `sh -c 'exit 0'`).
   * @default - none
   */
  readonly additionalImages?: string[];

  /**
   * The image of the pre-pull pods' long-running container, pinned by digest.
   * @default 'registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a'
   */
  readonly pauseImage?: string;

  /**
   * GKE accelerators (needs a GKE profile).
   * @default - none
   */
  readonly gke?: GkeImagePullOptions;

  /**
   * EKS accelerators (needs an EKS profile).
   * @default - none
   */
  readonly eks?: EksImagePullOptions;
}
