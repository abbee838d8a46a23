import { ColdStartFacts } from './facts';
import { CapacityArrival, ImageArrival, WeightPath } from './paths';
import { ModelShape } from './shape';
import { Scenario, Spread } from './spread';
import { StorageMedium } from './storage';

// Every coefficient is [fast, expected, slow]. Sources are in the calibration data
// (test/estimate/published-figures.json, one row per figure with its URL) and the README's
// "Cold-start estimate"; the names below point at them.

/**
 * Which vLLM engine the figures describe: the calibration test passes V0 for
 * the 2024 sources (no torch.compile), everything else is V1.
 * @internal
 */
export enum EngineGeneration {
  V0 = 'v0',
  V1 = 'v1',
}

const MB = 1e6;
const GB = 1e9;

/**
 * Runtime terms, seconds.
 * @internal
 */
export interface RuntimeTerms {
  /** `vllm serve` to engine core up: Python imports, API server, worker processes. */
  readonly processStart: number;
  /** Distributed init, memory profiling, KV cache allocation. */
  readonly engineInit: number;
  readonly compile: number;
  readonly graphCapture: number;
  readonly warmup: number;
}

/** @internal */
export const RUNTIME = {
  /**
   * Process start on a node with the image's files at hand: 8.4-8.7 s on bare
   * metal across 7 models and 3 GPUs (upb-*), ~16 s on RunPod (vllm#44881),
   * ~17 s (vllm#21051).
   */
  processStart: [7.5, 9, 18] as Spread,
  /** Each doubling of tensor-parallel workers adds their own imports and NCCL setup (vllm#19824: 60 s at TP=8). */
  processStartPerDoubling: [0.1, 0.25, 0.6] as Spread,
  /**
   * Right after a pull (files read from a disk that just took them) or on an
   * image that arrives lazily (streamed, snapshot restored on first read),
   * imports fault in from cold storage.
   */
  coldNodeFactor: [1, 1.4, 2.2] as Spread,
  lazyImageFactor: [1.3, 2, 3.5] as Spread,
  /** Processes that import at once (API server, engine core, TP workers) share the pod's cores. */
  cpuExponent: 0.7,
  /** Profiling + KV cache: 1.4-5 s for 0.5-14B at TP=1 (upb-*), ~14 s at 70B TP=4 (anyscale-*). */
  engineInitBase: [1, 1.8, 3] as Spread,
  engineInitPerBillionPerGpu: [0.06, 0.12, 0.3] as Spread,
  engineInitPerDoubling: [2, 4, 8] as Spread,
  /**
   * torch.compile, cold: 18-34 s for 24-48 layers on bare metal (upb-*: ~4 s +
   * 0.6 s per layer), 62 s for 80 layers at TP=4 (anyscale-*), 52-66 s for
   * 32 layers on cloud VMs with slower cores (tensorfuse-*, vllm#11078 on L4).
   */
  compileBase: [3, 4, 8] as Spread,
  compilePerLayer: [0.45, 0.6, 1.3] as Spread,
  /**
   * A cache hit still traces the model (Dynamo) and loads the artifacts:
   * 7.9-15.2 s for 24-48 layers (upb-*: dynamo + cached-graph load), 16-23 s
   * for 80-94 layers at TP 4-8 (anyscale-*), 9.2 s for 32 (vllm PR 16848).
   */
  compileCachedBase: [1.5, 2, 4] as Spread,
  compileCachedPerLayer: [0.18, 0.25, 0.45] as Spread,
  /** Tensor parallel: each rank compiles and traces in its own process. */
  compilePerDoubling: [0.05, 0.1, 0.2] as Spread,
  /**
   * CUDA graph capture per capture size, per 32 layers: 1-2.4 s for 67 sizes
   * on recent engines (upb-*), 10-17 s on others (vllm PR 11005, vllm#20264),
   * 16-60 s for 70B+ at TP 4-8 (anyscale-*, vllm#19824).
   */
  graphPerSizePer32Layers: [0.01, 0.02, 0.2] as Spread,
  graphPerDoubling: [0.5, 1.5, 3] as Spread,
  /** One short completion before Ready. */
  warmup: [1, 2, 4] as Spread,
  /** Sleep mode level 1 wake (weights kept in host RAM): 0.1-6 s. */
  sleepWakeLevel1: [0.1, 3.05, 6] as Spread,
  /**
   * A LoRA adapter swapped onto a warm base model: 3 s, down from a 25 s
   * warm-up of a model of its own (Hugging Face, "Goodbye cold boot - how we
   * made LoRA Inference 300% faster", 2023, A10G). No published vLLM figure.
   */
  adapterLoad: [1, 3, 6] as Spread,
} as const;

