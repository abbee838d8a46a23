import { ImageArrival, CapacityArrival, LoaderFact, WeightPath } from '../estimate/paths';
import type { WeightStorage } from '../estimate/storage';

/**
 * The levers, in the order the model runs them. A lever may read a fact of a
 * lever before it in the same pass, or of any lever in a later pass.
 * @internal
 */
export enum LeverKind {
  CAPACITY = 'capacity',
  WEIGHTS = 'weights',
  IMAGE = 'image',
  RUNTIME = 'runtime',
}

/**
 * The two lever passes. `contribute` writes the pod; `complete` writes side
 * objects that mirror the finished pod (a DaemonSet on the same nodes) and
 * what depends on the cold-start estimate, which is computed between them.
 * @internal
 */
export enum Pass {
  CONTRIBUTE = 'contribute',
  COMPLETE = 'complete',
}

/**
 * A named value one lever tells the others (or the backend, or the estimate).
 * Its owner writes it at most once, in its pass; it becomes readable once the
 * owner has finished that pass, and reading it earlier throws, so an ordering
 * mistake between levers fails loudly instead of reading a stale default.
 * @internal
 */
export class FactKey<T> {
  /** `owner/pass`, what the blueprint records a finished pass as (built once: a model reads dozens of facts). */
  public readonly stage: string;

  constructor(
    /** Name in messages. */
    public readonly name: string,
    /** The only lever that writes it. */
    public readonly owner: LeverKind,
    /** The pass in which the owner writes it. */
    public readonly pass: Pass,
    /** What a reader gets when the owner did not write it; `required` means the owner must. */
    public readonly fallback: { readonly value: T } | 'required',
  ) {
    this.stage = stageOf(owner, pass);
  }
}

/** How the blueprint names one lever's pass. @internal */
export function stageOf(owner: LeverKind, pass: Pass): string {
  return `${owner}/${pass}`;
}

const optional = <T>(value: T) => ({ value });

/** A download a brand-new node pays before the engine reads the weights. @internal */
export interface NewNodeDownload {
  /** The link the download crosses (Hub or object storage). */
  readonly path: WeightPath;
  /** Seconds the pod waits for the node's own copy before it downloads. */
  readonly waitSeconds: number;
}

/**
 * Every fact levers share. Reading one is a dependency on its owner, checked
 * at run time by the blueprint.
 * @internal
 */
