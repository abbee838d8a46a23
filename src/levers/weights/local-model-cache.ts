import { ApiObject, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { applyLoader, requireLoaderFor, resolveLoader, WeightLoader } from './loader';
import { applyFallback, downloadLink, fetcherFor, LocalModelCacheFallback } from './local-model-cache-fallback';
import { maskUserInfo, requireNoUserInfo } from './secret-reference';
import { isDnsSubdomain, MODEL_MOUNT, offline, WeightSourceImpl } from './source-impl';
import { checkStreamer, StreamerOptions } from './streamer';
import { Facts, PodWriter } from '../../blueprint';
import { WeightPath } from '../../estimate/paths';
import { clusterScoped } from '../../private/cluster-scoped';
import { crds } from '../../private/crds';
import { fail } from '../../private/errors';
import { isLabelValue, isQualifiedName } from '../../private/k8s-names';
import { ManifestObject } from '../../private/manifest-object';
import { nodeDirectory } from '../../private/paths';
import { bytesToQuantity } from '../../private/quantity';
import { positiveBytes } from '../../private/size';
import { LeverContext } from '../lever';

/** The node label KServe's local-model DaemonSet selects (FACTS). @internal */
export const LOCAL_MODEL_NODE_LABEL = 'kserve/localmodel';
/** @internal */
export const LOCAL_MODEL_NODE_VALUE = 'worker';

/**
 * Options for a LocalModelNodeGroup on node-local NVMe.
 */
export interface LocalNvmeNodeGroupOptions {
  /** Directory of the NVMe mount on every node of the group, e.g. `/mnt/nvme/models`. */
  readonly path: string;

  /**
   * Space the group's caches may use on each node (`spec.storageLimit`, also
   * the PersistentVolume capacity and the claim request). At least the model size.
   */
  readonly storageLimit: Size;

  /**
   * Name of the LocalModelNodeGroup (cluster-scoped: one group serves many models).
   * @default - `<model name>-nvme`
   */
  readonly name?: string;

  /**
   * Node labels of the group: the local PersistentVolume's node affinity.
   * They must select the GPU nodes the model runs on.
   * @default - the model pod's nodeSelector (GPU labels, compute class or NodePool)
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * StorageClass name on the PersistentVolume and claim KServe creates.
   * @default 'local-storage'
   */
  readonly storageClassName?: string;
}

/**
 * The KServe LocalModelNodeGroup a cache is placed on.
 */
export class CacheNodeGroup {
  /**
   * A group that already exists on the cluster (its nodes labelled
   * `kserve/localmodel=worker`).
   * @param name name of the LocalModelNodeGroup
   */
  public static existing(name: string): CacheNodeGroup {
    requireGroupName('CacheNodeGroup.existing', name);
    return new CacheNodeGroup(name, undefined);
  }

  /**
   * A new group whose node-local PersistentVolume sits on NVMe at `path`.
   */
  public static localNvme(options: LocalNvmeNodeGroupOptions): CacheNodeGroup {
    const factory = 'CacheNodeGroup.localNvme';
    if (options === null || typeof options !== 'object') fail(factory, 'CS-IN-059', 'the options are missing', 'pass { path: "/mnt/nvme/models" }');
    if (options.name !== undefined) requireGroupName(factory, options.name);
    for (const [key, value] of Object.entries(options?.nodeSelector ?? {})) {
      if (!isQualifiedName(key) || !isLabelValue(value)) {
        fail(factory, 'CS-IN-058', `nodeSelector ${String(key)}=${String(value)} is not a valid label key and value`, 'use a label the NVMe GPU nodes carry');
      }
    }
    const checked = nodeDirectory(options?.path);
    if (checked.problem) {
      fail(factory, 'CS-IN-019', `NVMe path "${String(options?.path)}" ${checked.problem}`, 'pass the node directory the NVMe disk is mounted at, e.g. /mnt/nvme/models');
    }
    return new CacheNodeGroup(options.name, { ...options, path: checked.path! });
  }

  private constructor(
    /** @internal */ public readonly _name: string | undefined,
    /** @internal */ public readonly _nvme: LocalNvmeNodeGroupOptions | undefined,
  ) {}
}

/**
 * Who may use a cache.
 */
export enum LocalModelCacheScope {
  /** A cluster-scoped `LocalModelCache`: InferenceServices of every namespace match it. */
  CLUSTER = 'Cluster',
  /**
   * A `LocalModelNamespaceCache` in the model's namespace (KServe v0.19 and
   * later): only InferenceServices of that namespace match it, and it takes
   * precedence over a cluster cache of the same source. For multi-tenant
   * clusters, and for teams allowed to create namespaced objects only.
   */
  NAMESPACE = 'Namespace',
}

/**
 * Options for weights from a KServe LocalModelCache.
 */
export interface LocalModelCacheOptions {
  /** The node group the cache downloads to. */
  readonly nodeGroup: CacheNodeGroup;

  /**
   * `spec.sourceModelUri` of the cache. The model's storage URI must equal it
   * or sit under it; KServe matches at admission.
   * @default - the model's storage URI
   */
  readonly sourceModelUri?: string;

  /**
   * Name of the cache object.
   * @default - the model name
   */
  readonly cacheName?: string;

  /**
   * A cluster-scoped `LocalModelCache` or a `LocalModelNamespaceCache` in
   * the model's namespace.
   * @default LocalModelCacheScope.CLUSTER
   */
  readonly scope?: LocalModelCacheScope;

  /**
   * Service account whose credentials KServe's download job uses
   * (`spec.serviceAccountName`), for private buckets or gated repositories.
   * @default - none
   */
  readonly serviceAccountName?: string;

  /**
   * Streamer settings for reading the weights from the node-local volume.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;

  /**
   * What a pod does on a node whose copy is not complete yet. KServe lets the
   * pod onto any node of the group whether or not the node's download has
   * finished; without a fallback the engine finds an empty or partial
   * directory, exits, and restarts with back-off until the node agent is done.
   * The default checks the copy in an init container and, when it is not
   * complete, fetches the storage URI into the pod (`hf://`, `s3://`, `gs://`).
   * @default LocalModelCacheFallback.fetch()
   */
  readonly fallback?: LocalModelCacheFallback;

  /**
   * How vLLM reads the weights (`--load-format`). Give the streamer's
   * settings either here or in `streamer`, not both.
   * @default WeightLoader.streamer()
   */
  readonly loader?: WeightLoader;
}

const STORAGE_URI = /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/;

function requireGroupName(factory: string, name: string): void {
  if (!isDnsSubdomain(name)) {
    fail(factory, 'CS-IN-021', `LocalModelNodeGroup name "${name}" is not a DNS-1123 subdomain`, 'pass a name with lower-case letters, digits, - and .');
  }
}

/** True when `uri` is `source` or a path under it. @internal */
export function covers(source: string, uri: string): boolean {
  const base = source.replace(/\/+$/, '');
  return uri === source || uri === base || uri.startsWith(`${base}/`);
}

/**
 * KServe downloads the weights once per node of a LocalModelNodeGroup into a
 * node-local PersistentVolume; an InferenceService whose `storageUri` equals
 * or sits under the cache's `sourceModelUri` mounts that volume instead of
 * downloading. The match happens at admission, so the node group and the
 * cache are cdk8s dependencies of the model: `cdk8s synth` writes them first.
 * @internal
 */
export class LocalModelCacheSource implements WeightSourceImpl {
  private readonly fallback: LocalModelCacheFallback;
  private readonly fetcher: ReturnType<typeof fetcherFor> | undefined;
  private readonly loader: WeightLoader;

  constructor(private readonly storageUri: string, private readonly options: LocalModelCacheOptions) {
    const factory = 'WeightSource.localModelCache';
    const o = options;
    requireNoUserInfo(factory, storageUri ?? '', 'the storage URI');
    if (o?.sourceModelUri !== undefined) requireNoUserInfo(factory, o.sourceModelUri, 'the LocalModelCache sourceModelUri');
    if (!STORAGE_URI.test(storageUri ?? '')) {
      fail(factory, 'CS-IN-017', `storage URI "${maskUserInfo(storageUri)}" is not <scheme>://<location>`, 'pass the URI KServe downloads from, e.g. hf://meta-llama/Llama-3.1-70B-Instruct or gs://bucket/llama-3.1-70b');
    }
    const source = o.sourceModelUri ?? storageUri;
    if (!covers(source, storageUri)) {
      fail(factory, 'CS-IN-012', `the LocalModelCache sourceModelUri "${maskUserInfo(source)}" does not cover the model's storage URI "${maskUserInfo(storageUri)}", so KServe would never match the cache and would download at every wake`,
        `set sourceModelUri to "${maskUserInfo(storageUri)}" or a prefix of it`);
    }
    // The default name is the model's, a DNS-1035 label (CS-IN-001).
    if (o.cacheName !== undefined && !isDnsSubdomain(o.cacheName)) {
      fail(factory, 'CS-IN-021', `LocalModelCache name "${o.cacheName}" is not a DNS-1123 subdomain`, 'pass cacheName with lower-case letters, digits, - and .');
    }
    if (o.serviceAccountName !== undefined && !isDnsSubdomain(o.serviceAccountName)) {
      fail(factory, 'CS-IN-021', `service account "${o.serviceAccountName}" is not a valid ServiceAccount name`, 'pass the name of the service account whose credentials the cache download uses');
    }
    if (o.scope !== undefined && !Object.values(LocalModelCacheScope).includes(o.scope)) {
      fail(factory, 'CS-IN-059', `scope "${String(o.scope)}" is not a LocalModelCacheScope`, 'pass LocalModelCacheScope.CLUSTER or LocalModelCacheScope.NAMESPACE, or leave it out');
    }
    checkStreamer(factory, o.streamer);
    if (o.fallback !== undefined && !(o.fallback instanceof LocalModelCacheFallback)) {
      fail(factory, 'CS-IN-059', 'fallback is not a LocalModelCacheFallback', 'pass LocalModelCacheFallback.fetch() or LocalModelCacheFallback.none(), or leave it out');
    }
    this.fallback = o.fallback ?? LocalModelCacheFallback.fetch();
    // Checked here, so an unsupported URI fails at the factory, not at synth.
    this.fetcher = this.fallback._fetch ? fetcherFor(factory, storageUri, this.fallback) : undefined;
    this.loader = resolveLoader(factory, o);
    requireLoaderFor(factory, this.loader, WeightPath.LOCAL_NVME, 'a LocalModelCache');
  }


  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    const modelBytes = context.size.bytes;
    const source = this.options.sourceModelUri ?? this.storageUri;
    const groupName = this.nodeGroupName(context);
    pod.set(Facts.STORAGE_URI, this.storageUri);
    const modelPath = this.fetcher
      ? applyFallback(pod, {
        storageUri: this.storageUri,
        sourceModelUri: source,
        // KServe v0.20 names the model's claim <cache>-<node group> (reconcilers/utils.go, ReconcileForIsvcs).
        claimName: `${this.options.cacheName ?? context.name}-${groupName}`,
        modelBytes,
        engineImage: context.engineImage,
        fetcher: this.fetcher,
        waitSeconds: this.fallback._waitSeconds,
      })
      : MODEL_MOUNT;
    pod.set(Facts.MODEL_PATH, modelPath);
    pod.annotation('serving.kserve.io/nodegroup', groupName);
    offline(pod);
    applyLoader(scope, pod, context, this.loader);
    pod.set(Facts.WEIGHT_PATH, WeightPath.LOCAL_NVME);
    // A node that joins for this wake has no copy: the pod fetches one (or waits for the agent's).
    pod.set(Facts.NEW_NODE_DOWNLOAD, {
      path: this.fetcher?.path ?? downloadLink(this.storageUri),
      waitSeconds: this.fetcher ? this.fallback._waitSeconds : 0,
    });
    // FACTS: KServe's local-model agent runs (and caches) only on nodes with this label.
    pod.set(Facts.NODE_LABELS, { [LOCAL_MODEL_NODE_LABEL]: LOCAL_MODEL_NODE_VALUE });
  }

  /** The node group and the cache, once the pod's nodes are final: a new group's volumes need their affinity. */
  public complete(scope: Construct, pod: PodWriter, context: LeverContext): void {
    const o = this.options;
    const source = o.sourceModelUri ?? this.storageUri;
    const modelBytes = context.size.bytes;
    const cacheName = o.cacheName ?? context.name;
    const group = this.nodeGroup(scope, context, modelBytes, pod.placement.nodeSelector);

    // The two kinds have the same spec; KServe v0.20 checks the model's namespace for a namespace cache first.
    const spec = {
      sourceModelUri: source,
      modelSize: bytesToQuantity(modelBytes),
      nodeGroups: [group.name],
      ...(o.serviceAccountName !== undefined ? { serviceAccountName: o.serviceAccountName } : {}),
    };
    const cache = o.scope === LocalModelCacheScope.NAMESPACE
      ? new ManifestObject(scope, 'LocalModelNamespaceCache', { ...crds.localModelNamespaceCache().LocalModelNamespaceCache.GVK, metadata: { name: cacheName }, spec })
      : clusterScoped(new ManifestObject(scope, 'LocalModelCache', { ...crds.localModelCache().LocalModelCache.GVK, metadata: { name: cacheName }, spec }));
    if (group.object) {
      cache.node.addDependency(group.object);
      pod.dependsOn(group.object);
    }
    pod.dependsOn(cache);
  }

  /** Checked by CacheNodeGroup's factories; the default is the model's DNS-1035 name plus -nvme. */
  private nodeGroupName(context: LeverContext): string {
    return this.options.nodeGroup?._name ?? `${context.name}-nvme`;
  }

  private nodeGroup(
    scope: Construct,
    context: LeverContext,
    modelBytes: number,
    podNodeSelector: Readonly<Record<string, string>>,
  ): { name: string; object?: ApiObject } {
    const nvme = this.options.nodeGroup?._nvme;
    const name = this.nodeGroupName(context);
    if (!nvme) return { name };
    const limit = nvme.storageLimit !== undefined ? positiveBytes('the node group storageLimit', nvme.storageLimit, (p, x) => fail(scope, 'CS-IN-016', p, x)) : 0;
    if (limit < modelBytes) {
      fail(scope, 'CS-IN-016', `the node group storageLimit ${bytesToQuantity(limit)} is below the model size ${bytesToQuantity(modelBytes)}`,
        `set storageLimit to at least ${bytesToQuantity(modelBytes)} (plus every other model cached on the group)`);
    }
    // The capacity lever has contributed: its selector (GPU labels, a compute class or NodePool) names the pod's nodes.
    const selector = nvme.nodeSelector ?? podNodeSelector;
    if (Object.keys(selector).length === 0) {
      fail(scope, 'CS-IN-044', 'a node-local PersistentVolume needs node affinity, and neither the node group nor the model pod has a nodeSelector',
        'set the node group nodeSelector (or gpu.nodeSelector, or a compute class or NodePool) to the labels of the NVMe GPU nodes');
    }
    const storage = bytesToQuantity(limit);
    const storageClassName = nvme.storageClassName ?? 'local-storage';
    const object = clusterScoped(new ManifestObject(scope, 'LocalModelNodeGroup', {
      ...crds.localModelNodeGroup().LocalModelNodeGroup.GVK,
      metadata: { name },
      spec: {
        storageLimit: storage,
        persistentVolumeSpec: {
          accessModes: ['ReadWriteOnce'],
          volumeMode: 'Filesystem',
          capacity: { storage },
          local: { path: nvme.path },
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName,
          nodeAffinity: {
            required: {
              nodeSelectorTerms: [{
                matchExpressions: Object.entries(selector).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
              }],
            },
          },
        },
        persistentVolumeClaimSpec: {
          accessModes: ['ReadWriteOnce'],
          volumeMode: 'Filesystem',
          resources: { requests: { storage } },
          storageClassName,
        },
      },
    }));
    return { name, object };
  }
}