/**
 * Hugging Face Hub download rate of one file, bytes/s. `snapshot_download`, which vLLM and every
 * loader the library writes call with its defaults, fetches 8 files at once, one connection each
 * (huggingface_hub `_snapshot_download.py`, `max_workers=8`), so a checkpoint of few shards cannot
 * fill the link: 16 GB in 4 files took 61 s (tensorfuse-*: 65 MB/s a file), 29.4 GB in 6 files
 * 113 s (aks-phi4-*: 43 MB/s), 141-470 GB 8 files at a time 196-724 s (anyscale-*: 81-86 MB/s).
 * Unauthenticated or throttled downloads are far slower (4.6 MB/s for Mistral-7B AWQ, FACTS).
 */
const HUB_PER_FILE: Spread = [90 * MB, 65 * MB, 25 * MB];
const HUB_PARALLEL_FILES = 8;
/** transformers' `save_pretrained` shards a checkpoint into files of at most 5 GB (`max_shard_size`). */
const HUB_SHARD_BYTES = 5 * GB;

/**
 * The Hub's rate for a checkpoint of this size: one connection per 5 GB shard, up to 8. Shards are
 * counted as a fraction, so that the time grows with the size (up to 40 GB it is one full shard's).
 * @internal
 */
export function hubLink(weightBytes: number, c: Scenario): number {
  const files = Math.min(HUB_PARALLEL_FILES, Math.max(1, weightBytes / HUB_SHARD_BYTES));
  return HUB_PER_FILE[c] * files;
}

