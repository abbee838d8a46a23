import { measuredBandwidths, OBJECT_STORE_PATHS, REGISTRY_BANDWIDTH } from './bandwidth';
import { BeforeSetup } from './before';
import { ColdStartEstimate, EstimateOptions, SecondsRange } from './estimate-options';
import { ColdStartFacts, defaultColdStartFacts } from './facts';
import { ImageArrival, CapacityArrival, LoaderFact, WeightPath } from './paths';
import { EngineGeneration, hubLink, RUNTIME, runtimeSeconds, RuntimeTerms, WEIGHTS } from './runtime-model';

export { EngineGeneration } from './runtime-model';
import { captureSizesOf, layersFor, ModelShape, parametersFromBytes } from './shape';
import { Scenario, Spread } from './spread';
import { PAGE_CACHE_LINK, StorageMedium } from './storage';
import { merged } from '../private/merged';
import { bytesIn } from '../private/size';

/** vLLM image, ~12 GB compressed. */
const DEFAULT_IMAGE_BYTES = 12e9;
/** Image from an EBS snapshot (Bottlerocket data volume) or a secondary boot disk: ~10 s. */
const SNAPSHOT_IMAGE_SECONDS: Spread = [6, 10, 20];
/**
 * GKE image streaming: the container starts once what it reads first has arrived and the rest is
 * fetched on demand, so the wait does not grow with the image: a 5.4 GB image in ~30 s (FACTS,
 * against 191 s pulled), a 12 GB one in 20 s (gke-image-streaming-*, against 230 s). Their
 * geometric mean; a small image never waits longer than its pull.
 */
const STREAMED_IMAGE_SECONDS: Spread = [10, 25, 60];
/** A warm buffer: the scheduler preempts a pause pod (grace period 0); a few seconds to bind and start. */
const WARM_BUFFER_SECONDS: Spread = [2, 5, 10];
/**
 * SOCI parallel pull-and-unpack, as a share of a registry pull: "up to 50%"
 * less (aws-samples/karpenter-blueprints, blueprints/soci-snapshotter), a
 * 10 GB vLLM image in 45 s instead of 113 s (awslabs/data-on-eks), 8-12 GB in
 * 30-60 s instead of 2-4 min (AWS EKS team, The New Stack).
 */
const SOCI_PARALLEL_PULL_FRACTION: Spread = [0.25, 0.4, 0.6];

/** @internal */
export interface EstimateInputs {
  readonly weightBytes: number;
  readonly facts: ColdStartFacts;
  readonly options?: EstimateOptions;
  readonly engine?: EngineGeneration;
  /** What the runtime scales with; derived from the weight bytes when not given. */
  readonly shape?: Partial<ModelShape>;
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
  /** The user's "before" setup (`estimate.before`), estimated the same way. */
  readonly before?: EstimateDetail;
}

/** Computes the estimate (and the "before" one) and keeps the inputs beside it. @internal */
export function assessColdStart(inputs: EstimateInputs): ColdStartAssessment {
  const before = inputs.options?.before;
  return {
    inputs,
    detail: estimateColdStart(inputs),
    before: before === undefined ? undefined : estimateColdStart({ ...inputs, facts: beforeFacts(inputs.facts, before) }),
  };
}

/** The seconds of one case: ColdStartEstimate without its ranges, which only the three cases together give. */
type CaseSeconds = Omit<ColdStartEstimate, 'weightLoadRange' | 'imagePullRange' | 'nodeCapacityRange' | 'runtimeRange' | 'startupRange' | 'totalRange'>;

/** The pieces of each lever in one case, for the report and the calibration test. @internal */
export interface EstimatePieces extends CaseSeconds {
  /** Seconds spent downloading or pulling the weights before the engine reads them. */
  readonly weightFetchSeconds: number;
  /** Seconds the engine's loader spends reading the weights into the GPU. */
  readonly weightReadSeconds: number;
  /** Bytes per second the loader reaches. */
  readonly loaderBytesPerSecond: number;
  readonly runtime: RuntimeTerms;
  /** Process start + engine init + KV cache: the part no option removes. */
  readonly fixedInitSeconds: number;
  readonly graphCaptureSeconds: number;
  readonly compileSeconds: number;
  readonly warmupSeconds: number;
  /** With sleep mode, a wake of a sleeping (level 1) engine instead of a cold start. */
  readonly sleepWakeSeconds?: number;
  /** With LoRA adapters, a new fine-tune's first request: an adapter load on a running replica instead of a cold start. */
  readonly adapterLoadSeconds?: number;
}

