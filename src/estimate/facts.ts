import { Facts, PodBlueprint } from '../blueprint';
import { ImageArrival, CapacityArrival, LoaderFact, WeightPath } from './paths';

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
  /** The loader: vLLM's default (or the streamer, told by its concurrency), sharded state, or fastsafetensors (with or without GPUDirect Storage). */
  weightLoader?: LoaderFact;
  /** Tensor-parallel ranks each reading a disjoint share of the weights at once (sharded state: its 1/TP; fastsafetensors: a share of the files). */
  loaderRanks?: number;
  /** How the engine image arrives. */
  imageArrival: ImageArrival;
  /** A pre-pull DaemonSet runs on the pod's nodes (it helps only a node that exists before the wake). */
  prePull: boolean;
  /** The modelcar image is on the node before the wake: its weights are read from the node's image store, not pulled. */
  modelcarPrePulled: boolean;
  /** How the GPU node is found. */
  capacityArrival: CapacityArrival;
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
    weightLoader: bp.fact(Facts.WEIGHT_LOADER),
    loaderRanks: bp.fact(Facts.LOADER_RANKS),
    compileCacheSeeded: bp.fact(Facts.COMPILE_CACHE_SEEDED),
    imageArrival: bp.fact(Facts.IMAGE_ARRIVAL),
    prePull: bp.fact(Facts.PRE_PULL),
    modelcarPrePulled: bp.fact(Facts.MODELCAR_PRE_PULLED),
    capacityArrival: bp.fact(Facts.CAPACITY_ARRIVAL),
    eager: bp.fact(Facts.EAGER),
    compile: bp.fact(Facts.COMPILE),
    persistentCompileCache: bp.fact(Facts.PERSISTENT_COMPILE_CACHE),
    warmup: bp.fact(Facts.WARMUP),
    sleepMode: bp.fact(Facts.SLEEP_MODE),
  };
}
