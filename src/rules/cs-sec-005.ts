import { isMap, vllmContainers } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { SYSTEM_DIRECTORY_LIST, systemLocation } from '../private/paths';

/** @internal */
export const CS_SEC_005: Rule = defineRule({
  id: 'CS-SEC-005',
  level: RuleLevel.ERROR,
  reads: 'vllm',
  summary: 'A pod running vLLM mounts no hostPath on the node\'s root or a system location (checked after POSIX normalization)',
  explanation: 'The engine runs code that clients reach over the network, and weight and cache paths are written by scripts running as root. '
    + 'A hostPath on / (also spelled /. or //), on a system location or a parent of one (`/var` holds /var/lib/kubelet) hands whoever '
    + `controls the pod the node: its configuration, its kubelet credentials and every other pod's volumes. System locations: ${SYSTEM_DIRECTORY_LIST}. `
    + 'The library refuses the same paths for the hostPaths it writes (CS-IN-019). Pods that run no vLLM container (a node exporter '
    + 'reading /proc) are not judged.',
  fix: 'Mount a data directory of its own (e.g. /var/lib/cdk8s-coldstart/models or /mnt/models) instead, or a PersistentVolumeClaim; '
    + 'suppress with a reason only for a pod that must reach the node.',
  kubeLinterCheck: 'sensitive-host-mounts',
  check(obj) {
    const found: Violation[] = [];
    const pods = new Set(vllmContainers(obj).map(({ pod }) => pod));
    for (const pod of pods) {
      for (const v of Array.isArray(pod.spec.volumes) ? pod.spec.volumes.filter(isMap) : []) {
        const path = v.hostPath?.path;
        if (typeof path !== 'string') continue;
        const { normal, problem } = systemLocation(path);
        if (!problem) continue;
        const as = normal === path ? '' : ` (${normal} once normalized)`;
        found.push({ value: path, message: `the pod at ${pod.where} runs vLLM and mounts hostPath volume "${v.name}" at ${path}${as}, which ${problem}` });
      }
    }
    return found;
  },
});