/** The expected case, with the fast and slow cases beside it. @internal */
export interface EstimateDetail extends EstimatePieces, ColdStartEstimate {
  readonly fast: EstimatePieces;
  readonly slow: EstimatePieces;
  readonly shape: ModelShape;
}

/**
 * Seconds per lever, in the fast, expected and slow cases, from what the
 * levers did (`blueprint.coldStart`), the weight bytes and the model's shape.
 * @internal
 */
export function estimateColdStart(inputs: EstimateInputs): EstimateDetail {
  const shape = shapeOf(inputs);
  const measured = measuredBandwidths(inputs.options?.bandwidths);
  const fast = estimateCase(inputs, shape, measured, Scenario.FAST);
  const expected = estimateCase(inputs, shape, measured, Scenario.EXPECTED);
  const slow = estimateCase(inputs, shape, measured, Scenario.SLOW);
  const range = (f: (p: EstimatePieces) => number): SecondsRange => ({ low: f(fast), expected: f(expected), high: f(slow) });
  return merged(expected, {
    weightLoadRange: range(p => p.weightLoadSeconds),
    imagePullRange: range(p => p.imagePullSeconds),
    nodeCapacityRange: range(p => p.nodeCapacitySeconds),
    runtimeRange: range(p => p.runtimeSeconds),
    startupRange: range(p => p.startupSeconds),
    totalRange: range(p => p.totalSeconds),
    fast,
    slow,
    shape,
  });
}

function shapeOf(inputs: EstimateInputs): ModelShape {
  const s = inputs.shape ?? {};
  const parameters = s.parameters ?? parametersFromBytes(inputs.weightBytes);
  const layers = inputs.options?.layers ?? s.layers ?? layersFor(parameters);
  const tensorParallel = Math.max(1, s.tensorParallel ?? Math.max(inputs.facts.streamerRanks ?? 1, inputs.facts.loaderRanks ?? 1));
  return {
    parameters,
    layers,
    tensorParallel,
    pipelineParallel: Math.max(1, s.pipelineParallel ?? 1),
    podCpus: s.podCpus ?? 4 * tensorParallel,
    captureSizes: s.captureSizes ?? captureSizesOf([]),
  };
}

