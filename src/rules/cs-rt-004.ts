import { probeBudgetSeconds, vllmContainers } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { MIN_STARTUP_BUDGET_SECONDS as FLOOR } from '../levers/runtime/startup-budget';
import { EXPECTED_STARTUP_ANNOTATION } from '../private/annotations';

/** @internal */
export const CS_RT_004: Rule = defineRule({
  id: 'CS-RT-004',
  level: RuleLevel.ERROR,
  reads: 'vllm',
  summary: 'A vLLM container has a startup probe whose budget covers the model\'s expected load time (and at least 5 minutes)',
  explanation: 'vLLM answers only after loading, profiling, compiling and capturing graphs. A liveness or readiness probe without a '
    + 'long enough startup probe kills the pod mid-load ("KeyboardInterrupt: terminated"), and the next wake starts over.',
  fix: 'Add a startupProbe with failureThreshold x periodSeconds >= max(300 s, the expected startup).',
  check(obj) {
    const expected = Number(obj?.metadata?.annotations?.[EXPECTED_STARTUP_ANNOTATION] ?? 0);
    const need = Math.max(FLOOR, Number.isFinite(expected) ? expected : 0);
    const found: Violation[] = [];
    for (const { c } of vllmContainers(obj)) {
      const p = c.raw.startupProbe;
      if (!p) {
        found.push({ value: 'no startupProbe', message: `vLLM container "${c.name}" has no startup probe (need >= ${need} s)` });
        continue;
      }
      const budget = probeBudgetSeconds(p);
      if (budget < need) {
        found.push({ value: `${budget} s`, message: `vLLM container "${c.name}" startup budget ${budget} s is below ${need} s`, fix: `raise startupProbe.failureThreshold to ${Math.ceil(need / (p.periodSeconds ?? 10))}` });
      }
    }
    return found;
  },
});
