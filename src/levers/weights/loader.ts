import { Construct } from 'constructs';
import { applyStreamer, checkStreamer, StreamerOptions, streamerSettings } from './streamer';
import { Facts, PodWriter } from '../../blueprint';
import { LoaderFact, WeightPath } from '../../estimate/paths';
import { auxContainer } from '../../private/aux-pod';
import { fail } from '../../private/errors';
import { isLabelValue, isQualifiedName } from '../../private/k8s-names';
import { STREAMER_PURPOSE, streamerBufferBytes } from '../../private/memory-budget';
import { LeverContext } from '../lever';

/**
 * Options of the fastsafetensors loader.
 */
export interface FastSafetensorsOptions {
  /**
   * Labels that only nodes with GPUDirect Storage carry (the `nvidia-fs`
   * kernel module loaded, e.g. by the NVIDIA GPU Operator with GDS enabled,
   * and node-local NVMe). The model pod is pinned to them and the estimate
   * counts the GDS read rate. fastsafetensors detects GDS itself and falls back
   * to its host-memory path where it is missing, so without this the estimate
   * counts that path.
   * @default - no GDS claimed: the host-memory (nogds) path
   */
  readonly gpuDirectStorageNodeSelector?: { [key: string]: string };
}

/**
 * Options of vLLM's sharded-state loader.
 */
export interface ShardedStateOptions {
  /**
   * Read each rank's shard files with the Run:ai streamer
   * (`--load-format runai_streamer_sharded`). The sharded-state loader accepts
   * no `--model-loader-extra-config` key but `pattern`, so these settings go
   * in the streamer's own environment (`RUNAI_STREAMER_CONCURRENCY`,
   * `RUNAI_STREAMER_MEMORY_LIMIT`).
   * @default - plain `--load-format sharded_state` (safetensors reads of the rank's own files)
   */
  readonly streamer?: StreamerOptions;
}

/** The settings of one loader. @internal */
export interface LoaderSettings {
  readonly streamer?: StreamerOptions;
  readonly fastsafetensors?: FastSafetensorsOptions;
  readonly sharded?: ShardedStateOptions;
}

/** Which loader, for the sources that apply it. @internal */
export enum LoaderKind {
  STREAMER = 'streamer',
  FASTSAFETENSORS = 'fastsafetensors',
  SHARDED_STATE = 'sharded-state',
}

/**
 * How vLLM reads the weights from where the weight source put them
 * (`--load-format`). Every source defaults to the Run:ai streamer.
 */
export class WeightLoader {
  /**
   * The Run:ai streamer (`--load-format runai_streamer`), the default of every
   * weight source.
   */
  public static streamer(options: StreamerOptions = {}): WeightLoader {
    options = options ?? {}; // jsii callers can pass null
    checkStreamer('WeightLoader.streamer', options);
    return new WeightLoader(LoaderKind.STREAMER, { streamer: options });
  }

  /**
   * fastsafetensors (`--load-format fastsafetensors`): copies whole files to
   * GPU memory without mmap, each tensor-parallel rank a share of the files,
   * and with GPUDirect Storage reads NVMe straight into the GPU. For
   * node-local and shared-volume sources. The engine image must ship the
   * `fastsafetensors` package: vLLM's images do since vllm#38950 (2026);
   * v0.10.x images do not, and an init container stops the pod with a clear
   * message when it is missing.
   */
  public static fastsafetensors(options: FastSafetensorsOptions = {}): WeightLoader {
    options = options ?? {}; // jsii callers can pass null
    const selector = options.gpuDirectStorageNodeSelector;
    if (selector !== undefined) {
      // A list is an object too: ['gds'] would read as the label 0=gds.
      const entries = selector !== null && typeof selector === 'object' && !Array.isArray(selector) ? Object.entries(selector) : [];
      if (!entries.length || entries.some(([k, v]) => !isQualifiedName(k) || !isLabelValue(v))) {
        fail('WeightLoader.fastsafetensors', 'CS-IN-074', 'gpuDirectStorageNodeSelector is empty or holds a label the API server rejects',
          'pass the label only GDS-capable nodes carry, e.g. { "nvidia.com/gds.enabled": "true" } (set it on those nodes yourself), or leave it out');
      }
    }
    return new WeightLoader(LoaderKind.FASTSAFETENSORS, { fastsafetensors: options });
  }

