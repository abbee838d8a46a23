import { isKnativeInferenceService, probeBudgetSeconds, vllmContainers } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/** Knative's `revision-timeout-seconds` default: what a revision without `timeoutSeconds` gets. */
const DEFAULT_TIMEOUT_SECONDS = 300;

/** @internal */
export const CS_KSV_003: Rule = defineRule({
  id: 'CS-KSV-003',
  level: RuleLevel.WARNING,
  reads: 'inferenceService',
  summary: 'A Knative InferenceService that scales to zero lets a request wait as long as its vLLM pod may take to wake (spec.predictor.timeout >= the startup probe budget)',
  explanation: 'At zero, the activator holds the first request until a pod is Ready, but no longer than the revision\'s request timeout '
    + '(spec.predictor.timeout, 300 s by default, at most max-revision-timeout-seconds, 600 s by default). A wake that takes longer '
    + 'answers the first requests with 504 although the pod comes up.',
  fix: 'Set spec.predictor.timeout to the wake (node, image pull and startup budget); above 600 s raise max-revision-timeout-seconds '
    + 'in Knative\'s config-defaults (and the activator\'s termination grace period) first.',
  check(obj) {
    if (!isKnativeInferenceService(obj)) return [];
    const predictor = obj.spec?.predictor;
    // KServe's default floor is 1: only an explicit 0 wakes from zero.
    if (predictor?.minReplicas !== 0) return [];
    const timeout = typeof predictor.timeout === 'number' ? predictor.timeout : DEFAULT_TIMEOUT_SECONDS;
    const found: Violation[] = [];
    for (const { c } of vllmContainers(obj)) {
      const p = c.raw.startupProbe;
      if (!p || typeof p !== 'object') continue;
      const budget = probeBudgetSeconds(p);
      if (timeout < budget) {
        found.push({
          value: `timeout ${timeout} s < ${budget} s`,
          message: `a request at zero waits at most ${timeout} s, but vLLM container "${c.name}" may take ${budget} s to start (its startup probe budget), node and image pull not counted`,
        });
      }
    }
    return found;
  },
});