export const Facts = {
  /** Directory (or URI) the engine's `--model` points at. Weights -> runtime. */
  MODEL_PATH: new FactKey<string>('modelPath', LeverKind.WEIGHTS, Pass.CONTRIBUTE, 'required'),
  /** KServe `STORAGE_URI` (modelcar, LocalModelCache). Weights -> image pull (pre-pull the modelcar), backends. */
  STORAGE_URI: new FactKey<string | undefined>('storageUri', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /** How the weights reach the engine at wake. Weights -> estimate. */
  WEIGHT_PATH: new FactKey<WeightPath>('weightPath', LeverKind.WEIGHTS, Pass.CONTRIBUTE, 'required'),
  /** Labels the GPU nodes must carry for the weight source (KServe's local-model agent). Weights -> capacity (ComputeClass, NodePool). */
  NODE_LABELS: new FactKey<Readonly<Record<string, string>>>('nodeLabels', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional({})),
  /** Run:ai streamer concurrency, when the engine streams. Weights -> estimate. */
  STREAMER_CONCURRENCY: new FactKey<number | undefined>('streamerConcurrency', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /**
   * Why the engine must keep the image's root user to read the weights (their
   * owner and mode, or the uid, are set outside the pod), if it must. Weights -> backends.
   */
  ENGINE_ROOT_REASON: new FactKey<string | undefined>('engineRootReason', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /**
   * The weights sit in a pruned hostPath cache: its size bound, and whether a
   * prefetch DaemonSet (not the pod) downloads. Weights -> estimate report (a
   * held node's first wake after a revision change or a prune downloads first).
   */
  HOST_CACHE: new FactKey<HostCacheFact | undefined>('hostCache', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /** Tensor-parallel ranks, each streaming every weight file itself (non-distributed streamer). Weights -> estimate. */
  STREAMER_RANKS: new FactKey<number>('streamerRanks', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(1)),
  /**
   * Where a node-local cache (hostPath, prefetch, LocalModelCache) downloads
   * the weights from: a brand-new node has to fetch them before the engine
   * can read them. Weights -> estimate.
   */
  WEIGHT_FETCH_ORIGIN: new FactKey<WeightPath | undefined>('weightFetchOrigin', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /**
   * A node the wake provisions has no copy of the weights yet (KServe's LocalModelCache fills each node as it
   * joins): the link its download crosses, and what the pod waits before fetching. Weights -> estimate.
   */
  NEW_NODE_DOWNLOAD: new FactKey<NewNodeDownload | undefined>('newNodeDownload', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /** The loader, when it is neither the streamer (told by STREAMER_CONCURRENCY) nor vLLM's default. Weights -> estimate. */
  WEIGHT_LOADER: new FactKey<LoaderFact>('weightLoader', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(LoaderFact.DEFAULT)),
  /** Tensor-parallel ranks each reading a disjoint share of the weights at once (sharded state, fastsafetensors). Weights -> estimate. */
  LOADER_RANKS: new FactKey<number | undefined>('loaderRanks', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /** An EBS volume every new node restores from a snapshot and mounts for the weights. Weights -> capacity (EC2NodeClass). */
  NODE_WEIGHT_VOLUME: new FactKey<NodeWeightVolume | undefined>('nodeWeightVolume', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /** The storage under the weight path when the source knows it (its own volume's type and throughput). Weights -> estimate. */
  WEIGHT_STORAGE: new FactKey<WeightStorage | undefined>('weightStorage', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /** Bytes/s a volume on a brand-new node can deliver while it is still being filled from its snapshot. Weights -> estimate. */
  NEW_NODE_READ_LIMIT: new FactKey<number | undefined>('newNodeReadLimit', LeverKind.WEIGHTS, Pass.CONTRIBUTE, optional(undefined)),
  /** The pod has a nodeSelector (GPU labels, compute class, NodePool). Capacity -> image pull (a DaemonSet needs one). */
  NODES_SELECTED: new FactKey<boolean>('nodesSelected', LeverKind.CAPACITY, Pass.CONTRIBUTE, optional(false)),
  /** Scheduled pre-warm and the GPU-hours it holds. Capacity -> the cold-start report. */
  PRE_WARM: new FactKey<PreWarmFacts | undefined>('preWarm', LeverKind.CAPACITY, Pass.CONTRIBUTE, optional(undefined)),
  /** How the GPU node arrives. Capacity -> image pull (pre-pulled on a held node), estimate. */
  CAPACITY_ARRIVAL: new FactKey<CapacityArrival>('capacityArrival', LeverKind.CAPACITY, Pass.CONTRIBUTE, optional(CapacityArrival.COLD_NODE)),
  /** The GPU node comes from a capacity reservation (ComputeClass or EC2NodeClass). Capacity -> estimate (report). */
  CAPACITY_RESERVED: new FactKey<boolean>('capacityReserved', LeverKind.CAPACITY, Pass.CONTRIBUTE, optional(false)),
  /** Node-level image settings. Image pull -> capacity (ComputeClass, EC2NodeClass render them). */
  NODE_IMAGE: new FactKey<NodeImageCache>('nodeImage', LeverKind.IMAGE, Pass.CONTRIBUTE, optional({ imageStreaming: false, secondaryBootDisks: [] })),
  /** A fresh node pulls with SOCI parallel pull-and-unpack. Image pull -> estimate. */
  PARALLEL_PULL: new FactKey<boolean>('parallelPull', LeverKind.IMAGE, Pass.CONTRIBUTE, optional(false)),
  /** How the engine image arrives. Image pull -> estimate. */
  IMAGE_ARRIVAL: new FactKey<ImageArrival>('imageArrival', LeverKind.IMAGE, Pass.CONTRIBUTE, optional(ImageArrival.REGISTRY)),
  /** The pre-pull DaemonSet runs on the pod's nodes, whether or not a wake's node existed before it. Image pull -> estimate (the report suggests no pre-pull then). */
  PRE_PULL: new FactKey<boolean>('prePull', LeverKind.IMAGE, Pass.CONTRIBUTE, optional(false)),
  /** The modelcar (`oci://` storage URI) is on the node before the wake: pre-pulled onto a node a warm buffer held. Image pull -> estimate. */
  MODELCAR_PRE_PULLED: new FactKey<boolean>('modelcarPrePulled', LeverKind.IMAGE, Pass.CONTRIBUTE, optional(false)),
  /** `--enforce-eager`. Runtime -> estimate. */
  EAGER: new FactKey<boolean>('eager', LeverKind.RUNTIME, Pass.CONTRIBUTE, optional(false)),
  /** False with `-O0` (no torch.compile, no CUDA graphs). Runtime -> estimate. */
  COMPILE: new FactKey<boolean>('compile', LeverKind.RUNTIME, Pass.CONTRIBUTE, optional(true)),
  /** The engine cache (HOME) survives the pod. Runtime -> estimate. */
  PERSISTENT_COMPILE_CACHE: new FactKey<boolean>('persistentCompileCache', LeverKind.RUNTIME, Pass.CONTRIBUTE, optional(false)),
  /** A one-time Job fills the compile cache with the model's exact engine config before the first wake. Runtime -> estimate. */
  COMPILE_CACHE_SEEDED: new FactKey<boolean>('compileCacheSeeded', LeverKind.RUNTIME, Pass.CONTRIBUTE, optional(false)),
  /** One completion runs before Ready. Runtime -> estimate. */
  WARMUP: new FactKey<boolean>('warmup', LeverKind.RUNTIME, Pass.CONTRIBUTE, optional(false)),
  /** `--enable-sleep-mode`. Runtime -> estimate. */
  SLEEP_MODE: new FactKey<boolean>('sleepMode', LeverKind.RUNTIME, Pass.CONTRIBUTE, optional(false)),
  /** `--enable-lora` with adapters on a volume: a new fine-tune is an adapter load, not a cold start. Runtime -> estimate. */
  LORA_ADAPTERS: new FactKey<boolean>('loraAdapters', LeverKind.RUNTIME, Pass.CONTRIBUTE, optional(false)),
  /** False when a sidecar (sleep mode's proxy) owns the public port. Runtime -> backends. */
  ENGINE_SERVES_PORT: new FactKey<boolean>('engineServesPort', LeverKind.RUNTIME, Pass.CONTRIBUTE, optional(true)),
  /** The user asked for the engine to run as root (runtime.runAsRoot). Runtime -> backends. */
  ENGINE_RUNS_AS_ROOT: new FactKey<boolean>('engineRunsAsRoot', LeverKind.RUNTIME, Pass.CONTRIBUTE, optional(false)),
};

/** Where the node mounts the weights volume it restores from a snapshot, and how it is provisioned. @internal */
export interface NodeWeightVolume {
  readonly snapshotId: string;
  /** The block device Karpenter attaches it as. */
  readonly deviceName: string;
  /** Node directory a bootstrap container mounts the volume on, read-only, before the kubelet starts. */
  readonly hostPath: string;
  /** Karpenter quantity (`<n>Gi`), or undefined for the snapshot's size. */
  readonly volumeSize?: string;
  readonly throughputMiBps: number;
  readonly iops: number;
  /** EBS Provisioned Rate for Volume Initialization, unless the snapshot is fast-restored. */
  readonly initializationRateMiBps?: number;
}

/** SOCI parallel pull settings, rendered as Bottlerocket user data. @internal */
export interface SociParallelPull {
  readonly maxConcurrentDownloadsPerImage: number;
  /** Whole MiB. */
  readonly chunkMebibytes: number;
  readonly maxConcurrentUnpacksPerImage: number;
  readonly discardUnpackedLayers: boolean;
}

/** A hostPath cache the weights are read from. @internal */
export interface HostCacheFact {
  readonly limitBytes: number;
  readonly prefetch: boolean;
}

/**
 * What the image-pull lever asks of the nodes (not of the pod): the node
 * provisioner's objects (GKE ComputeClass, Karpenter EC2NodeClass) render it.
 * @internal
 */
export interface NodeImageCache {
  /** GKE image streaming. */
  readonly imageStreaming: boolean;
  /** GKE secondary boot disks in CONTAINER_IMAGE_CACHE mode. */
  readonly secondaryBootDisks: ReadonlyArray<{ readonly diskImageName: string; readonly project?: string }>;
  /** Bottlerocket SOCI parallel pull-and-unpack settings, resolved. */
  readonly parallelPull?: SociParallelPull;
  /** EBS snapshot the Bottlerocket data volume starts from. */
  readonly dataVolumeSnapshotId?: string;
  /** Size of that data volume (a Karpenter quantity, e.g. `200Gi`). */
  readonly dataVolumeSize?: string;
}

/**
 * A pre-warm schedule in the report's terms: what each window holds above the
 * configuration without it, and the GPU-hours that costs.
 * @internal
 */
export interface PreWarmFacts {
  readonly timeZone: string;
  readonly windows: ReadonlyArray<{
    readonly start: string;
    readonly end: string;
    /** Replica floor in the window, if it raises it. */
    readonly replicas?: number;
    /** Warm-buffer copies in the window, if it raises them. */
    readonly warmNodes?: number;
    /** Hours a week the window is open (52-week average, wall clock). */
    readonly hoursPerWeek: number;
    /** GPU-hours a week this window alone holds above the floor and the buffer. */
    readonly gpuHoursPerWeek: number;
  }>;
  /** The floor and the buffer outside the windows. */
  readonly minReplicas: number;
  readonly bufferReplicas: number;
  /** GPUs per replica (and per buffer copy). */
  readonly gpusPerCopy: number;
  /** GPU-hours a week all windows hold (overlaps counted once, at the larger target). */
  readonly gpuHoursPerWeek: number;
}
