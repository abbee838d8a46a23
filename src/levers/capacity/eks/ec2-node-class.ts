import { Construct } from 'constructs';
import type { Ec2NodeClass, Ec2NodeClassSpecBlockDeviceMappings, Ec2NodeClassSpecCapacityReservationSelectorTerms } from '../../../../imports/karpenter-ec2nodeclass-karpenter.k8s.aws';
import { NodeImageCache, NodeWeightVolume } from '../../../blueprint';
import { clusterScoped } from '../../../private/cluster-scoped';
import { crds } from '../../../private/crds';
import { ManifestObject } from '../../../private/manifest-object';

/**
 * The Bottlerocket block devices: `/dev/xvda` is the OS volume (4Gi by
 * default), `/dev/xvdb` the data volume holding container images (20Gi by
 * default). Setting blockDeviceMappings replaces Karpenter's defaults, so
 * both are written: with an image snapshot, a data volume size (SOCI
 * parallel pull buffers layers on it), or beside a weights volume.
 */
function bottlerocketVolumes(image: NodeImageCache, weights?: NodeWeightVolume): Ec2NodeClassSpecBlockDeviceMappings[] | undefined {
  if (!image.dataVolumeSnapshotId && !image.dataVolumeSize && !weights) return undefined;
  const gp3 = crds.ec2NodeClass().Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3;
  const ebs = { volumeType: gp3, encrypted: true, deleteOnTermination: true };
  const dataVolumeSize = image.dataVolumeSize ?? (image.dataVolumeSnapshotId ? undefined : '20Gi');
  return [
    { deviceName: '/dev/xvda', ebs: { ...ebs, volumeSize: '4Gi' } },
    { deviceName: '/dev/xvdb', ebs: { ...ebs, snapshotId: image.dataVolumeSnapshotId, volumeSize: dataVolumeSize } },
    ...(weights ? [{
      deviceName: weights.deviceName,
      // No `encrypted`: a volume restored from a snapshot takes the snapshot's encryption (EC2 refuses the field then).
      ebs: {
        volumeType: gp3,
        snapshotId: weights.snapshotId,
        volumeSize: weights.volumeSize,
        throughput: weights.throughputMiBps,
        iops: weights.iops,
        volumeInitializationRate: weights.initializationRateMiBps,
        deleteOnTermination: true,
      },
    }] : []),
  ];
}

/**
 * The script a bootstrap container runs at every boot, before the kubelet:
 * it mounts the weights volume read-only on the node. Bottlerocket's default
 * bootstrap container runs its user data as a script (bottlerocket#4349)
 * with CAP_SYS_ADMIN and the host's `/mnt` bound rshared at
 * `/.bottlerocket/rootfs/mnt` (host-ctr withBootstrap), so the mount is the
 * node's; udev names an EBS device by its mapping name under
 * `/dev/disk/by-ebs-id` (bottlerocket#3977).
 * @internal
 */
export function weightsMountScript(weights: NodeWeightVolume): string {
  const device = `/.bottlerocket/rootfs/dev/disk/by-ebs-id/${weights.deviceName.replace(/^\/dev\//, '')}`;
  return [
    '#!/bin/sh',
    `# Mounts the model's weights volume (${weights.snapshotId}) read-only at ${weights.hostPath} on the node.`,
    'set -eu',
    `dev=${device}`,
    `target=/.bottlerocket/rootfs${weights.hostPath}`,
    'i=0',
    'while [ ! -e "$dev" ]; do',
    '  i=$((i + 1))',
    '  if [ "$i" -gt 120 ]; then echo "coldstart: $dev did not appear in 120 s" >&2; exit 1; fi',
    '  sleep 1',
    'done',
    'mkdir -p "$target"',
    'if ! mountpoint -q "$target"; then mount -o ro,noatime "$(readlink -f "$dev")" "$target"; fi',
    '',
  ].join('\n');
}

/**
 * Bottlerocket settings (TOML user data; Karpenter merges its own cluster
 * settings into it and keeps settings outside `settings.kubernetes`,
 * karpenter-provider-aws pkg/providers/amifamily/bootstrap/bottlerocketsettings.go).
 * SOCI parallel pull: bottlerocket.dev settings `container-runtime.snapshotter`
 * and `container-runtime-plugins.soci-snapshotter.*` (Bottlerocket >= 1.44.0).
 */
function bottlerocketUserData(image: NodeImageCache, weights?: NodeWeightVolume): string | undefined {
  const sections: string[] = [];
  const soci = image.parallelPull;
  if (soci) {
    sections.push(
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
    );
  }
  if (weights) {
    // `always`: the host's /mnt does not survive a reboot. `essential`: a node that cannot mount the weights
    // fails to boot rather than start the model on an empty directory.
    sections.push(
      '[settings.bootstrap-containers.coldstart-weights]',
      'mode = "always"',
      'essential = true',
      `user-data = "${Buffer.from(weightsMountScript(weights)).toString('base64')}"`,
      '',
    );
  }
  return sections.length ? sections.join('\n') : undefined;
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
 * Bottlerocket data volume starts from it and the images are already on disk;
 * with a weights snapshot, a third volume holds the model.
 * @internal
 */
export function renderEc2NodeClass(scope: Construct, input: Ec2NodeClassInput, image: NodeImageCache, weights?: NodeWeightVolume): Ec2NodeClass {
  return clusterScoped(ManifestObject.render(scope, 'EC2NodeClass', crds.ec2NodeClass().Ec2NodeClass, {
    metadata: { name: input.name },
    spec: {
      amiSelectorTerms: [{ alias: input.amiAlias }],
      role: input.nodeRole,
      subnetSelectorTerms: [{ tags: input.selectorTags }],
      securityGroupSelectorTerms: [{ tags: input.selectorTags }],
      blockDeviceMappings: bottlerocketVolumes(image, weights),
      capacityReservationSelectorTerms: input.capacityReservationSelectorTerms,
      userData: bottlerocketUserData(image, weights),
    },
  }));
}
