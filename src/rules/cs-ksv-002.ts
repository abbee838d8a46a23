import { isKnativeInferenceService, podsOf, PodView } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { KNATIVE_FEATURES_ANNOTATION } from '../private/annotations';
import { knativeFlagsNeeded } from '../private/knative-features';

/** The flags from Knative's own field masks (src/private/knative-features.ts). */
function flagsNeeded(pod: PodView): string[] {
  return knativeFlagsNeeded(pod.spec, pod.containers.map(c => c.raw));
}

/** @internal */
export const CS_KSV_002: Rule = defineRule({
  id: 'CS-KSV-002',
  level: RuleLevel.WARNING,
  reads: 'inferenceService',
  summary: 'A KServe Knative-mode InferenceService uses pod features behind Knative feature flags',
  explanation: 'Knative rejects a pod spec using nodeSelector, tolerations, affinity, priorityClassName, init containers, a pod securityContext, '
    + 'hostPath, CSI or (writable) PVC volumes, probes on a container other than the serving one (sleep mode\'s engine), and other fields of its field masks, unless the flag is enabled in the config-features ConfigMap '
    + '(namespace knative-serving): the InferenceService never becomes ready.',
  fix: 'Enable each named flag in config-features (kubectl -n knative-serving edit configmap config-features) and declare it in '
    + `the ${KNATIVE_FEATURES_ANNOTATION} annotation (Backend.kserveKnative({ enabledFeatures })), or use Standard mode.`,
  check(obj) {
    if (!isKnativeInferenceService(obj)) return [];
    const enabled = String(obj.metadata?.annotations?.[KNATIVE_FEATURES_ANNOTATION] ?? '').split(',').map(f => f.trim());
    const found: Violation[] = [];
    for (const pod of podsOf(obj)) {
      const flags = flagsNeeded(pod).filter(f => !enabled.includes(f));
      if (flags.length) found.push({ value: flags.join(', '), message: `${pod.where} uses pod features whose Knative flags are not declared enabled` });
    }
    return found;
  },
});
