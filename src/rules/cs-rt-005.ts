import { isKnativeInferenceService, memoized, probeBudgetSeconds, vllmContainers } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/** Kubernetes' `progressDeadlineSeconds` and Knative's `config-deployment` `progress-deadline` both default to 600 s. */
const DEFAULT_DEADLINE_SECONDS = 600;
const PROGRESS_DEADLINE = 'serving.knative.dev/progress-deadline';

/** Seconds of a Go duration (`600s`, `10m`, `1h30m`, `1.5h`), undefined when unreadable. */
export function goDurationSeconds(text: unknown): number | undefined {
  return typeof text === 'string' ? durationSeconds(text) : undefined;
}

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };

function readGoDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, , u] of text.matchAll(/(\d+(\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) total += Number(n) * UNIT_SECONDS[u];
  return total;
}

// Every model's workload spells the same few durations.
const durationSeconds = memoized(readGoDuration);

/** The deadline a Knative annotation map sets, read where it is; undefined when unset or unreadable. */
function knativeDeadline(annotations: any, where: string): { seconds: number; where: string } | undefined {
  const s = goDurationSeconds(annotations?.[PROGRESS_DEADLINE]);
  return s === undefined ? undefined : { seconds: s, where };
}

/** The deadline the controller holds the rollout to, and where it was read; undefined for a kind without one. */
function deadlineOf(obj: any): { seconds: number; where: string } | undefined {
  const kind = obj?.kind;
  if (kind === 'Deployment') {
    const d = obj.spec?.progressDeadlineSeconds;
    return typeof d === 'number' ? { seconds: d, where: 'spec.progressDeadlineSeconds' } : { seconds: DEFAULT_DEADLINE_SECONDS, where: 'progressDeadlineSeconds (default)' };
  }
  if (kind === 'InferenceService') {
    // Raw (Standard) mode runs a Deployment KServe writes with its own defaults: Knative's deadline does not apply.
    if (!isKnativeInferenceService(obj)) return undefined;
    return knativeDeadline(obj.spec?.predictor?.annotations, `spec.predictor.annotations["${PROGRESS_DEADLINE}"]`)
      ?? knativeDeadline(obj.metadata?.annotations, `metadata.annotations["${PROGRESS_DEADLINE}"]`)
      ?? { seconds: DEFAULT_DEADLINE_SECONDS, where: `${PROGRESS_DEADLINE} (Knative default)` };
  }
  if (kind === 'Service' && String(obj.apiVersion ?? '').startsWith('serving.knative.dev/')) {
    return knativeDeadline(obj.spec?.template?.metadata?.annotations, `spec.template.metadata.annotations["${PROGRESS_DEADLINE}"]`)
      ?? { seconds: DEFAULT_DEADLINE_SECONDS, where: `${PROGRESS_DEADLINE} (Knative default)` };
  }
  return undefined;
}

/** @internal */
export const CS_RT_005: Rule = defineRule({
  id: 'CS-RT-005',
  level: RuleLevel.ERROR,
  reads: 'vllm',
  summary: 'A vLLM workload\'s progress deadline (Deployment progressDeadlineSeconds, Knative progress-deadline) covers its startup probe budget',
  explanation: 'Knative fails a revision that is not Ready within its progress deadline (600 s by default), node provisioning and image '
    + 'pull included, so a large model whose startup probe allows more is killed before the probe could succeed. A Deployment past '
    + 'its deadline keeps its pod but reports the rollout as failed, which Argo CD, Flux and `kubectl rollout status` act on.',
  fix: 'Raise the deadline above the startup probe budget plus node and image time: serving.knative.dev/progress-deadline on the '
    + 'InferenceService (or its predictor) or Knative Service template, spec.progressDeadlineSeconds on a Deployment.',
  check(obj) {
    const deadline = deadlineOf(obj);
    if (!deadline) return [];
    const found: Violation[] = [];
    for (const { c } of vllmContainers(obj)) {
      const p = c.raw.startupProbe;
      if (!p || typeof p !== 'object') continue;
      const budget = probeBudgetSeconds(p);
      if (deadline.seconds < budget) {
        found.push({
          value: `${deadline.seconds} s < ${budget} s`,
          message: `${deadline.where} is ${deadline.seconds} s, below the ${budget} s startup probe budget of vLLM container "${c.name}"`,
        });
      }
    }
    return found;
  },
});
