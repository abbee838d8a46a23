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
export const STREAMER_PURPOSE = 'Run:ai streamer CPU buffers (its memory_limit, once per tensor-parallel rank)';

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
 * The streamer's CPU buffer as the pod is charged for it: its `memory_limit`,
 * or the default when unset, times the tensor-parallel ranks (FACTS: vLLM runs
 * the loader in every worker, and each opens its own SafetensorsStreamer with
 * its own CPU buffer; distributed streaming is not used). The streamer allocates min(limit, total file
 * size) (FACTS), but a rule cannot know the file size, so both sides charge the
 * limit; the library sets the limit to at most the weights' size anyway.
 * @internal
 */
export function streamerBufferBytes(memoryLimit: number | undefined, ranks: number): number {
  const perRank = typeof memoryLimit === 'number' && memoryLimit >= 0 ? memoryLimit : STREAMER_DEFAULT_BUFFER;
  return perRank * Math.max(1, Math.floor(ranks) || 1);
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
}

/** The need of a pod: the sum of its lines. @internal */
export function memoryNeed(lines: readonly MemoryLine[]): number {
  return lines.reduce((sum, l) => sum + l.bytes, 0);
}

/** Bytes for a person, never rounded down: whole GiB, else MiB rounded up (40 GB is 38147Mi). @internal */
export function readableBytes(bytes: number): string {
  return bytes % GIB === 0 ? bytesToQuantity(bytes) : `${Math.ceil(bytes / 1024 ** 2)}Mi`;
}

/** Undefined when `limit` covers every line; otherwise what is short and how to fix it. @internal */
export function memoryShortfall(limit: number, lines: readonly MemoryLine[]): MemoryShortfall | undefined {
  const need = memoryNeed(lines);
  if (limit >= need) return undefined;
  const sum = `${lines.map(l => `${readableBytes(l.bytes)} ${l.purpose}`).join(' + ')} = ${readableBytes(need)}`;
  const shm = lines.find(l => l.purpose === SHM_PURPOSE);
  const problem = shm && shm.bytes > limit
    ? `the /dev/shm sizeLimit ${readableBytes(shm.bytes)} is larger than the memory limit ${readableBytes(limit)}`
    : `the memory limit ${readableBytes(limit)} is below the pod's need`;
  return { need, problem: `${problem}: ${sum}` };
}
