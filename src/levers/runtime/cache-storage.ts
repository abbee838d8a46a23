import { ApiObject, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { fail } from '../../private/errors';
import { ManifestObject } from '../../private/manifest-object';
import { bytesToQuantity } from '../../private/quantity';
import { bytesIn, positiveBytes } from '../../private/size';
import { isDnsSubdomain } from '../weights/source-impl';

/**
 * Access mode of a persistent cache volume.
 */
export enum CacheAccessMode {
  /** One node mounts it: fine for a single replica. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Many nodes mount it: needed when replicas may land on different nodes. */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/**
 * Options for a throwaway cache.
 */
export interface EmptyDirCacheOptions {
  /**
   * Cap on the node disk the cache may use.
   * @default Size.gibibytes(20)
   */
  readonly sizeLimit?: Size;
}

/**
 * Options for a persistent cache volume the library creates.
 */
export interface PersistentCacheOptions {
  /**
   * Capacity requested.
   * @default Size.gibibytes(50)
   */
  readonly size?: Size;

  /**
   * StorageClass of the claim.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /**
   * Access mode. `ReadWriteOnce` with more than one replica is refused: a
   * second replica on another node would never start.
   * @default CacheAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: CacheAccessMode;
}

/** What a cache resolves to for one model. @internal */
export interface BoundCache {
  readonly volume: k8s.Volume;
  /** Survives the pod, so torch.compile artifacts are reused on the next wake. */
  readonly persistent: boolean;
  /** The claim the library created, which the pod (and a Job that runs it) must follow. */
  readonly claim?: ApiObject;
}

/**
 * Storage behind the engine's HOME, `/home/vllm` (torch.compile artifacts
 * under `.cache/vllm/`, Triton kernels, the Hugging Face cache). A persistent
 * one lets a wake reuse the compile cache instead of recompiling.
 */
export abstract class CacheStorage {
  /**
   * A node-local emptyDir: gone with the pod. Default in `lab`.
   */
  public static emptyDir(options: EmptyDirCacheOptions = {}): CacheStorage {
    options = options ?? {}; // jsii callers can pass null
    if (options.sizeLimit !== undefined) positiveBytes('sizeLimit', options.sizeLimit, (p, x) => fail('CacheStorage.emptyDir', 'CS-IN-056', p, x), 'Size.gibibytes(20)');
    return new EmptyDirCache(options);
  }

  /**
   * A PersistentVolumeClaim the library creates. Default in `production`.
   * Knative needs `kubernetes.podspec-persistent-volume-claim` and
   * `kubernetes.podspec-persistent-volume-write` enabled for it.
   */
  public static persistentVolumeClaim(options: PersistentCacheOptions = {}): CacheStorage {
    options = options ?? {}; // jsii callers can pass null
    if (options.size !== undefined) positiveBytes('size', options.size, (p, x) => fail('CacheStorage.persistentVolumeClaim', 'CS-IN-056', p, x), 'Size.gibibytes(50)');
    return new ClaimCache(options);
  }

  /**
   * An existing PersistentVolumeClaim, mounted read-write.
   */
  public static existingClaim(claimName: string): CacheStorage {
    return new ExistingClaimCache(claimName);
  }

  /**
   * Whether pods on different nodes may mount it at once: false for node-local
   * or ReadWriteOnce storage, undefined where the cluster decides (an existing claim).
   * @internal
   */
  public abstract readonly _sharedAcrossNodes: boolean | undefined;

  /** @internal */
  public abstract _bind(scope: Construct, name: string, maxReplicas: number): BoundCache;
}

const VOLUME = 'cache';

class EmptyDirCache extends CacheStorage {
  public readonly _sharedAcrossNodes = false;
  constructor(private readonly options: EmptyDirCacheOptions) { super(); }

  public _bind(): BoundCache {
    const sizeLimit = this.options.sizeLimit ?? Size.gibibytes(20);
    const quantity = k8s.Quantity.fromString(bytesToQuantity(bytesIn(sizeLimit)));
    return { persistent: false, volume: { name: VOLUME, emptyDir: { sizeLimit: quantity } } };
  }
}

class ClaimCache extends CacheStorage {
  constructor(private readonly options: PersistentCacheOptions) { super(); }

  public get _sharedAcrossNodes(): boolean {
    return this.options.accessMode === CacheAccessMode.READ_WRITE_MANY;
  }

  public _bind(scope: Construct, name: string, maxReplicas: number): BoundCache {
    const accessMode = this.options.accessMode ?? CacheAccessMode.READ_WRITE_ONCE;
    if (accessMode === CacheAccessMode.READ_WRITE_ONCE && maxReplicas > 1) {
      fail(scope, 'CS-IN-008', `the engine cache claim (HOME, /home/vllm) is ReadWriteOnce but maxReplicas is ${maxReplicas}: a replica scheduled on another node would hang in ContainerCreating`,
        'use CacheStorage.persistentVolumeClaim({ accessMode: CacheAccessMode.READ_WRITE_MANY, storageClassName: <an RWX class> }) or set maxReplicas to 1');
    }
    const size = bytesIn(this.options.size ?? Size.gibibytes(50));
    const claimName = `${name}-cache`;
    const claim = ManifestObject.render(scope, 'CacheClaim', k8s.KubePersistentVolumeClaim, {
      metadata: { name: claimName },
      spec: {
        accessModes: [accessMode],
        storageClassName: this.options.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(bytesToQuantity(size)) } },
      },
    });
    return { persistent: true, volume: { name: VOLUME, persistentVolumeClaim: { claimName } }, claim };
  }
}

class ExistingClaimCache extends CacheStorage {
  public readonly _sharedAcrossNodes = undefined;
  constructor(private readonly claimName: string) {
    super();
    if (!isDnsSubdomain(claimName)) {
      fail('CacheStorage.existingClaim', 'CS-IN-021', `"${claimName}" is not a valid PersistentVolumeClaim name`, 'pass the name of an existing claim in the model\'s namespace');
    }
  }

  public _bind(): BoundCache {
    return { persistent: true, volume: { name: VOLUME, persistentVolumeClaim: { claimName: this.claimName } } };
  }
}
