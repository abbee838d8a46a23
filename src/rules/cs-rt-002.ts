import { isVllm, PodView, podsOf } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/** @internal */
export const CS_RT_002: Rule = defineRule({
  id: 'CS-RT-002',
  level: RuleLevel.ERROR,
  reads: 'vllm',
  summary: 'Pods running vLLM set enableServiceLinks: false',
  explanation: 'With service links on, a Service named `vllm` in the namespace injects VLLM_PORT=tcp://..., which vLLM reads as its own '
    + 'setting and refuses to start: the wake fails for a reason unrelated to the model.',
  fix: 'Set enableServiceLinks: false in the pod spec.',
  check(obj) {
    const found: Violation[] = [];
    const pods = podsOf(obj);
    for (let p = 0; p < pods.length; p++) {
      const pod = pods[p];
      if (runsVllm(pod) && pod.spec.enableServiceLinks !== false) {
        found.push({ value: `enableServiceLinks: ${pod.spec.enableServiceLinks ?? 'unset (true)'}`, message: `the pod at ${pod.where} runs vLLM with service links on` });
      }
    }
    return found;
  },
});

function runsVllm(pod: PodView): boolean {
  const containers = pod.containers;
  for (let i = 0; i < containers.length; i++) if (!containers[i].init && isVllm(containers[i])) return true;
  return false;
}