/** @internal */
export const WEIGHTS = {
  /** Link bandwidth of each weight path, bytes/s, before the loader's own limits; the Hub's depends on the checkpoint (hubLink). */
  link: {
    // Registry pull of a modelcar: like the engine image.
    [WeightPath.OCI_MODELCAR]: [240 * MB, 160 * MB, 90 * MB],
    // Generic NFS: like EFS.
    [WeightPath.SHARED_VOLUME]: [1.5 * GB, 400 * MB, 100 * MB],
    // S3/GCS/Blob to one node: ~6 GB/s on p5 (anyscale-*), 1.9-4.4 GB/s on p5 (aws-tns-*), 3.5 GiB/s on g5 (Run:ai
    // benchmark), ~2.9 GB/s from Azure premium blob (aks-phi4-*), ~1 GB/s (FACTS).
    [WeightPath.OBJECT_STORAGE]: [7 * GB, 3.5 * GB, 1.5 * GB],
    // Local NVMe: 2-7 GB/s per device.
    [WeightPath.LOCAL_NVME]: [25 * GB, 6 * GB, 2 * GB],
    [WeightPath.PAGE_CACHE]: [40 * GB, 20 * GB, 10 * GB],
    // EFS ~100-200 MB/s per client (FACTS), elastic throughput up to 1.5 GB/s.
    [WeightPath.EFS]: [1.5 * GB, 500 * MB, 150 * MB],
    // FSx for Lustre: as provisioned (per-TiB rate x capacity); ~1 GB/s for a small file system.
    [WeightPath.FSX_LUSTRE]: [2 * GB, 1 * GB, 0.5 * GB],
    [WeightPath.MOUNTPOINT_S3]: [3 * GB, 1 * GB, 0.5 * GB],
    // Hyperdisk ML provisioned at 2400 MiB/s (the library's StorageClass value).
    [WeightPath.HYPERDISK_ML]: [2400 * 1024 ** 2, 2400 * 1024 ** 2 * 0.9, 2400 * 1024 ** 2 * 0.6],
    // GCS FUSE with its file cache: 16 GB in 77-137 s by the default loader (gke-gemma7b-*), 141 GB in ~40 s at
    // TP=8 with parallel downloads (gke-gcsfuse-llama70b-*-tuned); FACTS: Hyperdisk ML loads ~11.9x faster.
    [WeightPath.GCS_FUSE]: [4 * GB, 400 * MB, 100 * MB],
    // gp3 at the source's default 1,000 MiB/s, read at 60-100% of it (see WeightStorage); the source states its own volume.
    [WeightPath.EBS_SNAPSHOT]: [1000 * 1024 ** 2, 1000 * 1024 ** 2 * 0.9, 1000 * 1024 ** 2 * 0.6],
  } as Record<Exclude<WeightPath, WeightPath.HF_HUB>, Spread>,
  /** What sits under each path when `estimate.storage` does not say. */
  medium: {
    [WeightPath.OCI_MODELCAR]: StorageMedium.LOCAL_SSD,
    [WeightPath.HF_HUB]: StorageMedium.PAGE_CACHE,
    [WeightPath.SHARED_VOLUME]: StorageMedium.NETWORK_FILE_SYSTEM,
    [WeightPath.OBJECT_STORAGE]: StorageMedium.OBJECT_STORE,
    [WeightPath.LOCAL_NVME]: StorageMedium.LOCAL_SSD,
    [WeightPath.PAGE_CACHE]: StorageMedium.PAGE_CACHE,
    [WeightPath.EFS]: StorageMedium.NETWORK_FILE_SYSTEM,
    [WeightPath.FSX_LUSTRE]: StorageMedium.PARALLEL_FILE_SYSTEM,
    [WeightPath.MOUNTPOINT_S3]: StorageMedium.OBJECT_STORE,
    [WeightPath.HYPERDISK_ML]: StorageMedium.BLOCK_DISK,
    [WeightPath.GCS_FUSE]: StorageMedium.NETWORK_FILE_SYSTEM,
    [WeightPath.EBS_SNAPSHOT]: StorageMedium.BLOCK_DISK,
  } as Record<WeightPath, StorageMedium>,
  /**
   * The default (safetensors, mmap) loader, bytes/s per rank: ~0.54 GB/s from a
   * local NVMe with a cold page cache (upb-*: 0.5-13B, all 0.54), ~0.32 GB/s
   * from gp3 and io2 (Run:ai benchmark: 15 GB in 47-48 s whatever the disk's
   * rate), ~8 GB/s from the page cache (upb-* warm: 7-8 GB/s at TP=1;
   * anyscale-*: 8.5 GB/s at TP=4 after the download).
   */
  defaultLoaderPerRank: {
    [StorageMedium.BLOCK_DISK]: [0.6 * GB, 0.25 * GB, 0.15 * GB],
    [StorageMedium.NETWORK_FILE_SYSTEM]: [1 * GB, 0.3 * GB, 0.1 * GB],
    [StorageMedium.PARALLEL_FILE_SYSTEM]: [1.5 * GB, 0.6 * GB, 0.3 * GB],
    [StorageMedium.LOCAL_SSD]: [2 * GB, 0.65 * GB, 0.45 * GB],
    [StorageMedium.PAGE_CACHE]: [9 * GB, 7 * GB, 3 * GB],
    [StorageMedium.OBJECT_STORE]: [0.5 * GB, 0.2 * GB, 0.1 * GB],
  } as Record<StorageMedium, Spread>,
  /**
   * Ranks do not add their copy rates: from the page cache 8.5 GB/s at TP=4 and
   * 14.4 GB/s at TP=8 against 7-8 GB/s at TP=1 (anyscale-*, upb-*), from NVMe
   * 1.12x at TP=2 (vllm PR 10647): the pod's rate grows as ranks^exponent.
   */
  defaultLoaderRankExponent: {
    [StorageMedium.BLOCK_DISK]: 0.5,
    [StorageMedium.NETWORK_FILE_SYSTEM]: 0.5,
    [StorageMedium.PARALLEL_FILE_SYSTEM]: 0.5,
    [StorageMedium.LOCAL_SSD]: 0.5,
    [StorageMedium.PAGE_CACHE]: 0.3,
    [StorageMedium.OBJECT_STORE]: 0.5,
  } as Record<StorageMedium, number>,
  /**
   * Share of a link the default loader's page faults reach: EFS at ~150 MB/s
   * read 3.9 GB in 60-90 s (~0.29 of it); a block device's read-ahead gets
   * close to its rate; memory is never the limit.
   */
  defaultLoaderEfficiency: {
    [StorageMedium.BLOCK_DISK]: [1, 1, 0.6],
    [StorageMedium.NETWORK_FILE_SYSTEM]: [0.6, 0.45, 0.25],
    [StorageMedium.PARALLEL_FILE_SYSTEM]: [0.9, 0.6, 0.4],
    [StorageMedium.LOCAL_SSD]: [1, 0.9, 0.7],
    [StorageMedium.PAGE_CACHE]: [1, 1, 1],
    [StorageMedium.OBJECT_STORE]: [0.5, 0.3, 0.15],
  } as Record<StorageMedium, Spread>,
  /**
   * A sync tool (aws s3 cp/sync, gsutil, KServe's storage initializer) into a
   * pod volume, bytes/s: 22.3 GiB in 125 s (dataoneks-gemma4-*), far below
   * the streamer's parallel reads of the same bucket.
   */
  syncLink: [600 * MB, 200 * MB, 80 * MB] as Spread,
  /**
   * Run:ai streamer per rank: ~4.3 GB/s from NVMe (third party, FACTS); it
   * reached the disk's rate on gp3 and io2 (Run:ai benchmark); 6 GB/s from S3 at
   * TP=4 on p5 (anyscale-*).
   */
  streamerPerRank: [6 * GB, 4.3 * GB, 2.5 * GB] as Spread,
  /**
   * What one streamer thread reads from a disk or file system, bytes/s: 15 GB with one thread in 47.6 s
   * from gp3 and 43.7 s from io2, with four in 11.2 s from io2 (Run:ai benchmark: 315-343 MB/s a
   * thread), so a few threads fill a disk. From an object store a thread gets a share of the link
   * instead (referenceConcurrency): the same benchmark reads S3 at 3 GB/s with 32 threads.
   */
  streamerPerThread: [400 * MB, 330 * MB, 250 * MB] as Spread,
  /**
   * fastsafetensors per rank: 13.5 GB in 3.67 s and 26 GB in 6.88 s on one
   * A100 from NVMe (vllm PR 10647), 700 GB in 25 s on 8 MI300X (EmbeddedLLM).
   */
  fastLoaderPerRank: [5 * GB, 3.7 * GB, 2.5 * GB] as Spread,
  /**
   * fastsafetensors with GPUDirect Storage, per rank: 26.4 GB/s for Llama-70B
   * on four GPUs from NVMe (Yoshimura et al., CLOUD 2025, as its README cites).
   */
  fastLoaderGdsPerRank: [8 * GB, 6.6 * GB, 4 * GB] as Spread,
  /** A loader that reads with several threads (fastsafetensors) reaches most of the link. */
  fastLoaderEfficiency: [1, 0.85, 0.6] as Spread,
} as const;

