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
 * EKS image-pull accelerators, written into the model's EC2NodeClass (so
 * they need `capacity.eks.nodePool`).
 */
export interface EksImagePullOptions {
  /**
   * EBS snapshot (`snap-...`) of a Bottlerocket data volume that already
   * holds the images: `/dev/xvdb` starts from it (~90 s -> ~10 s pull).
   */
  readonly dataVolumeSnapshotId: string;

  /**
   * Size of the data volume, at least the snapshot's.
   * @default - the snapshot's size
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
