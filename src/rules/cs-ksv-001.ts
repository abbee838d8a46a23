import { storageUris } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

const INTERNAL = /^internal\.serving\.kserve\.io\//;
const WEBHOOK_CONTAINERS = ['modelcar', 'modelcar-init', 'storage-initializer'];

/** @internal */
export const CS_KSV_001: Rule = defineRule({
  id: 'CS-KSV-001',
  level: RuleLevel.ERROR,
  reads: 'inferenceService',
  summary: 'An InferenceService carries none of what KServe\'s webhook injects: internal.serving.kserve.io/* keys, and for a modelcar shareProcessNamespace or modelcar containers',
  explanation: 'KServe\'s webhook injects the modelcar sidecar, modelcar-init, the /mnt emptyDir and shareProcessNamespace, and owns the '
    + 'internal.serving.kserve.io/* keys. Written by hand they clash with the injection or pin stale internals, and the pod fails to start.',
  fix: 'Remove them and let the webhook inject them from storageUri (or STORAGE_URI).',
  check(obj) {
    if (obj?.kind !== 'InferenceService') return [];
    const found: Violation[] = [];
    internalKeys(found, obj.metadata?.annotations, 'metadata', '.annotations');
    internalKeys(found, obj.metadata?.labels, 'metadata', '.labels');
    const modelcar = storageUris(obj).some(u => u.startsWith('oci://'));
    for (const name of ['predictor', 'transformer', 'explainer']) {
      const c = obj.spec?.[name];
      if (!c) continue;
      internalKeys(found, c.annotations, `spec.${name}`, '.annotations');
      internalKeys(found, c.labels, `spec.${name}`, '.labels');
      if (!modelcar) continue;
      if (c.shareProcessNamespace !== undefined) found.push({ value: `shareProcessNamespace: ${c.shareProcessNamespace}`, message: `spec.${name} sets what the modelcar webhook injects` });
      for (const x of [...(c.containers ?? []), ...(c.initContainers ?? [])]) {
        if (WEBHOOK_CONTAINERS.includes(x.name)) found.push({ value: x.name, message: `spec.${name} has a hand-written "${x.name}" container` });
      }
    }
    return found;
  },
});

/** A finding for each KServe-internal key of a map at `where` + `what`; anything but a map has none (a string's keys are its indices). */
function internalKeys(found: Violation[], map: unknown, where: string, what: string): void {
  if (map === null || typeof map !== 'object') return;
  const keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) if (INTERNAL.test(keys[i])) found.push({ value: keys[i], message: `KServe-internal key in ${where}${what}` });
}
