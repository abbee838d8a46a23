import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import { EfsVolume, EfsVolumeOptions } from './eks/efs';
import { requireReadWriteMany, sharedClaim } from './shared-claim';
import { isDnsSubdomain, ResolvedVolume, SharedVolumeImpl } from './source-impl';
import { WeightPath } from '../../estimate/paths';
import { fail } from '../../private/errors';
import { LeverContext } from '../lever';
import { CacheAccessMode } from '../runtime/cache-storage';

/**
 * Options for a shared claim the library creates.
 */
export interface SharedClaimOptions {
  /**
   * StorageClass of the claim; it must offer ReadWriteMany (NFS, CephFS, Filestore ...).
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * Capacity requested; at least the model size.
   * @default - the model size plus 10%, in whole GiB
   */
  readonly size?: Size;

  /**
   * Access mode. Only `ReadWriteMany` is accepted: the loader Job and every
   * replica mount the volume from different nodes.
   * @default CacheAccessMode.READ_WRITE_MANY
   */
  readonly accessMode?: CacheAccessMode;
}

/**
 * Options for an existing shared claim.
 */
export interface ExistingSharedClaimOptions {
  /**
   * The claim's access mode, as declared on the cluster. Only
   * `ReadWriteMany` is accepted.
   */
  readonly accessMode: CacheAccessMode;
}

/**
 * A ReadWriteMany volume holding a Hugging Face cache, filled once by a
 * loader Job and mounted read-only by every replica.
 */
export class SharedVolume {
  /** A new ReadWriteMany claim, `<model>-hf-cache`. */
  public static newClaim(options: SharedClaimOptions = {}): SharedVolume {
    options = options ?? {}; // jsii callers can pass null
    return new SharedVolume(new NewClaim(options));
  }

  /**
   * An existing claim in the model's namespace.
   * @param claimName name of the claim
   */
  public static existingClaim(claimName: string, options: ExistingSharedClaimOptions): SharedVolume {
    return new SharedVolume(new ExistingClaim(claimName, options));
  }

  /** Amazon EFS through an access point per claim (EKS profiles only). */
  public static efs(options: EfsVolumeOptions): SharedVolume {
    if (options === null || typeof options !== 'object') fail('SharedVolume.efs', 'CS-IN-059', 'the options are missing', 'pass { fileSystemId: "fs-0123456789abcdef0" }');
    return new SharedVolume(new EfsVolume(options));
  }

  private constructor(private readonly binding: SharedVolumeImpl) {}

  /** @internal */
  public _resolve(scope: Construct, context: LeverContext): ResolvedVolume {
    return this.binding.resolve(scope, context);
  }
}

class NewClaim implements SharedVolumeImpl {
  constructor(private readonly options: SharedClaimOptions) {
    requireReadWriteMany('SharedVolume.newClaim', options.accessMode ?? CacheAccessMode.READ_WRITE_MANY, 'the shared weights claim');
  }

  public resolve(scope: Construct, context: LeverContext): ResolvedVolume {
    const claim = sharedClaim(scope, context, 'SharedClaim', this.options.storageClassName, this.options.size);
    return { claimName: claim.name, weightPath: WeightPath.SHARED_VOLUME, objects: [claim] };
  }
}

class ExistingClaim implements SharedVolumeImpl {
  constructor(private readonly claimName: string, options: ExistingSharedClaimOptions) {
    const factory = 'SharedVolume.existingClaim';
    if (!isDnsSubdomain(claimName)) {
      fail(factory, 'CS-IN-021', `weights claim "${claimName}" is not a valid PersistentVolumeClaim name`, 'pass the name of an existing claim in the model\'s namespace');
    }
    requireReadWriteMany(factory, options?.accessMode, `claim "${claimName}"`);
  }

  public resolve(_scope: Construct, _context: LeverContext): ResolvedVolume {
    return { claimName: this.claimName, weightPath: WeightPath.SHARED_VOLUME, objects: [] };
  }
}
