import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Facts, PodWriter } from '../../../blueprint';
import { WeightPath } from '../../../estimate/paths';
import { clusterScoped } from '../../../private/cluster-scoped';
import { ManifestObject } from '../../../private/manifest-object';
import { bytesToQuantity } from '../../../private/quantity';
import { LeverContext } from '../../lever';
import { mountWeightsClaim, volumeBytesFor } from '../source-impl';
import { StreamerOptions } from '../streamer';

/** What a statically provisioned CSI volume needs. @internal */
export interface StaticVolume {
  readonly id: string;
  readonly csi: k8s.CsiPersistentVolumeSource;
  readonly accessMode: string;
  readonly mountOptions?: string[];
  readonly subPath?: string;
  readonly weightPath: WeightPath;
  readonly streamer?: StreamerOptions;
  /** Why a non-root engine could not read the files (their owner and mode are the file system's). */
  readonly rootReason?: string;
}

/**
 * A PersistentVolume of an existing file system or bucket, a claim bound to
 * it by name (empty StorageClass: no dynamic provisioning), and a read-only
 * mount at /mnt/models.
 * @internal
 */
export function bindStaticVolume(scope: Construct, pod: PodWriter, context: LeverContext, modelBytes: number, v: StaticVolume): void {
  // The capacity is informational for these drivers; Kubernetes requires one, and the claim must fit in it.
  const storage = k8s.Quantity.fromString(bytesToQuantity(volumeBytesFor(modelBytes)));
  const pvName = `${context.name}-${v.id}`;
  const namespace = Chart.of(scope).namespace;
  const pv = clusterScoped(ManifestObject.render(scope, 'PersistentVolume', k8s.KubePersistentVolume, {
    metadata: { name: pvName },
    spec: {
      capacity: { storage },
      accessModes: [v.accessMode],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      mountOptions: v.mountOptions,
      csi: v.csi,
      // Reserved for our claim, so no other claim with an empty StorageClass binds it first.
      ...(namespace ? { claimRef: { namespace, name: `${context.name}-weights` } } : {}),
    },
  }));
  const claim = ManifestObject.render(scope, 'Claim', k8s.KubePersistentVolumeClaim, {
    metadata: { name: `${context.name}-weights` },
    spec: {
      accessModes: [v.accessMode],
      storageClassName: '',
      volumeName: pvName,
      resources: { requests: { storage } },
    },
  });
  claim.node.addDependency(pv);
  mountWeightsClaim(pod, {
    claimName: claim.name, subPath: v.subPath, modelBytes, ranks: context.gpu.count, streamer: v.streamer, weightPath: v.weightPath,
  });
  if (v.rootReason) pod.set(Facts.ENGINE_ROOT_REASON, v.rootReason);
  pod.dependsOn(pv);
  pod.dependsOn(claim);
}
