import { linkBandwidths, OBJECT_STORE_PATHS, REGISTRY_BANDWIDTH } from './bandwidth';
import { ColdStartEstimate, EstimateOptions } from './estimate-options';
import { ColdStartFacts } from './facts';
import { ImageArrival, CapacityArrival, LoaderFact, WeightPath } from './paths';
import { bytesIn } from '../private/size';


/**
 * Timings of the engine itself. The defaults describe current vLLM (V1); the
 * calibration test passes the timings of older engines its sources measured.
 * @internal
 */
export interface EngineTimings {
  /** vllm#21051: a constant ~17 s of process start before engine init (V1 engine). */
  readonly processStart: number;
  /** EFS breakdown: engine init ~4 s. */
  readonly engineInit: number;
  /** EFS breakdown: KV warmup (profiling, cache allocation) ~4 s. */
  readonly kvWarmup: number;
  /** CUDA graph capture: usually < 10 s. */
  readonly graphCapture: number;
  /** torch.compile ~29 s on one log, "JIT 10-30 s" for 70B: 23.5 s sits within 20% of both. */
  readonly compile: number;
  /** Loading compile artifacts from a persistent engine cache: no published figure, assumed 5 s. */
  readonly compileCached: number;
  /** One short completion before Ready: no published figure, assumed 2 s. */
  readonly warmup: number;
  /**
   * Default (safetensors) loader ceiling, bytes/s per engine: ~1.5 GB/s from NVMe
   * (third party), a LocalModelCache loads 140 GB in ~75 s: 1.7 GB/s.
   */
  readonly loaderCeiling: number;
  /** Run:ai streamer ceiling, bytes/s: ~4.3 GB/s from NVMe (third party). */
  readonly streamerCeiling: number;
  /** Sleep mode level 1 wake (weights kept in host RAM): 0.1-6 s, midpoint. */
  readonly sleepWakeLevel1: number;
  /** Sleep mode level 2 wake: 0.8-2.6 s, midpoint. */
  readonly sleepWakeLevel2: number;
}

/** @internal */
export const VLLM_V1: EngineTimings = {
  processStart: 17,
  engineInit: 4,
  kvWarmup: 4,
  graphCapture: 10,
  compile: 23.5,
  compileCached: 5,
  warmup: 2,
  loaderCeiling: 1.7e9,
  streamerCeiling: 4.3e9,
  sleepWakeLevel1: 3.05,
  sleepWakeLevel2: 1.7,
};

/**
 * The default loader reads through mmap page faults and reaches about this
 * fraction of a network link: EFS at ~150 MB/s read 3.9 GB in 60-90 s plus
 * ~15 s CPU->GPU, ~43 MB/s end to end.
 */
const LOADER_LINK_EFFICIENCY = 0.29;
/** The streamer's default concurrency (RUNAI_STREAMER_CONCURRENCY): 16 on file systems, 8 on object stores. */
const STREAMER_REFERENCE_CONCURRENCY = 16;
const STREAMER_REFERENCE_CONCURRENCY_OBJECT_STORE = 8;
/**
 * fastsafetensors, bytes/s per rank (each rank reads its own files). With
 * GPUDirect Storage: 26.4 GB/s NVMe read for Llama-70B on four GPUs (Yoshimura
 * et al., "Speeding up Model Loading with fastsafetensors", CLOUD 2025, as the
 * fastsafetensors README cites it). Without: the README's documented nogds
 * path, 6.02 GB/s (GPT-2 Medium, vs 1.28 GB/s with mmap).
 */
const FASTSAFETENSORS_GDS_CEILING = 26.4e9 / 4;
const FASTSAFETENSORS_CEILING = 6.02e9;
/** vLLM image, ~12 GB compressed. */
const DEFAULT_IMAGE_BYTES = 12e9;
/** Image from an EBS snapshot (Bottlerocket data volume) or a secondary boot disk: ~10 s. */
const SNAPSHOT_IMAGE_SECONDS = 10;
/** GKE image streaming: ~191 s -> ~30 s first start; the rest is fetched on demand. */
const STREAMED_IMAGE_FRACTION = 30 / 191;
/** "A GPU node when the pool is empty (minutes)": no single published figure, assumed 3 minutes. */
const DEFAULT_NODE_SECONDS = 180;
/** A warm buffer: the scheduler preempts a pause pod (grace period 0); assumed 5 s. */
const WARM_BUFFER_SECONDS = 5;