function estimateCase(inputs: EstimateInputs, shape: ModelShape, measured: ReadonlyMap<WeightPath, number>, c: Scenario): EstimatePieces {
  const { weightBytes, facts } = inputs;
  const options = inputs.options ?? {};
  const link = (path: WeightPath): number => measured.get(path) ?? (path === WeightPath.HF_HUB ? hubLink(weightBytes, c) : WEIGHTS.link[path][c]);

  // Some paths fetch the whole checkpoint first, then the engine reads it from the node.
  let fetchLink: number | undefined;
  let readPath = facts.weightPath;
  let fetchWaitSeconds = 0;
  if (facts.weightPath === WeightPath.HF_HUB) {
    fetchLink = link(WeightPath.HF_HUB);
    // Read back from the node's disk: the download's page cache is charged to the pod's memory cgroup, whose
    // limit is sized for the engine, not the checkpoint (pods: tensorfuse-*, aks-phi4-*, 0.4-0.5 GB/s). Without
    // such a limit (a VM, anyscale-*: 8.5 GB/s at TP=4) it is the page cache: say so with `estimate.storage`.
    readPath = WeightPath.LOCAL_NVME;
  } else if (facts.weightPath === WeightPath.OCI_MODELCAR) {
    // Like the engine image: a modelcar the pre-pull DaemonSet put on a node a warm buffer held is read
    // from the node's image store. KServe's modelcar containers set no pull policy (kserve pkg/utils/storage.go,
    // CreateModelcarContainer), which for a digest defaults to IfNotPresent (kubernetes/website#40375).
    // A new node (0->1) runs the DaemonSet as it comes up, so its wake still pulls from the registry.
    if (!facts.modelcarPrePulled) fetchLink = link(WeightPath.OCI_MODELCAR);
    // Read from the node's disk either way: a checkpoint is rarely still in the page cache after its pull.
    readPath = WeightPath.LOCAL_NVME;
  } else if (facts.newNodeDownload && facts.capacityArrival === CapacityArrival.COLD_NODE) {
    // KServe's node agent copies a LocalModelCache onto a node only once it joins (v0.20
    // pkg/controller/v1alpha1/localmodelnode): a wake on a new node waits, then fetches the weights through
    // the source's link (or, without the fallback, waits for the agent's own download), and reads them locally.
    fetchLink = link(facts.newNodeDownload.path);
    fetchWaitSeconds = facts.newNodeDownload.waitSeconds;
  } else if (facts.fetchOrigin !== undefined && (facts.fetchEveryStart || facts.capacityArrival === CapacityArrival.COLD_NODE)) {
    // A node-local cache on a brand-new node is empty: it downloads from its origin first. A sync into
    // the pod's own volume downloads at every start.
    fetchLink = facts.fetchEveryStart && OBJECT_STORE_PATHS.has(facts.fetchOrigin) ? WEIGHTS.syncLink[c] : link(facts.fetchOrigin);
  }
  const storage = options.storage ?? facts.weightStorage;
  const medium = storage?.medium ?? WEIGHTS.medium[readPath];
  let readLink = storage && !measured.has(readPath) ? storage._link[c] : readPath === WeightPath.PAGE_CACHE ? PAGE_CACHE_LINK[c] : link(readPath);
  // A volume restored on a new node fetches its blocks from S3 as it is read (EBS volume initialization).
  if (facts.newNodeReadLimit !== undefined && facts.capacityArrival === CapacityArrival.COLD_NODE) {
    readLink = Math.min(readLink, facts.newNodeReadLimit);
  }

  const ranks = shape.tensorParallel;
  const streams = facts.streamerConcurrency !== undefined;
  // vLLM runs the loader in every tensor-parallel worker. The Run:ai streamer (non-distributed, as the
  // library configures it) reads every file in each: from an object store the pod's link carries ranks x
  // the weights; from a file system the node's page cache serves the ranks after the first. A sharded
  // checkpoint (one file set per rank) is read once in all.
  const sharded = facts.shardedWeights || facts.weightLoader === LoaderFact.SHARDED_STATE;
  const fast = facts.fastLoader || facts.weightLoader === LoaderFact.FASTSAFETENSORS || facts.weightLoader === LoaderFact.FASTSAFETENSORS_GDS;
  const copies = streams && OBJECT_STORE_PATHS.has(readPath) && !sharded ? ranks : 1;
  let loader: number;
  if (streams) {
    const threads = (facts.streamerConcurrency ?? 16) * ranks;
    // From memory a thread is not held to a disk read's rate.
    const concurrency = OBJECT_STORE_PATHS.has(readPath)
      ? Math.min(1, threads / referenceConcurrency(readPath))
      : medium === StorageMedium.PAGE_CACHE ? 1 : Math.min(1, (threads * WEIGHTS.streamerPerThread[c]) / readLink);
    loader = Math.min(WEIGHTS.streamerPerRank[c] * ranks, readLink * concurrency);
  } else if (fast) {
    // Each rank reads its share of the files, without mmap; with GPUDirect Storage straight to the GPU.
    const perRank = facts.weightLoader === LoaderFact.FASTSAFETENSORS_GDS ? WEIGHTS.fastLoaderGdsPerRank[c] : WEIGHTS.fastLoaderPerRank[c];
    loader = Math.min(perRank * ranks, readLink * WEIGHTS.fastLoaderEfficiency[c]);
  } else if (sharded) {
    // vLLM's sharded state: each rank reads only its own files, so the ranks' copy rates add.
    loader = Math.min(WEIGHTS.defaultLoaderPerRank[medium][c] * ranks, readLink * WEIGHTS.defaultLoaderEfficiency[medium][c]);
  } else {
    // The default loader: safetensors through mmap. Each rank pages in the slices it keeps: the ranks
    // share the link, and their copy rates add only in part.
    const copying = WEIGHTS.defaultLoaderPerRank[medium][c] * ranks ** WEIGHTS.defaultLoaderRankExponent[medium];
    loader = Math.min(copying, readLink * WEIGHTS.defaultLoaderEfficiency[medium][c]);
  }
  const weightFetchSeconds = fetchWaitSeconds + (fetchLink === undefined ? 0 : weightBytes / fetchLink);
  const weightReadSeconds = (weightBytes * copies) / loader;
  const weightLoadSeconds = weightFetchSeconds + weightReadSeconds;

  const imageBytes = options.imageSize ? bytesIn(options.imageSize) : DEFAULT_IMAGE_BYTES;
  const registrySeconds = imageBytes / REGISTRY[c];
  const imagePullSeconds = {
    [ImageArrival.REGISTRY]: registrySeconds * (facts.parallelPull ? SOCI_PARALLEL_PULL_FRACTION[c] : 1),
    [ImageArrival.PRE_PULLED]: 0,
    [ImageArrival.STREAMED]: Math.min(registrySeconds, STREAMED_IMAGE_SECONDS[c]),
    [ImageArrival.SNAPSHOT]: Math.min(registrySeconds, SNAPSHOT_IMAGE_SECONDS[c]),
  }[facts.imageArrival];

  // A capacity reservation (facts.capacityReserved) removes the wait for GPU stock, which has no typical
  // figure, not the boot the default stands for: the node seconds stay those of a new node.
  const nodeCapacitySeconds = facts.capacityArrival === CapacityArrival.WARM_BUFFER
    ? WARM_BUFFER_SECONDS[c]
    : (options.nodeProvisioning?.toSeconds() ?? NODE_SECONDS[c]);

  const runtime = runtimeSeconds(facts, shape, inputs.engine ?? EngineGeneration.V1, c);
  const fixedInitSeconds = runtime.processStart + runtime.engineInit;
  const runtimeTotal = fixedInitSeconds + runtime.graphCapture + runtime.compile + runtime.warmup;

  const slowestLink = Math.min(readLink, fetchLink ?? Infinity);
  const startupSeconds = weightLoadSeconds + runtimeTotal;
  return {
    weightLoadSeconds,
    imagePullSeconds,
    nodeCapacitySeconds,
    runtimeSeconds: runtimeTotal,
    startupSeconds,
    totalSeconds: startupSeconds + imagePullSeconds + nodeCapacitySeconds,
    physicalLimitSeconds: (weightBytes * copies) / slowestLink + fixedInitSeconds,
    slowestLinkBytesPerSecond: slowestLink,
    weightFetchSeconds,
    weightReadSeconds,
    loaderBytesPerSecond: loader,
    runtime,
    fixedInitSeconds,
    graphCaptureSeconds: runtime.graphCapture,
    compileSeconds: runtime.compile,
    warmupSeconds: runtime.warmup,
    sleepWakeSeconds: facts.sleepMode ? RUNTIME.sleepWakeLevel1[c] : undefined,
    adapterLoadSeconds: facts.loraAdapters ? RUNTIME.adapterLoad[c] : undefined,
  };
}

