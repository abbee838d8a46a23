import { flag, quantityBytes, vllmContainers, volumeAt } from './pods';
import { GIB as GI } from '../private/quantity';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/** The least host RAM vLLM's processes take (API server, engine core, a worker); ours default to 8 GiB. */
const ENGINE_FLOOR = 4 * GI;
/** The Run:ai streamer's default CPU buffer when memory_limit is not given (FACTS: 40 GB). */
const STREAMER_DEFAULT = 40e9;

const gib = (b: number) => `${(b / GI).toFixed(1)}Gi`;

/** Memory limit covers shm + engine + streamer. @internal */
export const CS_SHM_002: Rule = defineRule({
  id: 'CS-SHM-002',
  level: RuleLevel.ERROR,
  summary: 'A vLLM container\'s memory limit covers /dev/shm + engine RSS + the streamer buffer',
  explanation: 'A Memory emptyDir counts against the pod memory limit, and so does the Run:ai streamer\'s CPU buffer '
    + '(min(memory_limit, weight bytes); 40 GB when memory_limit is not set). Below their sum the kernel OOM-kills the engine while it loads.',
  fix: 'Raise resources.limits.memory to at least the sum, or lower the shm sizeLimit or the streamer memory_limit.',
  check(obj) {
    const found: Violation[] = [];
    for (const { pod, c } of vllmContainers(obj)) {
      const shm = volumeAt(pod, c, '/dev/shm');
      const shmBytes = shm?.emptyDir?.medium === 'Memory' ? (quantityBytes(shm.emptyDir.sizeLimit) ?? 0) : 0;
      let streamer = 0;
      if (flag(c.tokens, '--load-format') === 'runai_streamer') {
        const extra = flag(c.tokens, '--model-loader-extra-config');
        let limit: unknown;
        try { limit = typeof extra === 'string' ? JSON.parse(extra).memory_limit : undefined; } catch { limit = undefined; }
        streamer = typeof limit === 'number' && limit >= 0 ? limit : STREAMER_DEFAULT;
      }
      const need = shmBytes + ENGINE_FLOOR + streamer;
      const limitRaw = c.raw.resources?.limits?.memory;
      const limit = quantityBytes(limitRaw);
      const parts = `shm ${gib(shmBytes)} + engine floor ${gib(ENGINE_FLOOR)} + streamer ${gib(streamer)} = ${gib(need)}`;
      if (limit === undefined) {
        found.push({ value: 'no memory limit', message: `vLLM container "${c.name}" has no memory limit (needs ${parts})`, fix: `set resources.limits.memory to at least ${gib(need)}` });
      } else if (limit < need) {
        found.push({ value: String(limitRaw), message: `vLLM container "${c.name}" memory limit ${limitRaw} is below ${parts}`, fix: `raise resources.limits.memory to at least ${gib(need)}` });
      }
    }
    return found;
  },
});
