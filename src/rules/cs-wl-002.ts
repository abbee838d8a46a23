import { isMap, podsOf } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

const MAP_LISTS = ['containers', 'initContainers'];
const CONTAINER_MAP_LISTS = ['env', 'envFrom', 'volumeMounts', 'ports'];
const STRING_LISTS = ['command', 'args'];
const CONTAINER_MAPS = ['startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext'];
const POD_MAPS = ['securityContext'];
const POD_LISTS = [...MAP_LISTS, 'volumes'];

// Every pod of every object is read here, mostly before the JIT has optimized this code: indexed loops, and
// the texts of a problem made only for a problem. `i in list` skips the holes `forEach` and `every` skip.

/** Where a pod spec departs from the shape every reader (the API server, the kubelet, these rules) expects. */
function malformed(spec: any, where: string): string[] {
  const out: string[] = [];
  for (let k = 0; k < POD_LISTS.length; k++) {
    const key = POD_LISTS[k];
    const v = spec[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) out.push(`${where}.${key} is not a list`);
    else for (let i = 0; i < v.length; i++) if (i in v && !isMap(v[i])) out.push(`${where}.${key}[${i}] is not a map`);
  }
  for (let k = 0; k < MAP_LISTS.length; k++) {
    const key = MAP_LISTS[k];
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) if (i in list && isMap(list[i])) malformedContainer(out, list[i], where, key, i);
  }
  for (let k = 0; k < POD_MAPS.length; k++) if (spec[POD_MAPS[k]] !== undefined && !isMap(spec[POD_MAPS[k]])) out.push(`${where}.${POD_MAPS[k]} is not a map`);
  if (spec.tolerations !== undefined && !(Array.isArray(spec.tolerations) && every(spec.tolerations, isMap))) out.push(`${where}.tolerations is not a list of maps`);
  if (spec.nodeSelector !== undefined && !(isMap(spec.nodeSelector) && Object.values(spec.nodeSelector).every(v => typeof v === 'string'))) {
    out.push(`${where}.nodeSelector is not a map of strings`);
  }
  return out;
}

/** The problems of the container at `<where>.<key>[<i>]`. */
function malformedContainer(out: string[], c: any, where: string, key: string, i: number): void {
  const at = () => `${where}.${key}[${i}]`;
  for (let k = 0; k < STRING_LISTS.length; k++) {
    const x = c[STRING_LISTS[k]];
    if (x !== undefined && !(Array.isArray(x) && every(x, isString))) out.push(`${at()}.${STRING_LISTS[k]} is not a list of strings`);
  }
  for (let k = 0; k < CONTAINER_MAP_LISTS.length; k++) {
    const x = c[CONTAINER_MAP_LISTS[k]];
    if (x !== undefined && !(Array.isArray(x) && every(x, isMap))) out.push(`${at()}.${CONTAINER_MAP_LISTS[k]} is not a list of maps`);
  }
  const resources = c.resources;
  if (resources !== undefined && !(isMap(resources) && (resources.limits === undefined || isMap(resources.limits))
    && (resources.requests === undefined || isMap(resources.requests)))) {
    out.push(`${at()}.resources is not a map of limits and requests`);
  } else if (isMap(resources)) {
    for (let r = 0; r < RESOURCE_MAPS.length; r++) {
      const amounts = resources[RESOURCE_MAPS[r]];
      if (amounts === undefined) continue;
      const names = Object.keys(amounts);
      for (let n = 0; n < names.length; n++) if (!isAmount(amounts[names[n]])) out.push(`${at()}.resources.${RESOURCE_MAPS[r]}.${names[n]} is not a quantity`);
    }
  }
  if (c.image !== undefined && typeof c.image !== 'string') out.push(`${at()}.image is not a string`);
  for (let k = 0; k < CONTAINER_MAPS.length; k++) if (c[CONTAINER_MAPS[k]] !== undefined && !isMap(c[CONTAINER_MAPS[k]])) out.push(`${at()}.${CONTAINER_MAPS[k]} is not a map`);
  const env = c.env;
  if (Array.isArray(env)) {
    for (let j = 0; j < env.length; j++) {
      if (!(j in env)) continue;
      const e = env[j];
      if (!isMap(e)) continue;
      if (e.value !== undefined && typeof e.value !== 'string') out.push(`${at()}.env[${j}].value is not a string`);
      if (e.valueFrom !== undefined && !isMap(e.valueFrom)) out.push(`${at()}.env[${j}].valueFrom is not a map`);
    }
  }
}

const RESOURCE_MAPS = ['limits', 'requests'];

/** `list.every(test)`, holes skipped as `every` skips them. */
function every(list: unknown[], test: (x: unknown) => boolean): boolean {
  for (let i = 0; i < list.length; i++) if (i in list && !test(list[i])) return false;
  return true;
}

function isString(x: unknown): boolean {
  return typeof x === 'string';
}

/** A resource amount as JSON carries it: a quantity string or a plain number. */
function isAmount(v: unknown): boolean {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/** @internal */
export const CS_WL_002: Rule = defineRule({
  id: 'CS-WL-002',
  level: RuleLevel.ERROR,
  reads: 'pods',
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
