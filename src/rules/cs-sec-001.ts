import { ContainerView, podMetadata, podsOf, storageUris } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { credentialIn, isCredentialName, masked } from '../private/redact';

/** A value that is only a `$(NAME)` reference: the kubelet fills it from another env var, which CS-SEC-003 judges. */
const REFERENCE = /^\$\([^)]*\)$/;

/** The credential a value carries, when it is a string. */
function textCredential(value: unknown): string | undefined {
  return typeof value === 'string' ? credentialIn(value) : undefined;
}

/** @internal */
export const CS_SEC_001: Rule = defineRule({
  id: 'CS-SEC-001',
  level: RuleLevel.ERROR,
  summary: 'No credential (HF token, API keys, cloud keys, passwords, signed URLs) is written as a literal: env values, command lines, storage URIs, annotations',
  explanation: 'A literal lands in the synthesized YAML, in git, in CI logs and in every kubectl describe; on a command line it is also in the '
    + 'process list. Credentials are recognized by the name they are given (HF_TOKEN, --api-key, *_PASSWORD ...) and by their shape '
    + '(Hugging Face, OpenAI-style, GitHub and AWS access key ids, JWTs, a password in a URL, presigned-URL signatures). '
    + 'Tokens and keys belong in a Secret (env valueFrom.secretKeyRef) or come from workload identity.',
  fix: 'Use env[].valueFrom.secretKeyRef (or envFrom a Secret), or workload identity, instead of a literal; let vLLM read VLLM_API_KEY and '
    + 'HF_TOKEN from its environment rather than from a flag.',
  check(obj) {
    const found: Violation[] = [];
    const pods = podsOf(obj);
    for (let p = 0; p < pods.length; p++) {
      const containers = pods[p].containers;
      for (let i = 0; i < containers.length; i++) {
        const c = containers[i];
        envLiterals(found, c);
        argvLiterals(found, c, 'command');
        argvLiterals(found, c, 'args');
      }
    }
    const uris = storageUris(obj);
    for (let i = 0; i < uris.length; i++) shaped(found, credentialIn(uris[i]), 'storage URI', 'the model storage URI carries a credential');
    if (obj?.kind === 'LocalModelCache') shaped(found, textCredential(obj.spec?.sourceModelUri), 'spec.sourceModelUri', 'the LocalModelCache source URI carries a credential');
    const own = obj?.metadata?.annotations;
    annotationCredentials(found, own, 'metadata.annotations');
    const template = podMetadata(obj).annotations;
    if (template !== own) annotationCredentials(found, template, 'pod template annotations');
    return found;
  },
});

// Every string of every object is searched, mostly before the JIT has optimized this code: no closure or list
// per object or container, and the texts naming a finding made only for one found.

function shaped(found: Violation[], kind: string | undefined, where: string, message: string): void {
  if (kind) found.push({ value: `${where}: ${kind}`, message });
}

function who(c: ContainerView): string {
  return `${c.init ? 'initContainer' : 'container'} "${c.name}"`;
}

/** Literal credentials in a container's env values. */
function envLiterals(found: Violation[], c: ContainerView): void {
  const env = c.raw.env;
  if (!Array.isArray(env)) return;
  for (let i = 0; i < env.length; i++) {
    const e = env[i];
    if (typeof e?.value !== 'string' || e.value === '') continue;
    // A path (GOOGLE_APPLICATION_CREDENTIALS=/var/run/...) points at a mounted secret; it is not one.
    if (isCredentialName(String(e.name)) && !e.value.startsWith('/') && !REFERENCE.test(e.value)) {
      found.push({ value: `${e.name}=${masked(e.value)}`, message: `${who(c)} sets ${e.name} as a literal` });
    } else {
      const kind = credentialIn(e.value);
      if (kind) shaped(found, kind, `env ${e.name}`, `${who(c)} sets a credential in env ${e.name}`);
    }
  }
}

/** Literal credentials on a container's command line (`command` or `args`). */
function argvLiterals(found: Violation[], c: ContainerView, field: 'command' | 'args'): void {
  const items: unknown = c.raw[field];
  if (!Array.isArray(items)) return;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item !== 'string') continue;
    // Each element is one argv word as the program sees it: `--api-key=x`, or `--api-key` then `x`.
    const eq = item.indexOf('=');
    const named = item.startsWith('-') && eq > 0 && isCredentialName(item.slice(0, eq)) && eq < item.length - 1 && !REFERENCE.test(item.slice(eq + 1));
    const next = items[i + 1];
    const separate = item.startsWith('-') && eq < 0 && isCredentialName(item) && typeof next === 'string' && next !== '' && !next.startsWith('-') && !REFERENCE.test(next);
    if (named || separate) {
      const flag = named ? item.slice(0, eq) : item;
      found.push({ value: `${field}[${i}] ${flag}`, message: `${who(c)} passes ${flag} a literal on its command line` });
    } else {
      const kind = credentialIn(item);
      if (kind) shaped(found, kind, `${field}[${i}]`, `${who(c)} has a credential on its command line`);
    }
  }
}

/** Credentials in the values of an annotation map at `where`; anything but a map has none. */
function annotationCredentials(found: Violation[], map: unknown, where: string): void {
  if (map === null || typeof map !== 'object') return;
  const keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const kind = textCredential((map as Record<string, unknown>)[k]);
    if (kind) shaped(found, kind, `${where} ${k}`, `annotation ${k} carries a credential`);
  }
}
