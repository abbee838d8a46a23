import { bytesToQuantity, GIB } from './quantity';

/**
 * The pod memory math, shared by the construction check (the model) and rule
 * CS-SHM-002 (any object), so both hold a pod to the same need. A Memory
 * emptyDir counts against the container's memory limit, and so does the Run:ai
 * streamer's CPU buffer: below their sum with the engine's own RSS, the kernel
 * OOM-kills the engine while it loads.
 */

/** @internal */
export const SHM_PURPOSE = '/dev/shm tmpfs (Memory emptyDir sizeLimit)';
/** @internal */
export const ENGINE_PURPOSE = 'engine processes (API server, engine core, one worker per GPU)';
/** @internal */
export const STREAMER_PURPOSE = 'Run:ai streamer CPU buffer (min of memory_limit and weight bytes)';

/** FACTS: the streamer's CPU buffer is 40 GB when `memory_limit` is not given. @internal */
export const STREAMER_DEFAULT_BUFFER = 40e9;

/**
 * Host RAM of vLLM's processes: the API server, the engine core and one
 * worker per GPU, each a Python process with torch and CUDA loaded.
 * @internal
 */
export function engineMemoryBytes(gpuCount: number): number {
  return (8 + 2 * (Math.max(1, gpuCount) - 1)) * GIB;
}

/**
 * The streamer's CPU buffer: min(memory_limit, total file size) (FACTS), with
 * the default limit when unset. A rule that cannot know the weights' size
 * passes none and gets the limit.
 * @internal
 */
export function streamerBufferBytes(memoryLimit: number | undefined, weightBytes = Infinity): number {
  const limit = typeof memoryLimit === 'number' && memoryLimit >= 0 ? memoryLimit : STREAMER_DEFAULT_BUFFER;
  return Math.min(limit, weightBytes);
}

/** One line of a pod's memory need. @internal */
export interface MemoryLine {
  readonly purpose: string;
  readonly bytes: number;
}

/** A memory limit below the need, explained. @internal */
export interface MemoryShortfall {
  readonly need: number;
  /** What is wrong, with every line of the sum. */
  readonly problem: string;
  readonly fix: string;
}

/** The need of a pod: the sum of its lines. @internal */
export function memoryNeed(lines: readonly MemoryLine[]): number {
  return lines.reduce((sum, l) => sum + l.bytes, 0);
}

/** Undefined when `limit` covers every line; otherwise what is short and how to fix it. @internal */
export function memoryShortfall(limit: number, lines: readonly MemoryLine[]): MemoryShortfall | undefined {
  const need = memoryNeed(lines);
  if (limit >= need) return undefined;
  const sum = `${lines.map(l => `${bytesToQuantity(l.bytes)} ${l.purpose}`).join(' + ')} = ${bytesToQuantity(need)}`;
  const shm = lines.find(l => l.purpose === SHM_PURPOSE);
  const problem = shm && shm.bytes > limit
    ? `the /dev/shm sizeLimit ${bytesToQuantity(shm.bytes)} is larger than the memory limit ${bytesToQuantity(limit)}`
    : `the memory limit ${bytesToQuantity(limit)} is below the pod's need`;
  return { need, problem: `${problem}: ${sum}`, fix: `raise the memory limit to at least ${bytesToQuantity(need)}, or lower the /dev/shm size or the streamer memory_limit` };
}
