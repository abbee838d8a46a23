import { Construct } from 'constructs';
import { ImagePullOptions, SociParallelPullOptions } from './image-pull-options';
import { renderPrePull } from './pre-pull';
import { Facts, LeverKind, NodeImageCache, PodWriter, SociParallelPull } from '../../blueprint';
import { ImageArrival, CapacityArrival } from '../../estimate/paths';
import { requireCloud } from '../../private/cloud';
import { fail } from '../../private/errors';
import { requireDigest } from '../../private/image';
import { GIB } from '../../private/quantity';
import { positiveBytes } from '../../private/size';
import { CloudProvider } from '../../profile';
import { pauseImage } from '../capacity/pause-image';
import { Lever, LeverContext, requireNodeSelector } from '../lever';

/**
 * Lever 2: the multi-GB engine image. Pinned by digest, so `IfNotPresent` is
 * safe and a warm node never pulls it again (a tag means `Always`); a pre-pull
 * DaemonSet, and on GKE/EKS image streaming, secondary boot disks or an EBS
 * snapshot of the images.
 * @internal
 */
export class ImagePull extends Lever {
  private prePull: boolean;
  /** What the pre-pull DaemonSet pulls, decided with the facts the estimate reads. */
  private readonly prePulled: Array<{ readonly name: string; readonly image: string }> = [];
  private readonly additionalImages: string[];
  private readonly pauseImage: string;
  private readonly parallelPull?: SociParallelPull;

  public readonly kind = LeverKind.IMAGE;

  constructor(scope: Construct, id: string, context: LeverContext, private readonly options: ImagePullOptions) {
    super(scope, id, context);
    const profile = context.profile;
    this.prePull = options.prePull ?? profile.isProduction;
    this.additionalImages = (options.additionalImages ?? []).map((image, i) => requireDigest(this, image, `imagePull.additionalImages[${i}]`));
    this.pauseImage = pauseImage(this, options.pauseImage, 'imagePull.pauseImage');
    if (options.gke) requireCloud(this, profile, CloudProvider.GKE, 'imagePull.gke (image streaming, secondary boot disks)', 'remove imagePull.gke');
    if (options.eks) requireCloud(this, profile, CloudProvider.EKS, 'imagePull.eks (Bottlerocket data-volume snapshot, SOCI parallel pull)', 'remove imagePull.eks');
    for (const [i, d] of (options.gke?.secondaryBootDisks ?? []).entries()) {
      if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(d.diskImageName ?? '')) {
        fail(this, 'CS-IN-040', `secondaryBootDisks[${i}].diskImageName "${d.diskImageName}" is not a Compute Engine image name`, 'pass the name of the disk image that holds the container images');
      }
    }
    const snapshot = options.eks?.dataVolumeSnapshotId;
    if (snapshot !== undefined && !/^snap-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(snapshot)) {
      fail(this, 'CS-IN-038', `imagePull.eks.dataVolumeSnapshotId "${snapshot}" is not an EBS snapshot id (snap- and 8 or 17 hex digits)`,
        'pass the id of the snapshot of a Bottlerocket data volume holding the images, e.g. snap-0123456789abcdef0');
    }
    if (options.eks && snapshot === undefined && options.eks.parallelPull === undefined) {
      fail(this, 'CS-IN-079', 'imagePull.eks sets neither dataVolumeSnapshotId nor parallelPull', 'set one of them, or remove imagePull.eks');
    }
    if (snapshot !== undefined && options.eks?.parallelPull !== undefined) {
      // Bottlerocket (settings.container-runtime.snapshotter) removes the images under /var/lib/containerd when the
      // snapshotter changes across boots, comparing with /var/cache/containerd/active-snapshotter on the data volume
      // (bottlerocket-core-kit#582, configure-snapshotter.service): a snapshot made on a default (overlayfs) node.
      fail(this, 'CS-IN-079', 'imagePull.eks sets both dataVolumeSnapshotId and parallelPull: a soci node does not use the images the snapshot holds (Bottlerocket deletes images when the snapshotter changes)',
        'keep the snapshot (the images are on disk at boot), or parallelPull for nodes without one, not both');
    }
    this.parallelPull = options.eks?.parallelPull ? resolveParallelPull(this, options.eks.parallelPull) : undefined;
  }

  public contribute(pod: PodWriter): void {
    // Engine.vllm refused an image not pinned by digest.
    pod.image(this.context.engineImage, 'IfNotPresent');
    // Polaris' pullPolicyNotAlways contradicts digest + IfNotPresent: say so where linters look.
    pod.annotation('polaris.fairwinds.com/pullPolicyNotAlways-exempt', 'true');
    pod.annotation('coldstart.cdk8s.io/exemption-reason',
      'pullPolicyNotAlways: every image is pinned by digest, so IfNotPresent cannot run a stale image and a warm node never pulls again');

    // Node settings the capacity lever renders into the ComputeClass / EC2NodeClass.
    const { gke, eks } = this.options;
    const node: NodeImageCache = {
      imageStreaming: gke?.imageStreaming ?? false,
      secondaryBootDisks: [...(gke?.secondaryBootDisks ?? [])],
      dataVolumeSnapshotId: eks?.dataVolumeSnapshotId,
      parallelPull: this.parallelPull,
      // Rounded up: the volume must hold at least what was asked.
      dataVolumeSize: eks?.dataVolumeSize !== undefined ? `${Math.ceil(positiveBytes('imagePull.eks.dataVolumeSize', eks.dataVolumeSize, (p, x) => fail(this, 'CS-IN-056', p, x)) / GIB)}Gi` : undefined,
    };
    pod.set(Facts.NODE_IMAGE, node);
    pod.set(Facts.PARALLEL_PULL, this.parallelPull !== undefined);

    // A DaemonSet without a nodeSelector runs on every node: the profile's default
    // pre-pull stays off then, an explicit one is refused. Capacity, which writes
    // the selector, says whether there is one.
    if (this.prePull && !pod.get(Facts.NODES_SELECTED)) {
      if (this.options.prePull) requireNodeSelector(this, pod, 'the pre-pull DaemonSet would pull the engine image on every node of the cluster');
      this.prePull = false;
    }

    // The modelcar is an image too: the DaemonSet pulls it beside the engine image.
    const storageUri = pod.get(Facts.STORAGE_URI);
    const modelcar = storageUri?.startsWith('oci://') ? storageUri.slice('oci://'.length) : undefined;
    if (this.prePull) {
      this.prePulled.push({ name: 'engine', image: this.context.engineImage });
      if (modelcar) this.prePulled.push({ name: 'modelcar', image: modelcar });
      this.additionalImages.forEach((image, i) => this.prePulled.push({ name: `image-${i}`, image }));
    }
    pod.set(Facts.PRE_PULL, this.prePull);

    // A pre-pulled image is on the node only if the node was there before the wake (held by a warm buffer);
    // a new node runs the DaemonSet as it comes up, no sooner than the model pod pulls the same images.
    const onNodeAtWake = this.prePull && pod.get(Facts.CAPACITY_ARRIVAL) === CapacityArrival.WARM_BUFFER;
    pod.set(Facts.MODELCAR_PRE_PULLED, onNodeAtWake && modelcar !== undefined);
    if (onNodeAtWake) {
      pod.set(Facts.IMAGE_ARRIVAL, ImageArrival.PRE_PULLED);
    } else if (node.dataVolumeSnapshotId || node.secondaryBootDisks.length) {
      pod.set(Facts.IMAGE_ARRIVAL, ImageArrival.SNAPSHOT);
    } else if (node.imageStreaming) {
      pod.set(Facts.IMAGE_ARRIVAL, ImageArrival.STREAMED);
    }
  }

  /** Once the pod's nodes are known: the pre-pull DaemonSet mirrors them. */
  public complete(pod: PodWriter): void {
    if (!this.prePull) return;
    renderPrePull(this, this.context.name, this.prePulled, this.pauseImage, pod.placement);
  }
}