/** @internal */
export interface EstimateInputs {
  readonly weightBytes: number;
  readonly facts: ColdStartFacts;
  readonly options?: EstimateOptions;
  readonly engine?: EngineTimings;
}

/**
 * One model's estimate with what it was computed from: the model computes it
 * between the lever passes, the runtime lever sizes its probes from it, and
 * the report prints both.
 * @internal
 */
export interface ColdStartAssessment {
  readonly inputs: EstimateInputs;
  readonly detail: EstimateDetail;
}

/** Computes the estimate and keeps its inputs beside it. @internal */
export function assessColdStart(inputs: EstimateInputs): ColdStartAssessment {
  return { inputs, detail: estimateColdStart(inputs) };
}

/** The pieces of each lever, for the report and the calibration test. @internal */
export interface EstimateDetail extends ColdStartEstimate {
  /** Seconds spent downloading or pulling the weights before the engine reads them (HF Hub, modelcar). */
  readonly weightFetchSeconds: number;
  /** Seconds the engine's loader spends reading the weights into the GPU. */
  readonly weightReadSeconds: number;
  /** Bytes per second the loader reaches. */
  readonly loaderBytesPerSecond: number;
  /** Runtime seconds that do not depend on eager mode or caches. */
  readonly fixedInitSeconds: number;
  readonly graphCaptureSeconds: number;
  readonly compileSeconds: number;
  readonly warmupSeconds: number;
  /** With sleep mode, a wake of a sleeping (level 1) engine instead of a cold start. */
  readonly sleepWakeSeconds?: number;
}

/**
 * Seconds per lever from what the levers did (`blueprint.coldStart`) and the
 * weight bytes.
 * @internal
 */