/** The runtime terms in one case. @internal */
export function runtimeSeconds(facts: ColdStartFacts, shape: ModelShape, engine: EngineGeneration, c: Scenario): RuntimeTerms {
  const r = RUNTIME;
  const doublings = Math.log2(shape.tensorParallel * shape.pipelineParallel);
  // API server, engine core, and one worker per GPU when there is more than one.
  const processes = 2 + (shape.tensorParallel * shape.pipelineParallel > 1 ? shape.tensorParallel * shape.pipelineParallel : 0);
  const cpu = Math.max(1, processes / Math.max(shape.podCpus, 0.1)) ** r.cpuExponent;
  const lazy = facts.imageArrival === ImageArrival.STREAMED || facts.imageArrival === ImageArrival.SNAPSHOT;
  const node = lazy ? r.lazyImageFactor[c] : facts.capacityArrival === CapacityArrival.COLD_NODE ? r.coldNodeFactor[c] : 1;
  const processStart = r.processStart[c] * (1 + r.processStartPerDoubling[c] * doublings) * cpu * node;

  const billionsPerGpu = shape.parameters / 1e9 / (shape.tensorParallel * shape.pipelineParallel);
  const engineInit = r.engineInitBase[c] + r.engineInitPerBillionPerGpu[c] * billionsPerGpu + r.engineInitPerDoubling[c] * doublings;

  const optimized = !facts.eager && facts.compile;
  const layersPerStage = shape.layers / shape.pipelineParallel;
  // Each rank compiles on its own core: fewer cores than ranks serialize them.
  const compileCpu = Math.max(1, (shape.tensorParallel * shape.pipelineParallel) / Math.max(shape.podCpus, 0.1));
  const compileScale = (1 + r.compilePerDoubling[c] * doublings) * compileCpu;
  const compile = !optimized || engine === EngineGeneration.V0 ? 0
    : facts.persistentCompileCache || facts.compileCacheSeeded
      ? (r.compileCachedBase[c] + r.compileCachedPerLayer[c] * layersPerStage) * compileCpu
      : (r.compileBase[c] + r.compilePerLayer[c] * layersPerStage) * compileScale;
  const graphCapture = optimized
    ? shape.captureSizes * r.graphPerSizePer32Layers[c] * (layersPerStage / 32) * (1 + r.graphPerDoubling[c] * doublings)
    : 0;
  return { processStart, engineInit, compile, graphCapture, warmup: facts.warmup ? r.warmup[c] : 0 };
}
