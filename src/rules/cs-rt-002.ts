import { isVllm, podsOf } from './pods';
import { defineRule, Rule, RuleLevel } from './rule';

/** @internal */
export const CS_RT_002: Rule = defineRule({
  id: 'CS-RT-002',
  level: RuleLevel.ERROR,
  summary: 'Pods running vLLM set enableServiceLinks: false',
  explanation: 'With service links on, a Service named `vllm` in the namespace injects VLLM_PORT=tcp://..., which vLLM reads as its own '
    + 'setting and refuses to start: the wake fails for a reason unrelated to the model.',
  fix: 'Set enableServiceLinks: false in the pod spec.',
  check(obj) {
    return podsOf(obj)
      .filter(pod => pod.containers.some(c => !c.init && isVllm(c)) && pod.spec.enableServiceLinks !== false)
      .map(pod => ({ value: `enableServiceLinks: ${pod.spec.enableServiceLinks ?? 'unset (true)'}`, message: `the pod at ${pod.where} runs vLLM with service links on` }));
  },
});
