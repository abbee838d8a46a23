import { Facts, HostCacheFact, NewNodeDownload, PodBlueprint } from '../blueprint';
import { ImageArrival, CapacityArrival, LoaderFact, WeightPath } from './paths';
import type { WeightStorage } from './storage';
import type { PreWarmFacts } from '../blueprint/facts';

/**
 * What the levers did, in the terms the cold-start estimate reads. Levers set
 * these while they write the blueprint; nothing here is rendered.
 * @internal
 */
export interface ColdStartFacts {
  /** The path the weights take at wake. */
  weightPath: WeightPath;
  /** Run:ai streamer concurrency when the engine streams the weights. */
  streamerConcurrency?: number;
  /** Tensor-parallel ranks streaming (each reads every file; 1 when unknown). */
  streamerRanks?: number;
  /** A pruned hostPath cache holds the weights (its bound; prefetched or fetched by the pod). */
  hostCache?: HostCacheFact;
  /** A node the wake provisions downloads the weights first (LocalModelCache: the node has no copy yet). */
  newNodeDownload?: NewNodeDownload;
  /** The loader: vLLM's default (or the streamer, told by its concurrency), sharded state, or fastsafetensors (with or without GPUDirect Storage). */
  weightLoader?: LoaderFact;
  /** Tensor-parallel ranks each reading a disjoint share of the weights at once (sharded state: its 1/TP; fastsafetensors: a share of the files). */
  loaderRanks?: number;
  /** How the engine image arrives. */
  imageArrival: ImageArrival;
  /** A registry pull uses SOCI parallel pull-and-unpack (Bottlerocket). */
  parallelPull?: boolean;
  /** A pre-pull DaemonSet runs on the pod's nodes (it helps only a node that exists before the wake). */
  prePull: boolean;
  /** The modelcar image is on the node before the wake: its weights are read from the node's image store, not pulled. */
  modelcarPrePulled: boolean;
  /** How the GPU node is found. */
  capacityArrival: CapacityArrival;
  /** A new GPU node launches into a capacity reservation (no stock-out wait; it still boots). */
  capacityReserved?: boolean;
  /** `--enforce-eager`: no CUDA graph capture or compile. */
  eager: boolean;
  /** False with `-O0`: vLLM's optimization level 0 skips torch.compile and CUDA graph capture. */
  compile: boolean;
  /** The engine cache (HOME: torch.compile artifacts) survives the pod. */
  persistentCompileCache: boolean;
  /** A one-time Job filled the compile cache with this exact engine config: the first wake hits it too. */
  compileCacheSeeded?: boolean;
  /** One real completion runs before the pod turns Ready. */
  warmup: boolean;
  /** `--enable-sleep-mode`. */
  sleepMode: boolean;
  /** Where a node-local cache (or a sync into the pod) downloads the weights from before the engine reads them. */
  fetchOrigin?: WeightPath;
  /** The download happens at every start (a sync into the pod's volume), not only on a new node. */
  fetchEveryStart?: boolean;
  /** Each rank reads only its own shard files (a pre-sharded checkpoint). */
  shardedWeights?: boolean;
  /** A multi-threaded loader (fastsafetensors) instead of the default one. */
  fastLoader?: boolean;
  /** Scheduled pre-warm windows and the GPU-hours they hold (the report sets them beside the wake they avoid). */
  preWarm?: PreWarmFacts;
  /** `--enable-lora` with adapters on a volume. */
  loraAdapters?: boolean;
  /** The storage under the weight path as the source provisions it (`estimate.storage` overrides it). */
  weightStorage?: WeightStorage;
  /** Bytes/s the weights' volume delivers on a brand-new node while it fills from its snapshot. */
  newNodeReadLimit?: number;
}

/** @internal */
export function defaultColdStartFacts(): ColdStartFacts {
  return {
    weightPath: WeightPath.OCI_MODELCAR,
    imageArrival: ImageArrival.REGISTRY,
    prePull: false,
    modelcarPrePulled: false,
    capacityArrival: CapacityArrival.COLD_NODE,
    eager: false,
    compile: true,
    persistentCompileCache: false,
    warmup: false,
    sleepMode: false,
  };
}

/** The estimate's inputs, read from the facts the levers wrote (all final after the contribute pass). @internal */
export function coldStartFactsOf(bp: PodBlueprint): ColdStartFacts {
  return {
    weightPath: bp.fact(Facts.WEIGHT_PATH),
    streamerConcurrency: bp.fact(Facts.STREAMER_CONCURRENCY),
    streamerRanks: bp.fact(Facts.STREAMER_RANKS),
    hostCache: bp.fact(Facts.HOST_CACHE),
    newNodeDownload: bp.fact(Facts.NEW_NODE_DOWNLOAD),
    weightLoader: bp.fact(Facts.WEIGHT_LOADER),
    loaderRanks: bp.fact(Facts.LOADER_RANKS),
    compileCacheSeeded: bp.fact(Facts.COMPILE_CACHE_SEEDED),
    imageArrival: bp.fact(Facts.IMAGE_ARRIVAL),
    parallelPull: bp.fact(Facts.PARALLEL_PULL),
    prePull: bp.fact(Facts.PRE_PULL),
    modelcarPrePulled: bp.fact(Facts.MODELCAR_PRE_PULLED),
    capacityArrival: bp.fact(Facts.CAPACITY_ARRIVAL),
    capacityReserved: bp.fact(Facts.CAPACITY_RESERVED),
    eager: bp.fact(Facts.EAGER),
    compile: bp.fact(Facts.COMPILE),
    persistentCompileCache: bp.fact(Facts.PERSISTENT_COMPILE_CACHE),
    warmup: bp.fact(Facts.WARMUP),
    sleepMode: bp.fact(Facts.SLEEP_MODE),
    fetchOrigin: bp.fact(Facts.WEIGHT_FETCH_ORIGIN),
    preWarm: bp.fact(Facts.PRE_WARM),
    loraAdapters: bp.fact(Facts.LORA_ADAPTERS),
    weightStorage: bp.fact(Facts.WEIGHT_STORAGE),
    newNodeReadLimit: bp.fact(Facts.NEW_NODE_READ_LIMIT),
  };
}
