import { podsOf } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { CREDENTIAL_NAME as CREDENTIAL, masked } from '../private/redact';

/** @internal */
export const CS_SEC_001: Rule = defineRule({
  id: 'CS-SEC-001',
  level: RuleLevel.ERROR,
  summary: 'No credential (HF token, cloud keys, passwords) is written as a literal env value',
  explanation: 'A literal lands in the synthesized YAML, in git, in CI logs and in every kubectl describe. Tokens and keys belong '
    + 'in a Secret (env valueFrom.secretKeyRef) or come from workload identity.',
  fix: 'Use env[].valueFrom.secretKeyRef (or envFrom a Secret), or workload identity, instead of env[].value.',
  check(obj) {
    const found: Violation[] = [];
    for (const pod of podsOf(obj)) {
      for (const c of pod.containers) {
        for (const e of c.raw.env ?? []) {
          // A path (GOOGLE_APPLICATION_CREDENTIALS=/var/run/...) points at a mounted secret; it is not one.
          if (CREDENTIAL.test(e.name) && typeof e.value === 'string' && e.value !== '' && !e.value.startsWith('/')) {
            found.push({ value: `${e.name}=${masked(e.value)}`, message: `container "${c.name}" sets ${e.name} as a literal` });
          }
        }
      }
    }
    return found;
  },
});
