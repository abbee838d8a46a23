import { Duration, Size } from 'cdk8s';
import { BeforeSetup } from './before';
import { WeightPath } from './paths';
import { WeightStorage } from './storage';

/**
 * A measured or provisioned bandwidth for one weight path, replacing the
 * estimate's default for it.
 */
export interface BandwidthOverride {
  /** The path this bandwidth applies to. */
  readonly path: WeightPath;
  /** Bytes per second the link delivers (e.g. `Size.mebibytes(2400)` for 2400 MiB/s). */
  readonly perSecond: Size;
}

/**
 * Inputs of the cold-start estimate that the library cannot know from the
 * model's configuration: measured bandwidths, the engine image size, the
 * cluster's node provisioning time.
 */
export interface EstimateOptions {
  /**
   * Link bandwidths that replace the defaults for these weight paths.
   * @default - the published figures (see the README's "Cold-start estimate")
   */
  readonly bandwidths?: BandwidthOverride[];

  /**
   * Compressed size of the engine image.
   * @default - 12 GB, the vLLM image compressed
   */
  readonly imageSize?: Size;

  /**
   * Time to get a new GPU node when the pool is empty, until its GPUs are allocatable.
   * @default Duration.seconds(100)
   */
  readonly nodeProvisioning?: Duration;

  /**
   * What sits under the weight path the engine reads (disk type and size,
   * file system, page cache): its throughput and the loader's efficiency on
   * it. A `bandwidths` entry for the same path wins over it.
   * @default - the path's default (see the README's "Cold-start estimate")
   */
  readonly storage?: WeightStorage;

  /**
   * The setup you run today, estimated next to this one: the report shows
   * both, lever by lever.
   * @default - no comparison
   */
  readonly before?: BeforeSetup;

  /**
   * Transformer layers of the model (`num_hidden_layers` in its config):
   * compile and CUDA graph capture scale with them.
   * @default - from the parameter count of dense models of that size
   */
  readonly layers?: number;
}

/**
 * Seconds of one lever (or the total) in the fast, expected and slow cases:
 * each case takes the same end of every coefficient's published spread.
 */
export interface SecondsRange {
  /** The fast end. */
  readonly low: number;
  /** The expected value. */
  readonly expected: number;
  /** The slow end: budgets and deadlines are sized from it. */
  readonly high: number;
}

/**
 * The cold-start estimate of one model, seconds per lever. Image pull and
 * node 0->1 happen before the container starts; the startup probe covers
 * only weight load + runtime.
 */
export interface ColdStartEstimate {
  /** Lever 1: getting the weights into the engine. */
  readonly weightLoadSeconds: number;
  /** Lever 2: the engine image onto the node. */
  readonly imagePullSeconds: number;
  /** Lever 3: a GPU node for the pod. */
  readonly nodeCapacitySeconds: number;
  /** Lever 4: process start, engine init, compile and graph capture, warmup. */
  readonly runtimeSeconds: number;
  /** Container start -> `/health`: weight load + runtime (what the startup probe must allow). */
  readonly startupSeconds: number;
  /** All four levers. */
  readonly totalSeconds: number;
  /** Weight bytes / slowest link + fixed engine init: no configuration of this path can start faster. */
  readonly physicalLimitSeconds: number;
  /** The slowest link of the weight path, bytes per second. */
  readonly slowestLinkBytesPerSecond: number;
  /** Weight load, fast to slow. */
  readonly weightLoadRange: SecondsRange;
  /** Image pull, fast to slow. */
  readonly imagePullRange: SecondsRange;
  /** Node 0->1, fast to slow. */
  readonly nodeCapacityRange: SecondsRange;
  /** Runtime, fast to slow. */
  readonly runtimeRange: SecondsRange;
  /** Container start -> `/health`, fast to slow: the startup probe is sized from `high`. */
  readonly startupRange: SecondsRange;
  /** All four levers, fast to slow. */
  readonly totalRange: SecondsRange;
}
