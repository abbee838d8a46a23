import { flag, quantityBytes, vllmContainers, volumeAt } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { ENGINE_PURPOSE, engineMemoryBytes, MemoryLine, memoryNeed, memoryShortfall, readableBytes, SHM_PURPOSE, STREAMER_PURPOSE, streamerBufferBytes } from '../private/memory-budget';

/** GPUs per replica as the object states it: vLLM's tensor-parallel size, else the GPU limit, else 1. */
function gpuCount(tokens: string[], resources: any): number {
  const tp = Number(flag(tokens, '--tensor-parallel-size', '-tp'));
  if (Number.isInteger(tp) && tp >= 1) return tp;
  const gpus = Object.entries<any>(resources?.limits ?? {}).find(([k]) => /\/gpu$/.test(k))?.[1];
  const n = Number(gpus);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** Memory limit covers shm + engine + streamer. @internal */
export const CS_SHM_002: Rule = defineRule({
  id: 'CS-SHM-002',
  level: RuleLevel.ERROR,
  reads: 'vllm',
  summary: 'A vLLM container\'s memory limit covers /dev/shm + engine RSS + the streamer buffer',
  explanation: 'A Memory emptyDir counts against the pod memory limit, and so do the Run:ai streamer\'s CPU buffers, one per '
    + 'tensor-parallel rank (each min(memory_limit, weight bytes); 40 GB when memory_limit is not set). Below their sum with the engine\'s own RSS (8 GiB, plus 2 GiB '
    + 'per GPU after the first: API server, engine core, one worker per GPU) the kernel OOM-kills the engine while it loads. '
    + 'The model\'s construction check uses the same figures.',
  fix: 'Raise resources.limits.memory to at least the sum, or lower the shm sizeLimit or the streamer memory_limit.',
  check(obj) {
    const found: Violation[] = [];
    for (const { pod, c } of vllmContainers(obj)) {
      // The same lines, and the same engine figure, as the model's own construction check.
      const shm = volumeAt(pod, c, '/dev/shm');
      const lines: MemoryLine[] = [
        { purpose: SHM_PURPOSE, bytes: shm?.emptyDir?.medium === 'Memory' ? (quantityBytes(shm.emptyDir.sizeLimit) ?? 0) : 0 },
        { purpose: ENGINE_PURPOSE, bytes: engineMemoryBytes(gpuCount(c.tokens, c.raw.resources)) },
      ];
      if (flag(c.tokens, '--load-format') === 'runai_streamer') {
        const extra = flag(c.tokens, '--model-loader-extra-config');
        let limit: unknown;
        try { limit = typeof extra === 'string' ? JSON.parse(extra).memory_limit : undefined; } catch { limit = undefined; }
        lines.push({ purpose: STREAMER_PURPOSE, bytes: streamerBufferBytes(typeof limit === 'number' ? limit : undefined, gpuCount(c.tokens, c.raw.resources)) });
      }
      const limitRaw = c.raw.resources?.limits?.memory;
      const limit = quantityBytes(limitRaw);
      if (limit === undefined) {
        const need = readableBytes(memoryNeed(lines));
        found.push({ value: 'no memory limit', message: `vLLM container "${c.name}" has no memory limit (it needs ${need})`, fix: `set resources.limits.memory to at least ${need}` });
        continue;
      }
      const short = memoryShortfall(limit, lines);
      if (short) {
        found.push({
          value: String(limitRaw),
          message: `vLLM container "${c.name}": ${short.problem}`,
          fix: `raise resources.limits.memory to at least ${readableBytes(short.need)}, or lower the /dev/shm sizeLimit or the streamer memory_limit`,
        });
      }
    }
    return found;
  },
});
