import { podMetadata, podsOf } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { MANAGED_BY } from '../private/aux-pod';

/** The model server is judged by the runtime rules: the vLLM image runs as root. */
const MODEL_SERVER = 'model-server';

const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
const COMPONENT_LABEL = 'app.kubernetes.io/component';

/**
 * A label as the object's labels merged with its pod template's (`{ ...own, ...template }`) hold it, without
 * making that map for every object of the app.
 */
function label(key: string, own: unknown, template: Record<string, string>): unknown {
  if (Object.prototype.propertyIsEnumerable.call(template, key)) return template[key];
  return own !== null && typeof own === 'object' && Object.prototype.propertyIsEnumerable.call(own, key) ? (own as Record<string, unknown>)[key] : undefined;
}

/** @internal */
export const CS_SEC_002: Rule = defineRule({
  id: 'CS-SEC-002',
  level: RuleLevel.ERROR,
  summary: 'Auxiliary pods (warm buffer, pre-pull, prefetch, loader) run locked down with bounded resources',
  explanation: 'The pods the library adds around a model only hold capacity, pull images or copy files: they need no API token, '
    + 'no capabilities and no escalation, and unbounded requests on a GPU node would steal the capacity they exist to keep.',
  fix: 'Set automountServiceAccountToken: false, securityContext allowPrivilegeEscalation: false and capabilities.drop [ALL] on every '
    + 'container, runAsNonRoot unless the image must write as root, and cpu and memory requests and limits.',
  check(obj) {
    const own = obj?.metadata?.labels;
    const template = podMetadata(obj).labels;
    if (label(MANAGED_BY_LABEL, own, template) !== MANAGED_BY || label(COMPONENT_LABEL, own, template) === MODEL_SERVER) return [];
    const found: Violation[] = [];
    for (const pod of podsOf(obj)) {
      if (pod.spec.automountServiceAccountToken !== false) {
        found.push({ value: `automountServiceAccountToken=${pod.spec.automountServiceAccountToken}`, message: `${pod.where} mounts a service account token` });
      }
      for (const c of pod.containers) {
        const sc = c.raw.securityContext ?? {};
        const nonRoot = sc.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot;
        if (sc.allowPrivilegeEscalation !== false) found.push({ value: 'allowPrivilegeEscalation', message: `container "${c.name}" may escalate privileges` });
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) found.push({ value: 'capabilities.drop', message: `container "${c.name}" keeps Linux capabilities` });
        if (sc.privileged) found.push({ value: 'privileged', message: `container "${c.name}" is privileged` });
        // Root only where the container says so explicitly (runAsUser 0, runAsNonRoot false).
        if (nonRoot !== true && !(nonRoot === false && sc.runAsUser === 0)) {
          found.push({ value: `runAsNonRoot=${nonRoot}`, message: `container "${c.name}" may run as root without saying it must` });
        }
        for (const r of ['cpu', 'memory']) {
          if (c.raw.resources?.limits?.[r] === undefined || c.raw.resources?.requests?.[r] === undefined) {
            found.push({ value: `resources.${r}`, message: `container "${c.name}" has no ${r} request and limit` });
          }
        }
      }
    }
    return found;
  },
});
