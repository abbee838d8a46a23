import { podsOf } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { expansionReferences } from '../private/expansion';

/**
 * Where each env var of a container may come from: the kubelet resolves
 * envFrom first and lets env override it, and expands `$(NAME)` in command and
 * args from the result, Secret values included. An env `value` is itself
 * expanded from the vars defined before it, so `B=$(A)` carries A's Secret.
 */
function secretSource(raw: any, name: string, before?: number, seen: Set<string> = new Set()): string | undefined {
  const env: any[] = (Array.isArray(raw.env) ? raw.env : []).slice(0, before);
  const at = env.map(e => e?.name).lastIndexOf(name);
  if (at >= 0) {
    const own = env[at];
    const ref = own?.valueFrom?.secretKeyRef;
    if (ref) return `Secret ${ref.name ?? '?'} key ${ref.key ?? '?'}`;
    if (typeof own?.value !== 'string' || seen.has(name)) return undefined;
    seen.add(name);
    for (const inner of expansionReferences(own.value)) {
      const source = secretSource(raw, inner, at, seen);
      if (source) return `${source}, through ${name}`;
    }
    return undefined;
  }
  const envFrom: any[] = Array.isArray(raw.envFrom) ? raw.envFrom : [];
  // Not a plain env var: any Secret it imports whose prefix fits may hold it (the Secret's keys are not in the manifest).
  const from = envFrom.find(f => f?.secretRef && name.startsWith(typeof f.prefix === 'string' ? f.prefix : ''));
  return from ? `perhaps Secret ${from.secretRef.name ?? '?'} (envFrom)` : undefined;
}

/** @internal */
export const CS_SEC_003: Rule = defineRule({
  id: 'CS-SEC-003',
  level: RuleLevel.ERROR,
  reads: 'pods',
  summary: 'No container puts a Secret-backed env var on its command line with $(NAME)',
  explanation: 'The kubelet expands $(NAME) in command and args from the container\'s env, Secret references included. The secret then '
    + 'sits in the process list, in crash and debug logs, and in whatever the program echoes (vLLM serves --served-model-name at /v1/models). '
    + '$$(NAME) is the escape that passes a literal $(NAME).',
  fix: 'Let the program read the variable from its environment (vLLM reads HF_TOKEN and VLLM_API_KEY itself) or mount the Secret as a file and pass '
    + 'its path; write $$(NAME) where a literal $(NAME) is meant.',
  check(obj) {
    const found: Violation[] = [];
    for (const pod of podsOf(obj)) {
      for (const c of pod.containers) {
        for (const field of ['command', 'args'] as const) {
          const items: unknown[] = Array.isArray(c.raw[field]) ? c.raw[field] : [];
          items.forEach((item, i) => {
            if (typeof item !== 'string') return;
            const names = expansionReferences(item);
            if (!names.length) return;
            for (const name of new Set(names)) {
              const source = secretSource(c.raw, name);
              // The element is not shown: the rest of it may be a credential too.
              if (source) found.push({ value: `${field}[${i}] $(${name})`, message: `${c.init ? 'initContainer' : 'container'} "${c.name}" expands ${name} (${source}) into its ${field}` });
            }
          });
        }
      }
    }
    return found;
  },
});
