import { storageUris } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

const INTERNAL = /^internal\.serving\.kserve\.io\//;
const WEBHOOK_CONTAINERS = ['modelcar', 'modelcar-init', 'storage-initializer'];

/** @internal */
export const CS_KSV_001: Rule = defineRule({
  id: 'CS-KSV-001',
  level: RuleLevel.ERROR,
  summary: 'An InferenceService carries none of what KServe\'s webhook injects: internal.serving.kserve.io/* keys, and for a modelcar shareProcessNamespace or modelcar containers',
  explanation: 'KServe\'s webhook injects the modelcar sidecar, modelcar-init, the /mnt emptyDir and shareProcessNamespace, and owns the '
    + 'internal.serving.kserve.io/* keys. Written by hand they clash with the injection or pin stale internals, and the pod fails to start.',
  fix: 'Remove them and let the webhook inject them from storageUri (or STORAGE_URI).',
  check(obj) {
    if (obj?.kind !== 'InferenceService') return [];
    const found: Violation[] = [];
    const keys = (where: string, map: Record<string, unknown> | undefined) => {
      for (const k of Object.keys(map ?? {})) if (INTERNAL.test(k)) found.push({ value: k, message: `KServe-internal key in ${where}` });
    };
    keys('metadata.annotations', obj.metadata?.annotations);
    keys('metadata.labels', obj.metadata?.labels);
    const modelcar = storageUris(obj).some(u => u.startsWith('oci://'));
    for (const name of ['predictor', 'transformer', 'explainer']) {
      const c = obj.spec?.[name];
      if (!c) continue;
      keys(`spec.${name}.annotations`, c.annotations);
      keys(`spec.${name}.labels`, c.labels);
      if (!modelcar) continue;
      if (c.shareProcessNamespace !== undefined) found.push({ value: `shareProcessNamespace: ${c.shareProcessNamespace}`, message: `spec.${name} sets what the modelcar webhook injects` });
      for (const x of [...(c.containers ?? []), ...(c.initContainers ?? [])]) {
        if (WEBHOOK_CONTAINERS.includes(x.name)) found.push({ value: x.name, message: `spec.${name} has a hand-written "${x.name}" container` });
      }
    }
    return found;
  },
});
