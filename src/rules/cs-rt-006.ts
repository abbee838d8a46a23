import { goDurationSeconds } from './cs-rt-005';
import { describe, once, podMetadata, probeBudgetSeconds, vllmContainers } from './pods';
import { selects, servicesOf } from './relations';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/**
 * KEDA HTTP add-on v0.15 (CHANGELOG v0.14.0): a route with a cold-start
 * fallback and no readiness timeout waits 30 s; without a fallback the
 * add-on-wide `KEDA_HTTP_READINESS_TIMEOUT` applies (off by default), which
 * the manifest cannot show.
 */
const FALLBACK_READINESS_SECONDS = 30;

/** The add-on's route kinds: where each names the Service it wakes and how long a request waits for it. */
function routeOf(obj: any): { service: unknown; wait: unknown; where: string; fallback: boolean } | undefined {
  if (!String(obj?.apiVersion ?? '').startsWith('http.keda.sh/')) return undefined;
  if (obj.kind === 'InterceptorRoute') {
    return { service: obj.spec?.target?.service, wait: obj.spec?.timeouts?.readiness, where: 'spec.timeouts.readiness', fallback: !!obj.spec?.coldStart?.fallback };
  }
  if (obj.kind === 'HTTPScaledObject') {
    return {
      service: obj.spec?.scaleTargetRef?.service,
      wait: obj.spec?.timeouts?.conditionWait,
      where: 'spec.timeouts.conditionWait',
      fallback: !!obj.spec?.coldStartTimeoutFailoverRef,
    };
  }
  return undefined;
}

interface Starting {
  readonly obj: any;
  readonly container: string;
  readonly labels: Record<string, string>;
  readonly budget: number;
}

const STARTING = new WeakMap<any[], Map<string, Starting[]>>();

/** The pass's vLLM containers with a startup probe, by namespace: every route of a pass reads the same index. */
function startingByNamespace(objects: any[]): Map<string, Starting[]> {
  return once(STARTING, objects, () => {
    const index = new Map<string, Starting[]>();
    for (const obj of objects) {
      for (const { c } of vllmContainers(obj)) {
        const p = c.raw.startupProbe;
        if (!p || typeof p !== 'object') continue;
        const ns = obj.metadata?.namespace ?? '';
        if (!index.has(ns)) index.set(ns, []);
        index.get(ns)!.push({ obj, container: c.name, labels: podMetadata(obj).labels, budget: probeBudgetSeconds(p) });
      }
    }
    return index;
  });
}

/** @internal */
export const CS_RT_006: Rule = defineRule({
  id: 'CS-RT-006',
  level: RuleLevel.WARNING,
  summary: 'A KEDA HTTP add-on route in front of a vLLM workload holds a request at least as long as the workload\'s startup probe budget',
  explanation: 'The add-on\'s interceptor holds a request that arrives at zero replicas until a replica is Ready, for at most the '
    + 'route\'s readiness timeout (InterceptorRoute `timeouts.readiness`, HTTPScaledObject `timeouts.conditionWait`; 30 s when a '
    + 'cold-start fallback is set and no timeout is). A model that takes longer to start makes every first request after an '
    + 'idle period fail with 504 (or go to the fallback), although the pod comes up.',
  fix: 'Set the route\'s readiness timeout above node provisioning + image pull + the startup probe budget, e.g. "900s" '
    + '(DeploymentAutoscaler.kedaHttpAddOn() sets it from the predicted wake).',
  check(obj, context) {
    const route = routeOf(obj);
    if (!route || typeof route.service !== 'string') return [];
    let wait = goDurationSeconds(route.wait);
    if (route.wait === undefined && route.fallback) wait = FALLBACK_READINESS_SECONDS;
    // Unset without a fallback (the add-on-wide default, off unless set), 0 (off) or unreadable: nothing to compare.
    if (wait === undefined || wait === 0) return [];
    const objects = context.objects?.() ?? [];
    const svc = servicesOf(objects).get(`${obj.metadata?.namespace ?? ''}/${route.service}`);
    const selector = svc?.spec?.selector;
    if (!selector || !Object.keys(selector).length) return [];
    const found: Violation[] = [];
    for (const s of startingByNamespace(objects).get(obj.metadata?.namespace ?? '') ?? []) {
      if (wait >= s.budget || !selects({ matchLabels: selector }, s.labels)) continue;
      found.push({
        value: `${wait} s < ${s.budget} s`,
        message: `${route.where} is ${wait} s${route.wait === undefined ? ' (the fallback default)' : ''}, below the ${s.budget} s startup probe budget `
          + `of vLLM container "${s.container}" of ${describe(s.obj)} behind Service ${route.service}`,
      });
    }
    return found;
  },
});
