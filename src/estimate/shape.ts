import { readArgv } from '../private/vllm-argv';

/**
 * What the runtime terms scale with, read from the model's configuration.
 * @internal
 */
export interface ModelShape {
  /** Parameters (a count, not billions). */
  readonly parameters: number;
  /** Transformer layers. */
  readonly layers: number;
  /** `--tensor-parallel-size`. */
  readonly tensorParallel: number;
  /** `--pipeline-parallel-size`. */
  readonly pipelineParallel: number;
  /** CPU cores the pod requests. */
  readonly podCpus: number;
  /** Batch sizes vLLM captures a CUDA graph for. */
  readonly captureSizes: number;
}

/**
 * Layers of dense decoder models by size, from their published configs
 * (`num_hidden_layers`): Qwen2.5-0.5B 24, Llama-3.2-1B 16, Qwen2.5-1.5B 28,
 * Llama-3.2-3B 28, Llama-3.1-8B 32, Qwen2.5-14B 48, Qwen2.5-32B 64,
 * Llama-3.1-70B 80, Llama-3.1-405B 126. Interpolated in log(parameters).
 */
const LAYERS_BY_BILLIONS: ReadonlyArray<readonly [number, number]> = [
  [0.5, 24], [1.5, 28], [8, 32], [14, 48], [32, 64], [70, 80], [405, 126],
];

/** Layers of a model of this many parameters when its config is not given. @internal */
export function layersFor(parameters: number): number {
  const b = parameters / 1e9;
  const t = LAYERS_BY_BILLIONS;
  if (b <= t[0][0]) return t[0][1];
  for (let i = 1; i < t.length; i++) {
    if (b <= t[i][0]) {
      const f = (Math.log(b) - Math.log(t[i - 1][0])) / (Math.log(t[i][0]) - Math.log(t[i - 1][0]));
      return Math.round(t[i - 1][1] + f * (t[i][1] - t[i - 1][1]));
    }
  }
  return t[t.length - 1][1];
}

/**
 * vLLM v0.10's default: `--cuda-graph-sizes` is `[min(2 x max_num_seqs, 512)]`
 * (vllm/config SchedulerConfig), and one size N means `[1, 2, 4]` plus every
 * multiple of 8 up to N. `max_num_seqs` defaults to 256 or more on GPUs, so 67.
 */
const DEFAULT_MAX_NUM_SEQS = 256;

/** Capture sizes from the engine's args: `--cuda-graph-sizes`, else `--max-num-seqs`. @internal */
export function captureSizesOf(argv: readonly string[]): number {
  let sizes: number[] | undefined;
  let maxSeqs = DEFAULT_MAX_NUM_SEQS;
  for (const f of readArgv(argv)) {
    if (f.name === '--cuda-graph-sizes' && typeof f.value === 'string') {
      const list = f.value.split(/[\s,]+/).map(Number).filter(n => Number.isInteger(n) && n > 0);
      if (list.length) sizes = list;
    }
    if (f.name === '--max-num-seqs' && typeof f.value === 'string' && Number(f.value) > 0) maxSeqs = Math.floor(Number(f.value));
  }
  const list = sizes ?? [Math.min(2 * maxSeqs, 512)];
  if (list.length > 1) return list.length;
  return 3 + Math.floor(list[0] / 8);
}

/** Parameters when only the bytes are known: 16-bit weights, the common case. @internal */
export function parametersFromBytes(bytes: number): number {
  return bytes / 2;
}
