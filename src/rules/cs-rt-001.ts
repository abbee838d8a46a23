import { flag, vllmContainers } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

const CEILING = 0.8;

/** GPU memory headroom. @internal */
export const CS_RT_001: Rule = defineRule({
  id: 'CS-RT-001',
  level: RuleLevel.ERROR,
  reads: 'vllm',
  summary: '--gpu-memory-utilization is set explicitly and is at most 0.8',
  explanation: 'vLLM pre-allocates this share of GPU memory for weights and KV cache. Its default (0.9, 0.92 in recent docs) leaves no room '
    + 'for a co-tenant, a sleeping model or fragmentation, so a wake fails to allocate. 0.6 is the safe default.',
  fix: 'Pass --gpu-memory-utilization=0.6 (at most 0.8), or suppress with a reason for a GPU the model has to itself.',
  check(obj) {
    const found: Violation[] = [];
    for (const { c } of vllmContainers(obj)) {
      const v = flag(c.tokens, '--gpu-memory-utilization');
      if (typeof v !== 'string') {
        found.push({ value: 'unset (vLLM default 0.9)', message: `vLLM container "${c.name}" does not set --gpu-memory-utilization` });
      } else if (!(Number(v) > 0 && Number(v) <= CEILING)) {
        found.push({ value: v, message: `vLLM container "${c.name}" sets --gpu-memory-utilization=${v}, outside (0, ${CEILING}]` });
      }
    }
    return found;
  },
});