/**
 * Registry pull and unpack of a large image on a fresh node, bytes/s: ~12 GB
 * in 60-90 s (~160 MB/s, FACTS) at best; 15-20 GB in 4-6 min (aws-soci-*),
 * 20.2 GB in 5.5 min (bentoml-*), a deep-learning image in 230 s
 * (gke-image-streaming-*): ~60 MB/s; 10 GB in 7-10 min with overlayfs
 * (tensorfuse-10gb-*).
 */
const REGISTRY: Spread = [REGISTRY_BANDWIDTH, 50e6, 25e6];

/**
 * A new GPU node when the pool is empty, until its GPUs are allocatable: 72-100 s
 * (Karpenter, GKE's autoscaler on L4: vfarcic-*, aws-tns-*, gke-mlplatform-*,
 * tensorfuse-*; the median of the fitting rows is 96.5 s), 3 minutes in
 * write-ups (union-*), 9 minutes with a driver installed by a DaemonSet
 * (codalab4042-*). CPU nodes (30-240 s in Karpenter and GKE issues) are not
 * what this stands for.
 */
const NODE_SECONDS: Spread = [70, 100, 600];

function referenceConcurrency(path: WeightPath): number {
  return OBJECT_STORE_PATHS.has(path) ? 8 : 16;
}

/**
 * What a "before" setup does at wake, as facts: no lever of this library,
 * the weights as the setup takes them, and the plain defaults of a
 * `vllm serve` Deployment (image from the registry, a new node, no compile
 * cache, no warmup).
 * @internal
 */
export function beforeFacts(after: ColdStartFacts, before: BeforeSetup): ColdStartFacts {
  // The defaults, not the synthesized facts with some switched off: no lever's fact may leak into the "before".
  const plain: ColdStartFacts = { ...defaultColdStartFacts(), weightPath: after.weightPath };
  switch (before) {
    case BeforeSetup.HUB_DOWNLOAD_AT_START:
      return { ...plain, weightPath: WeightPath.HF_HUB };
    case BeforeSetup.INIT_CONTAINER_SYNC:
      // The sync writes into a pod volume the engine then reads: fetched at the object store's link,
      // read back from the page cache it was just written through.
      return { ...plain, weightPath: WeightPath.PAGE_CACHE, fetchOrigin: WeightPath.OBJECT_STORAGE, fetchEveryStart: true };
    case BeforeSetup.DEFAULT_LOADER:
    default: {
      // The same path without the streamer; the default loader cannot read an object store, so that
      // path becomes a download into the pod first (what KServe's storage initializer does).
      const objectStore = OBJECT_STORE_PATHS.has(after.weightPath);
      return objectStore ? { ...plain, weightPath: WeightPath.PAGE_CACHE, fetchOrigin: WeightPath.OBJECT_STORAGE, fetchEveryStart: true } : plain;
    }
  }
}
