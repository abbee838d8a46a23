/**
 * How a toleration matches a taint.
 */
export enum TolerationOperator {
  /** Any value of the key. */
  EXISTS = 'Exists',
  /** Only the given value. */
  EQUAL = 'Equal',
}

/**
 * The taint effect a toleration tolerates.
 */
export enum TolerationEffect {
  /** `NoSchedule`. */
  NO_SCHEDULE = 'NoSchedule',
  /** `PreferNoSchedule`. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** `NoExecute`. */
  NO_EXECUTE = 'NoExecute',
}

/**
 * A toleration for the taints of GPU nodes.
 */
export interface GpuToleration {
  /** Taint key, e.g. `nvidia.com/gpu`. */
  readonly key: string;
  /**
   * How the value matches.
   * @default TolerationOperator.EXISTS
   */
  readonly operator?: TolerationOperator;
  /**
   * Taint value (only with `EQUAL`).
   * @default - none
   */
  readonly value?: string;
  /**
   * Effect tolerated.
   * @default - every effect
   */
  readonly effect?: TolerationEffect;
}

/**
 * The GPU shape of one model replica.
 */
export interface GpuOptions {
  /**
   * GPUs per replica; vLLM runs tensor parallel across them.
   */
  readonly count: number;

  /**
   * Extended resource name of the GPU.
   * @default 'nvidia.com/gpu'
   */
  readonly resourceName?: string;

  /**
   * Node labels that select the GPU nodes, e.g.
   * `{ 'nvidia.com/gpu.product': 'NVIDIA-L4' }`.
   * @default - no node selector
   */
  readonly nodeSelector?: { [key: string]: string };

  /**
   * Tolerations for the GPU nodes' taints.
   * @default - tolerate `nvidia.com/gpu` (any value, NoSchedule), the taint GPU node pools carry
   */
  readonly tolerations?: GpuToleration[];

  /**
   * Accept a toleration with an empty key and operator `Exists`. It tolerates
   * every taint, the control plane's and `NoExecute` evictions included, and
   * the model's node-level helpers (pre-pull, prefetch) copy it.
   * @default false - such a toleration is refused
   */
  readonly tolerateEveryTaint?: boolean;
}