export function estimateColdStart(inputs: EstimateInputs): EstimateDetail {
  const { weightBytes, facts } = inputs;
  const options = inputs.options ?? {};
  const engine = inputs.engine ?? VLLM_V1;
  const links = linkBandwidths(options.bandwidths);

  // Some paths fetch the whole checkpoint first, then the engine reads it from the node.
  let fetchLink: number | undefined;
  let readPath = facts.weightPath;
  if (facts.weightPath === WeightPath.HF_HUB) {
    fetchLink = links[WeightPath.HF_HUB];
    readPath = WeightPath.PAGE_CACHE;
  } else if (facts.weightPath === WeightPath.OCI_MODELCAR) {
    // Like the engine image: a modelcar the pre-pull DaemonSet put on a node a warm buffer held is read
    // from the node's image store. KServe's modelcar containers set no pull policy (kserve pkg/utils/storage.go,
    // CreateModelcarContainer), which for a digest defaults to IfNotPresent (kubernetes/website#40375).
    // A new node (0->1) runs the DaemonSet as it comes up, so its wake still pulls from the registry.
    if (!facts.modelcarPrePulled) fetchLink = links[WeightPath.OCI_MODELCAR];
    readPath = WeightPath.LOCAL_NVME;
  }
  const readLink = links[readPath];
  // vLLM runs the loader in every tensor-parallel worker, and the Run:ai streamer (non-distributed, as the
  // library configures it) reads every file in each. From an object store each rank downloads the whole
  // checkpoint: the pod's link carries ranks x the weights, at up to ranks streams' worth of concurrency.
  // From a file system the node's page cache serves the ranks after the first, so the link carries it once.
  const ranks = facts.streamerConcurrency !== undefined && OBJECT_STORE_PATHS.has(readPath) ? Math.max(1, facts.streamerRanks ?? 1) : 1;
  // Issue #19 §2: ranks that read disjoint shares at once (vLLM's sharded state: each its 1/TP; fastsafetensors: each a
  // share of the files) each run a loader, so the per-process ceiling counts once per rank; the link is shared.
  // fastsafetensors copies whole files without mmap, so it reaches the link like the streamer does.
  const shares = Math.max(1, facts.loaderRanks ?? 1);
  const fast = facts.weightLoader === LoaderFact.FASTSAFETENSORS || facts.weightLoader === LoaderFact.FASTSAFETENSORS_GDS;
  const loader = fast
    ? Math.min((facts.weightLoader === LoaderFact.FASTSAFETENSORS_GDS ? FASTSAFETENSORS_GDS_CEILING : FASTSAFETENSORS_CEILING) * shares, readLink)
    : facts.streamerConcurrency !== undefined
      ? Math.min(engine.streamerCeiling * ranks * shares,
        readLink * Math.min(1, (facts.streamerConcurrency * ranks * shares) / referenceConcurrency(readPath)))
      : Math.min(engine.loaderCeiling * shares, readLink * LOADER_LINK_EFFICIENCY);
  const weightFetchSeconds = fetchLink === undefined ? 0 : weightBytes / fetchLink;
  const weightReadSeconds = (weightBytes * ranks) / loader;
  const weightLoadSeconds = weightFetchSeconds + weightReadSeconds;

  const imageBytes = options.imageSize ? bytesIn(options.imageSize) : DEFAULT_IMAGE_BYTES;
  const registrySeconds = imageBytes / REGISTRY_BANDWIDTH;
  const imagePullSeconds = {
    [ImageArrival.REGISTRY]: registrySeconds,
    [ImageArrival.PRE_PULLED]: 0,
    [ImageArrival.STREAMED]: registrySeconds * STREAMED_IMAGE_FRACTION,
    [ImageArrival.SNAPSHOT]: Math.min(registrySeconds, SNAPSHOT_IMAGE_SECONDS),
  }[facts.imageArrival];

  const nodeCapacitySeconds = facts.capacityArrival === CapacityArrival.WARM_BUFFER
    ? WARM_BUFFER_SECONDS
    : (options.nodeProvisioning?.toSeconds() ?? DEFAULT_NODE_SECONDS);

  const fixedInitSeconds = engine.processStart + engine.engineInit + engine.kvWarmup;
  // -O0 turns both off (vLLM OptimizationLevel.O0); --enforce-eager too.
  const optimized = !facts.eager && facts.compile;
  const graphCaptureSeconds = optimized ? engine.graphCapture : 0;
  // Issue #19 §1: a seeded cache is a hit on the first wake too (seeding requires a persistent cache). CUDA graphs are
  // never cached (vLLM captures them in memory at every start): graph capture stays.
  const compileSeconds = optimized ? (facts.persistentCompileCache || facts.compileCacheSeeded ? engine.compileCached : engine.compile) : 0;
  const warmupSeconds = facts.warmup ? engine.warmup : 0;
  const runtimeSeconds = fixedInitSeconds + graphCaptureSeconds + compileSeconds + warmupSeconds;

  const slowestLink = Math.min(readLink, fetchLink ?? Infinity);
  const startupSeconds = weightLoadSeconds + runtimeSeconds;
  return {
    weightLoadSeconds,
    imagePullSeconds,
    nodeCapacitySeconds,
    runtimeSeconds,
    startupSeconds,
    totalSeconds: startupSeconds + imagePullSeconds + nodeCapacitySeconds,
    physicalLimitSeconds: (weightBytes * ranks) / slowestLink + fixedInitSeconds,
    slowestLinkBytesPerSecond: slowestLink,
    weightFetchSeconds,
    weightReadSeconds,
    loaderBytesPerSecond: loader,
    fixedInitSeconds,
    graphCaptureSeconds,
    compileSeconds,
    warmupSeconds,
    sleepWakeSeconds: facts.sleepMode ? engine.sleepWakeLevel1 : undefined,
  };
}

function referenceConcurrency(path: WeightPath): number {
  return OBJECT_STORE_PATHS.has(path) ? STREAMER_REFERENCE_CONCURRENCY_OBJECT_STORE : STREAMER_REFERENCE_CONCURRENCY;
}