const MIB = 1024 ** 2;

/** The options with the defaults, checked against the Bottlerocket settings' accepted values (positive integers, a byte size). */
function resolveParallelPull(scope: Construct, o: SociParallelPullOptions): SociParallelPull {
  const count = (prop: string, value: number | undefined, fallback: number) => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < 1 || v > 1000) {
      fail(scope, 'CS-IN-079', `imagePull.eks.parallelPull.${prop} ${v} is not an integer in [1, 1000]`, `use a positive count, e.g. ${fallback} (the default)`);
    }
    return v;
  };
  const chunkBytes = o.concurrentDownloadChunkSize === undefined ? 16 * MIB
    : positiveBytes('imagePull.eks.parallelPull.concurrentDownloadChunkSize', o.concurrentDownloadChunkSize, (p, x) => fail(scope, 'CS-IN-079', p, x), 'Size.mebibytes(16)');
  if (chunkBytes % MIB !== 0 || chunkBytes > 1024 * MIB) {
    fail(scope, 'CS-IN-079', `imagePull.eks.parallelPull.concurrentDownloadChunkSize is ${chunkBytes} bytes, not a whole number of MiB up to 1 GiB`, 'use e.g. Size.mebibytes(16), the ECR recommendation');
  }
  return {
    maxConcurrentDownloadsPerImage: count('maxConcurrentDownloadsPerImage', o.maxConcurrentDownloadsPerImage, 20),
    chunkMebibytes: chunkBytes / MIB,
    maxConcurrentUnpacksPerImage: count('maxConcurrentUnpacksPerImage', o.maxConcurrentUnpacksPerImage, 12),
    discardUnpackedLayers: o.discardUnpackedLayers ?? true,
  };
}
