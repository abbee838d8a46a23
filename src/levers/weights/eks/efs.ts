import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { WeightPath } from '../../../estimate/paths';
import { requireCloud } from '../../../private/cloud';
import { clusterScoped } from '../../../private/cluster-scoped';
import { fail } from '../../../private/errors';
import { ManifestObject } from '../../../private/manifest-object';
import { CloudProvider } from '../../../profile';
import { LeverContext } from '../../lever';
import { sharedClaim } from '../shared-claim';
import { ResolvedVolume, SharedVolumeImpl } from '../source-impl';

/**
 * Options for Amazon EFS (`efs.csi.aws.com`, one access point per claim).
 */
export interface EfsVolumeOptions {
  /** The file system id, e.g. `fs-0123456789abcdef0`. */
  readonly fileSystemId: string;

  /**
   * Permissions of the access point's root directory.
   * @default '700' (only the access point's POSIX user, which every pod through it becomes)
   */
  readonly directoryPerms?: string;

  /**
   * Capacity requested (EFS is elastic; Kubernetes still requires a value).
   * @default - the model size plus 10%, in whole GiB
   */
  readonly size?: Size;
}

const FILE_SYSTEM_ID = /^fs-[0-9a-f]{8,40}$/;

/** EFS as the shared Hugging Face cache: a StorageClass with `provisioningMode: efs-ap` and a ReadWriteMany claim. @internal */
export class EfsVolume implements SharedVolumeImpl {
  constructor(private readonly options: EfsVolumeOptions) {
    const factory = 'SharedVolume.efs';
    if (!FILE_SYSTEM_ID.test(options.fileSystemId ?? '')) {
      fail(factory, 'CS-IN-028', `EFS file system id "${options.fileSystemId}" is not fs-<hex>`, 'pass the id from `aws efs describe-file-systems`, e.g. fs-0123456789abcdef0');
    }
    const perms = options.directoryPerms ?? '700';
    if (!/^[0-7]{3,4}$/.test(perms)) {
      fail(factory, 'CS-IN-028', `EFS directoryPerms "${perms}" is not an octal mode`, 'pass e.g. "700"');
    }
  }

  public resolve(scope: Construct, context: LeverContext): ResolvedVolume {
    requireCloud(scope, context.profile, CloudProvider.EKS, 'SharedVolume.efs', 'use SharedVolume.newClaim() with a ReadWriteMany StorageClass');
    const perms = this.options.directoryPerms ?? '700';
    const storageClass = clusterScoped(ManifestObject.render(scope, 'EfsStorageClass', k8s.KubeStorageClass, {
      metadata: { name: `${context.name}-efs` },
      provisioner: 'efs.csi.aws.com',
      parameters: { provisioningMode: 'efs-ap', fileSystemId: this.options.fileSystemId, directoryPerms: perms },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'Immediate',
    }));
    const claim = sharedClaim(scope, context, 'SharedClaim', storageClass.name, this.options.size);
    claim.node.addDependency(storageClass);
    return { claimName: claim.name, weightPath: WeightPath.EFS, objects: [storageClass, claim] };
  }
}
