import { Construct } from 'constructs';
import type { Ec2NodeClass, Ec2NodeClassSpecBlockDeviceMappings, Ec2NodeClassSpecCapacityReservationSelectorTerms } from '../../../../imports/karpenter-ec2nodeclass-karpenter.k8s.aws';
import { NodeImageCache } from '../../../blueprint';
import { clusterScoped } from '../../../private/cluster-scoped';
import { crds } from '../../../private/crds';
import { ManifestObject } from '../../../private/manifest-object';

/**
 * The Bottlerocket block devices: `/dev/xvda` is the OS volume (4Gi by
 * default), `/dev/xvdb` the data volume holding container images. Setting
 * blockDeviceMappings replaces Karpenter's defaults, so both are written:
 * with an image snapshot, or a data volume size alone (SOCI parallel pull
 * buffers layers on it).
 */
function bottlerocketVolumes(image: NodeImageCache): Ec2NodeClassSpecBlockDeviceMappings[] | undefined {
  if (!image.dataVolumeSnapshotId && !image.dataVolumeSize) return undefined;
  const ebs = { volumeType: crds.ec2NodeClass().Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3, encrypted: true, deleteOnTermination: true };
  return [
    { deviceName: '/dev/xvda', ebs: { ...ebs, volumeSize: '4Gi' } },
    { deviceName: '/dev/xvdb', ebs: { ...ebs, snapshotId: image.dataVolumeSnapshotId, volumeSize: image.dataVolumeSize } },
  ];
}

/**
 * Bottlerocket settings (TOML user data; Karpenter merges its own cluster
 * settings into it and keeps settings outside `settings.kubernetes`,
 * karpenter-provider-aws pkg/providers/amifamily/bootstrap/bottlerocketsettings.go).
 * SOCI parallel pull: bottlerocket.dev settings `container-runtime.snapshotter`
 * and `container-runtime-plugins.soci-snapshotter.*` (Bottlerocket >= 1.44.0).
 */
function bottlerocketUserData(image: NodeImageCache): string | undefined {
  const soci = image.parallelPull;
  if (!soci) return undefined;
  return [
    '[settings.container-runtime]',
    'snapshotter = "soci"',
    '',
    '[settings.container-runtime-plugins.soci-snapshotter]',
    'pull-mode = "parallel-pull-unpack"',
    '',
    '[settings.container-runtime-plugins.soci-snapshotter.parallel-pull-unpack]',
    `max-concurrent-downloads-per-image = ${soci.maxConcurrentDownloadsPerImage}`,
    `concurrent-download-chunk-size = "${soci.chunkMebibytes}mib"`,
    `max-concurrent-unpacks-per-image = ${soci.maxConcurrentUnpacksPerImage}`,
    `discard-unpacked-layers = ${soci.discardUnpackedLayers}`,
    '',
  ].join('\n');
}

/** @internal */
export interface Ec2NodeClassInput {
  readonly name: string;
  readonly amiAlias: string;
  readonly nodeRole: string;
  readonly selectorTags: { [key: string]: string };
  readonly capacityReservationSelectorTerms?: Ec2NodeClassSpecCapacityReservationSelectorTerms[];
}

/**
 * The EC2NodeClass of the GPU NodePool; with an image snapshot, the
 * Bottlerocket data volume starts from it and the images are already on disk.
 * @internal
 */
export function renderEc2NodeClass(scope: Construct, input: Ec2NodeClassInput, image: NodeImageCache): Ec2NodeClass {
  return clusterScoped(ManifestObject.render(scope, 'EC2NodeClass', crds.ec2NodeClass().Ec2NodeClass, {
    metadata: { name: input.name },
    spec: {
      amiSelectorTerms: [{ alias: input.amiAlias }],
      role: input.nodeRole,
      subnetSelectorTerms: [{ tags: input.selectorTags }],
      securityGroupSelectorTerms: [{ tags: input.selectorTags }],
      blockDeviceMappings: bottlerocketVolumes(image),
      capacityReservationSelectorTerms: input.capacityReservationSelectorTerms,
      userData: bottlerocketUserData(image),
    },
  }));
}
