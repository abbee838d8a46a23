import { isMap, podsOf } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

const MAP_LISTS = ['containers', 'initContainers'];
const CONTAINER_MAP_LISTS = ['env', 'envFrom', 'volumeMounts', 'ports'];
const STRING_LISTS = ['command', 'args'];
const CONTAINER_MAPS = ['startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext'];
const POD_MAPS = ['securityContext'];


/** Where a pod spec departs from the shape every reader (the API server, the kubelet, these rules) expects. */
function malformed(spec: any, where: string): string[] {
  const out: string[] = [];
  for (const key of [...MAP_LISTS, 'volumes']) {
    const v = spec[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) out.push(`${where}.${key} is not a list`);
    else v.forEach((x, i) => { if (!isMap(x)) out.push(`${where}.${key}[${i}] is not a map`); });
  }
  for (const key of MAP_LISTS) {
    if (!Array.isArray(spec[key])) continue;
    spec[key].forEach((c: any, i: number) => {
      if (!isMap(c)) return;
      const at = `${where}.${key}[${i}]`;
      for (const k of STRING_LISTS) {
        if (c[k] !== undefined && !(Array.isArray(c[k]) && c[k].every((s: unknown) => typeof s === 'string'))) out.push(`${at}.${k} is not a list of strings`);
      }
      for (const k of CONTAINER_MAP_LISTS) {
        if (c[k] !== undefined && !(Array.isArray(c[k]) && c[k].every(isMap))) out.push(`${at}.${k} is not a list of maps`);
      }
      if (c.resources !== undefined && !(isMap(c.resources) && ['limits', 'requests'].every(r => c.resources[r] === undefined || isMap(c.resources[r])))) {
        out.push(`${at}.resources is not a map of limits and requests`);
      } else if (isMap(c.resources)) {
        for (const r of ['limits', 'requests']) {
          for (const [k, v] of Object.entries(c.resources[r] ?? {})) if (!isAmount(v)) out.push(`${at}.resources.${r}.${k} is not a quantity`);
        }
      }
      if (c.image !== undefined && typeof c.image !== 'string') out.push(`${at}.image is not a string`);
      for (const k of CONTAINER_MAPS) if (c[k] !== undefined && !isMap(c[k])) out.push(`${at}.${k} is not a map`);
      if (Array.isArray(c.env)) {
        c.env.forEach((e: any, j: number) => {
          if (!isMap(e)) return;
          if (e.value !== undefined && typeof e.value !== 'string') out.push(`${at}.env[${j}].value is not a string`);
          if (e.valueFrom !== undefined && !isMap(e.valueFrom)) out.push(`${at}.env[${j}].valueFrom is not a map`);
        });
      }
    });
  }
  for (const k of POD_MAPS) if (spec[k] !== undefined && !isMap(spec[k])) out.push(`${where}.${k} is not a map`);
  if (spec.tolerations !== undefined && !(Array.isArray(spec.tolerations) && spec.tolerations.every(isMap))) out.push(`${where}.tolerations is not a list of maps`);
  if (spec.nodeSelector !== undefined && !(isMap(spec.nodeSelector) && Object.values(spec.nodeSelector).every(v => typeof v === 'string'))) {
    out.push(`${where}.nodeSelector is not a map of strings`);
  }
  return out;
}

/** A resource amount as JSON carries it: a quantity string or a plain number. */
function isAmount(v: unknown): boolean {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/** @internal */
export const CS_WL_002: Rule = defineRule({
  id: 'CS-WL-002',
  level: RuleLevel.ERROR,
  summary: 'Every pod spec the rules read is well-formed: containers, env, mounts, ports, volumes and tolerations are lists of maps, command and args lists of strings, '
    + 'image and env values strings, probes and security contexts maps, resource amounts quantities, nodeSelector a map of strings',
  explanation: 'The API server rejects a malformed pod spec at apply, and no rule can judge what it cannot read: a container that is not a map, '
    + 'or a command that is not a list, would otherwise pass every other rule unseen.',
  fix: 'Write the pod spec as the Kubernetes schema has it (kubectl apply --dry-run=server shows the same errors).',
  check(obj) {
    const found: Violation[] = [];
    for (const pod of podsOf(obj)) {
      if (!pod.wellFormed) found.push({ value: pod.where.split('.').pop()!, message: `${pod.where} is not a map` });
      for (const problem of malformed(pod.spec, pod.where)) found.push({ value: problem.slice(pod.where.length + 1), message: problem });
    }
    return found;
  },
});
