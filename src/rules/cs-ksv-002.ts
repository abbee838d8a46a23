import { podsOf, PodView } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { KNATIVE_FEATURES_ANNOTATION } from '../private/annotations';

/** FACTS: Knative refuses these pod features unless `config-features` enables them. */
function flagsNeeded(pod: PodView): string[] {
  const spec = pod.spec;
  const flags: string[] = [];
  if (spec.nodeSelector && Object.keys(spec.nodeSelector).length) flags.push('kubernetes.podspec-nodeselector');
  if (spec.tolerations?.length) flags.push('kubernetes.podspec-tolerations');
  if (spec.affinity) flags.push('kubernetes.podspec-affinity');
  if (spec.priorityClassName) flags.push('kubernetes.podspec-priorityclassname');
  if (spec.initContainers?.length) flags.push('kubernetes.podspec-init-containers');
  const volumes: any[] = spec.volumes ?? [];
  if (volumes.some(v => v.hostPath)) flags.push('kubernetes.podspec-hostpath');
  const claims = volumes.filter(v => v.persistentVolumeClaim);
  if (claims.length) {
    flags.push('kubernetes.podspec-persistent-volume-claim');
    const writable = pod.containers.some(c => (c.raw.volumeMounts ?? []).some((m: any) =>
      !m.readOnly && claims.some(v => v.name === m.name && !v.persistentVolumeClaim.readOnly)));
    if (writable) flags.push('kubernetes.podspec-persistent-volume-write');
  }
  return flags;
}

/** @internal */
export const CS_KSV_002: Rule = defineRule({
  id: 'CS-KSV-002',
  level: RuleLevel.WARNING,
  summary: 'A KServe Knative-mode InferenceService uses pod features behind Knative feature flags',
  explanation: 'Knative rejects a pod spec using nodeSelector, tolerations, affinity, priorityClassName, init containers, hostPath '
    + 'or a (writable) PVC unless the flag is enabled in the config-features ConfigMap (namespace knative-serving): the InferenceService never becomes ready.',
  fix: 'Enable each named flag in config-features (kubectl -n knative-serving edit configmap config-features) and declare it in '
    + `the ${KNATIVE_FEATURES_ANNOTATION} annotation (Backend.kserveKnative({ enabledFeatures })), or use Standard mode.`,
  check(obj) {
    if (obj?.kind !== 'InferenceService') return [];
    const mode = obj.metadata?.annotations?.['serving.kserve.io/deploymentMode'];
    // Unset means the cluster default, which is Knative (Serverless) in KServe's install configs.
    if (mode !== undefined && mode !== 'Knative' && mode !== 'Serverless') return [];
    const enabled = String(obj.metadata?.annotations?.[KNATIVE_FEATURES_ANNOTATION] ?? '').split(',').map(f => f.trim());
    const found: Violation[] = [];
    for (const pod of podsOf(obj)) {
      const flags = flagsNeeded(pod).filter(f => !enabled.includes(f));
      if (flags.length) found.push({ value: flags.join(', '), message: `${pod.where} uses pod features whose Knative flags are not declared enabled` });
    }
    return found;
  },
});