  /**
   * vLLM's sharded-state format for tensor parallelism: a one-time GPU Job
   * loads the checkpoint with the model's engine args and saves each rank's
   * share (`model-rank-<rank>-part-<n>.safetensors`, vLLM's
   * ShardedStateLoader) next to the weights, then a completion marker; at
   * wake each rank reads only its 1/TP share. Only for
   * `WeightSource.huggingFace` (a shared volume the library writes) and more
   * than one GPU.
   */
  public static shardedState(options: ShardedStateOptions = {}): WeightLoader {
    options = options ?? {}; // jsii callers can pass null
    checkStreamer('WeightLoader.shardedState', options.streamer);
    return new WeightLoader(LoaderKind.SHARDED_STATE, { sharded: options });
  }

  /** @internal */
  public readonly _kind: LoaderKind;
  /** @internal */
  public readonly _options: LoaderSettings;

  private constructor(kind: LoaderKind, options: LoaderSettings) {
    this._kind = kind;
    this._options = options;
  }
}

/** The loader a source's options ask for: `loader`, or the streamer with the source's `streamer` settings. @internal */
export function resolveLoader(factory: string, options: { readonly streamer?: StreamerOptions; readonly loader?: WeightLoader }): WeightLoader {
  const loader = options.loader;
  if (loader === undefined) return WeightLoader.streamer(options.streamer ?? {});
  if (!(loader instanceof WeightLoader)) {
    fail(factory, 'CS-IN-059', 'options.loader is not a WeightLoader', 'pass WeightLoader.streamer(), WeightLoader.fastsafetensors() or WeightLoader.shardedState()');
  }
  if (options.streamer !== undefined) {
    fail(factory, 'CS-IN-073', `options.streamer and options.loader (${loader._kind}) are both given: vLLM takes one --load-format`,
      'pass the streamer settings in the loader (WeightLoader.streamer({...}) or WeightLoader.shardedState({ streamer })) and drop options.streamer');
  }
  return loader;
}

/** Paths a node or a shared file system serves: fastsafetensors reads files. */
const FILE_PATHS: ReadonlySet<WeightPath> = new Set([
  WeightPath.SHARED_VOLUME, WeightPath.LOCAL_NVME, WeightPath.PAGE_CACHE, WeightPath.EFS, WeightPath.FSX_LUSTRE,
  WeightPath.HYPERDISK_ML, WeightPath.GCS_FUSE, WeightPath.MOUNTPOINT_S3, WeightPath.EBS_SNAPSHOT,
]);

/** Refuses, at the source's factory, a loader its path cannot use. @internal */
export function requireLoaderFor(
  factory: string, loader: WeightLoader, path: WeightPath, what: string, options: { readonly writesShards?: boolean } = {},
): void {
  if (loader._kind === LoaderKind.SHARDED_STATE && !options.writesShards) {
    fail(factory, 'CS-IN-069', `WeightLoader.shardedState() on ${what}: the library writes shards only onto the shared volume of WeightSource.huggingFace, where its loader Job put the checkpoint`,
      'use WeightSource.huggingFace(repo, { volume: SharedVolume.newClaim(...), loader: WeightLoader.shardedState() }), or another loader here');
  }
  if (loader._kind === LoaderKind.FASTSAFETENSORS && !FILE_PATHS.has(path)) {
    fail(factory, 'CS-IN-073', `WeightLoader.fastsafetensors() on ${what}: fastsafetensors reads files on a node-local or shared volume, not an object store`,
      'use the streamer (the default) for object storage, or put the weights on a volume');
  }
  if (loader._options.fastsafetensors?.gpuDirectStorageNodeSelector && path !== WeightPath.LOCAL_NVME && path !== WeightPath.PAGE_CACHE) {
    fail(factory, 'CS-IN-074', `GPUDirect Storage on ${what}: GDS reads NVMe attached to the node; over a network file system it needs RDMA-capable storage the library cannot check`,
      'drop gpuDirectStorageNodeSelector (fastsafetensors still loads without GDS), or use a node-local source (hostPathCache, prefetch, localModelCache)');
  }
}

