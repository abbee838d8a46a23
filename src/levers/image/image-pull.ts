import { SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import { PAUSE_IMAGE } from '../capacity/pause-image';
import { ImagePullOptions } from './image-pull-options';
import { renderPrePull } from './pre-pull';
import { Lever, LeverContext } from '../lever';
import { PodBlueprint } from '../../blueprint';
import { fail } from '../../private/errors';
import { ImageArrival, CapacityArrival } from '../../estimate/paths';
import { requireCloud } from '../../private/cloud';
import { requireDigest } from '../../private/image';
import { CloudProvider, Profile } from '../../profile';

/** @internal */
export interface ImagePullProps {
  readonly engineImage: string;
  readonly options: ImagePullOptions;
  readonly profile: Profile;
}

/**
 * Lever 2: the multi-GB engine image. Pinned by digest, so `IfNotPresent` is
 * safe and a warm node never pulls it again (a tag means `Always`); a pre-pull
 * DaemonSet, and on GKE/EKS image streaming, secondary boot disks or an EBS
 * snapshot of the images.
 * @internal
 */
export class ImagePull extends Lever {
  private readonly prePull: boolean;
  private readonly additionalImages: string[];
  private readonly pauseImage: string;

  constructor(scope: Construct, id: string, private readonly props: ImagePullProps) {
    super(scope, id);
    const { options, profile } = props;
    this.prePull = options.prePull ?? profile.isProduction;
    this.additionalImages = (options.additionalImages ?? []).map((image, i) => requireDigest(this, image, `imagePull.additionalImages[${i}]`));
    this.pauseImage = requireDigest(this, options.pauseImage ?? PAUSE_IMAGE, 'imagePull.pauseImage');
    if (options.gke) requireCloud(this, profile, CloudProvider.GKE, 'imagePull.gke (image streaming, secondary boot disks)', 'remove imagePull.gke');
    if (options.eks) requireCloud(this, profile, CloudProvider.EKS, 'imagePull.eks (Bottlerocket data-volume snapshot)', 'remove imagePull.eks');
    for (const [i, d] of (options.gke?.secondaryBootDisks ?? []).entries()) {
      if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(d.diskImageName ?? '')) {
        fail(this, 'CS-IN-040', `secondaryBootDisks[${i}].diskImageName "${d.diskImageName}" is not a Compute Engine image name`, 'pass the name of the disk image that holds the container images');
      }
    }
    const snapshot = options.eks?.dataVolumeSnapshotId;
    if (options.eks && !/^snap-[0-9a-f]{8,17}$/.test(snapshot ?? '')) {
      fail(this, 'CS-IN-038', `imagePull.eks.dataVolumeSnapshotId "${snapshot}" is not an EBS snapshot id (snap- and 8 or 17 hex digits)`,
        'pass the id of the snapshot of a Bottlerocket data volume holding the images, e.g. snap-0123456789abcdef0');
    }
  }

  public contribute(blueprint: PodBlueprint, _context: LeverContext): void {
    // Engine.vllm refused an image not pinned by digest.
    blueprint.image = this.props.engineImage;
    blueprint.imagePullPolicy = 'IfNotPresent';
    // Polaris' pullPolicyNotAlways contradicts digest + IfNotPresent: say so where linters look.
    blueprint.addAnnotation(this.leverName, 'polaris.fairwinds.com/pullPolicyNotAlways-exempt', 'true');
    blueprint.addAnnotation(this.leverName, 'coldstart.cdk8s.io/exemption-reason',
      'pullPolicyNotAlways: every image is pinned by digest, so IfNotPresent cannot run a stale image and a warm node never pulls again');

    // Node settings the node lever renders into the ComputeClass / EC2NodeClass.
    const { gke, eks } = this.props.options;
    if (gke?.imageStreaming) blueprint.nodeImage.imageStreaming = true;
    blueprint.nodeImage.secondaryBootDisks.push(...(gke?.secondaryBootDisks ?? []));
    if (eks) {
      blueprint.nodeImage.dataVolumeSnapshotId = eks.dataVolumeSnapshotId;
      // Rounded up: the volume must hold at least what was asked.
      blueprint.nodeImage.dataVolumeSize = eks.dataVolumeSize
        ? `${Math.ceil(eks.dataVolumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE }))}Gi` : undefined;
    }
  }

  /** Once the pod's nodes are known: the pre-pull DaemonSet mirrors them. */
  public complete(blueprint: PodBlueprint, context: LeverContext): void {
    const images = [{ name: 'engine', image: blueprint.image! }];
    if (blueprint.storageUri?.startsWith('oci://')) images.push({ name: 'modelcar', image: blueprint.storageUri.slice('oci://'.length) });
    this.additionalImages.forEach((image, i) => images.push({ name: `image-${i}`, image }));
    if (this.prePull) renderPrePull(this, context.name, images, this.pauseImage, blueprint);

    const node = blueprint.nodeImage;
    const facts = blueprint.coldStart;
    if (this.prePull && facts.capacityArrival === CapacityArrival.WARM_BUFFER) {
      facts.imageArrival = ImageArrival.PRE_PULLED;
    } else if (node.dataVolumeSnapshotId || node.secondaryBootDisks.length) {
      facts.imageArrival = ImageArrival.SNAPSHOT;
    } else if (node.imageStreaming) {
      facts.imageArrival = ImageArrival.STREAMED;
    }
  }
}
