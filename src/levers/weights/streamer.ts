import { Size } from 'cdk8s';
import { Facts, PodWriter } from '../../blueprint';
import { fail } from '../../private/errors';
import { STREAMER_PURPOSE, streamerBufferBytes } from '../../private/memory-budget';
import { GIB } from '../../private/quantity';
import { bytesIn, positiveBytes } from '../../private/size';

/**
 * Settings of the Run:ai model streamer (`--load-format runai_streamer`), which
 * reads tensors concurrently and overlaps reading with the copy to the GPU.
 */
export interface StreamerOptions {
  /**
   * Reader threads (`concurrency` in `--model-loader-extra-config`).
   * @default 16 (the streamer's own default for file systems)
   */
  readonly concurrency?: number;

  /**
   * Host RAM the streamer may buffer (`memory_limit`). The buffer is
   * min(limit, weight bytes) and counts against the pod memory limit; the
   * streamer's own default is 40 GB, which silently inflates a pod, so this is
   * always set explicitly.
   * @default - the model size, capped at 4 GiB
   */
  readonly memoryLimit?: Size;
}

const DEFAULT_CONCURRENCY = 16;
const DEFAULT_BUFFER_CAP = 4 * GIB;

/**
 * Checked when the weight source's factory is called: the settings depend on
 * nothing else.
 * @internal
 */
export function checkStreamer(factory: string, options: StreamerOptions = {}): void {
  // jsii callers can pass anything: null means the defaults, but a string or a list has no settings to read.
  options = options ?? {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    fail(factory, 'CS-IN-005', 'the streamer options are not an options object', 'pass { concurrency, memoryLimit }, or leave them out for the defaults');
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    fail(factory, 'CS-IN-005', `streamer concurrency ${concurrency} is not an integer in [1, 256]`, 'use 16 for local or network file systems, 8 for object storage');
  }
  if (options.memoryLimit !== undefined) positiveBytes('streamer memory limit', options.memoryLimit, (p, x) => fail(factory, 'CS-IN-005', p, x), 'Size.gibibytes(4)');
}

/**
 * Concurrency and buffer bytes with their defaults; `readBytes` is what one
 * rank reads (the whole model, or its share of a sharded checkpoint).
 * @internal
 */
export function streamerSettings(readBytes: number, options: StreamerOptions = {}): { concurrency: number; memoryLimit: number } {
  return {
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    memoryLimit: options.memoryLimit ? bytesIn(options.memoryLimit) : Math.min(Math.ceil(readBytes), DEFAULT_BUFFER_CAP),
  };
}

/**
 * Points vLLM at the streamer with explicit concurrency and memory limit, and
 * charges its CPU buffer to the pod memory budget, once per tensor-parallel
 * rank: every rank's loader opens its own streamer with its own buffer.
 * @internal
 */
export function applyStreamer(pod: PodWriter, modelBytes: number, ranks: number, options: StreamerOptions = {}): void {
  const { concurrency, memoryLimit: limit } = streamerSettings(modelBytes, options);
  pod.arg('--load-format', 'runai_streamer');
  // vLLM parses these as ints: bytes, not a quantity string.
  pod.arg('--model-loader-extra-config', JSON.stringify({ concurrency, memory_limit: limit }));
  pod.set(Facts.STREAMER_CONCURRENCY, concurrency);
  pod.set(Facts.STREAMER_RANKS, ranks);
  pod.memory(STREAMER_PURPOSE, streamerBufferBytes(limit, ranks));
}