/**
 * A source that takes no `loader` option, given one anyway (jsii and
 * JavaScript callers pass any key): refused, never silently ignored.
 * @internal
 */
export function refuseLoader(factory: string, options: unknown, path: WeightPath, what: string): void {
  const loader = options !== null && typeof options === 'object' ? (options as { loader?: unknown }).loader : undefined;
  if (loader === undefined) return;
  if (loader instanceof WeightLoader) requireLoaderFor(factory, loader, path, what);
  fail(factory, 'CS-IN-059', `options.loader is given, but ${what} takes no loader: it loads with the Run:ai streamer`,
    'drop options.loader (pass streamer settings as options.streamer), or use a source that takes a loader (existingClaim, huggingFace, hostPathCache, prefetch, localModelCache, ebsSnapshot)');
}

/** Checks that the package is in the engine image before the engine starts: a missing module would crash-loop the pod. */
const FASTSAFETENSORS_CHECK = 'import importlib.util, sys\n'
  + 'sys.exit(0 if importlib.util.find_spec("fastsafetensors") else "the engine image has no fastsafetensors package: use an image that ships it (vLLM images since vllm#38950) or another WeightLoader")';

/**
 * Writes the loader's flags, env, memory and facts. `sharded` is set by the
 * source that put vLLM's sharded state in place.
 * @internal
 */
export function applyLoader(scope: Construct, pod: PodWriter, context: LeverContext, loader: WeightLoader): void {
  const modelBytes = context.size.bytes;
  const ranks = context.gpu.count;
  switch (loader._kind) {
    case LoaderKind.STREAMER:
      applyStreamer(pod, modelBytes, ranks, loader._options.streamer);
      return;
    case LoaderKind.FASTSAFETENSORS: {
      // vLLM v0.10 lists fastsafetensors among --load-format choices (FACTS); its iterator hands each rank a share of the files.
      pod.arg('--load-format', 'fastsafetensors');
      pod.initContainer(auxContainer({
        name: 'check-loader',
        image: context.engineImage,
        command: ['python3', '-c', FASTSAFETENSORS_CHECK],
        resources: { cpu: '100m', memory: '256Mi' },
      }));
      const gds = loader._options.fastsafetensors?.gpuDirectStorageNodeSelector;
      for (const [key, value] of Object.entries(gds ?? {})) pod.nodeSelector(key, value);
      pod.set(Facts.WEIGHT_LOADER, gds ? LoaderFact.FASTSAFETENSORS_GDS : LoaderFact.FASTSAFETENSORS);
      pod.set(Facts.LOADER_RANKS, ranks);
      return;
    }
    case LoaderKind.SHARDED_STATE: {
      if (ranks < 2) {
        fail(scope, 'CS-IN-069', `WeightLoader.shardedState() with ${ranks} GPU: one rank reads the whole checkpoint either way`, 'use it with gpu.count >= 2, or use the streamer');
      }
      const streamer = loader._options.sharded?.streamer;
      if (streamer) {
        // ShardedStateLoader refuses any extra-config key but `pattern`: the streamer takes its settings from its env.
        const { concurrency, memoryLimit } = streamerSettings(modelBytes / ranks, streamer);
        pod.arg('--load-format', 'runai_streamer_sharded');
        pod.env('RUNAI_STREAMER_CONCURRENCY', `${concurrency}`);
        pod.env('RUNAI_STREAMER_MEMORY_LIMIT', `${memoryLimit}`);
        pod.set(Facts.STREAMER_CONCURRENCY, concurrency);
        pod.memory(STREAMER_PURPOSE, streamerBufferBytes(memoryLimit, ranks));
      } else {
        pod.arg('--load-format', 'sharded_state');
      }
      pod.set(Facts.WEIGHT_LOADER, LoaderFact.SHARDED_STATE);
      pod.set(Facts.LOADER_RANKS, ranks);
      return;
    }
  }
}
