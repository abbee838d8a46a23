import { isMap, podsOf } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

const MAP_LISTS = ['containers', 'initContainers'];
const CONTAINER_MAP_LISTS = ['env', 'envFrom', 'volumeMounts', 'ports'];
const STRING_LISTS = ['command', 'args'];


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
      }
    });
  }
  return out;
}

/** @internal */
export const CS_WL_002: Rule = defineRule({
  id: 'CS-WL-002',
  level: RuleLevel.ERROR,
  summary: 'Every pod spec the rules read is well-formed: containers, env, mounts, ports and volumes are lists of maps, command and args lists of strings',
  explanation: 'The API server rejects a malformed pod spec at apply, and no rule can judge what it cannot read: a container that is not a map, '
    + 'or a command that is not a list, would otherwise pass every other rule unseen.',
  fix: 'Write the pod spec as the Kubernetes schema has it (kubectl apply --dry-run=server shows the same errors).',
  check(obj) {
    const found: Violation[] = [];
    for (const pod of podsOf(obj)) {
      for (const problem of malformed(pod.spec, pod.where)) found.push({ value: problem.slice(pod.where.length + 1), message: problem });
    }
    return found;
  },
});
