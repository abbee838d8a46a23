import { isVllm, podsOf, storageUris } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/** Seccomp profiles Pod Security's `restricted` level accepts. */
const CONFINED = new Set(['RuntimeDefault', 'Localhost']);

/** @internal */
export const CS_SEC_004: Rule = defineRule({
  id: 'CS-SEC-004',
  level: RuleLevel.WARNING,
  summary: 'A vLLM server container meets Pod Security\'s restricted level where it can: no privilege escalation, every capability dropped, '
    + 'a RuntimeDefault seccomp profile, a non-root uid, and no service account token it does not use',
  explanation: 'The engine runs models and code paths that clients reach over the network; in a pod with capabilities, an unconfined '
    + 'seccomp profile, root and an API token, one exploitable bug reaches the node and the cluster. Namespaces labelled '
    + 'pod-security.kubernetes.io/enforce=restricted reject such pods outright. The image runs as root by default, so the uid must be set. '
    + 'A modelcar InferenceService is not held to the uid: KServe sets it (uidModelcar).',
  fix: 'On the vLLM container: securityContext allowPrivilegeEscalation: false, capabilities.drop [ALL], seccompProfile RuntimeDefault, '
    + 'runAsNonRoot: true with a runAsUser, and HOME on a writable volume; on the pod: automountServiceAccountToken: false unless it '
    + 'names a service account (workload identity), and fsGroup for claims the engine writes.',
  check(obj) {
    const found: Violation[] = [];
    // KServe writes uidModelcar over the container's uid for an oci:// storage URI.
    const uidByKServe = obj?.kind === 'InferenceService' && storageUris(obj).some(u => u.startsWith('oci://'));
    for (const pod of podsOf(obj)) {
      const podSc = pod.spec.securityContext ?? {};
      const token = pod.spec.automountServiceAccountToken !== false && !pod.spec.serviceAccountName;
      for (const c of pod.containers.filter(x => !x.init && isVllm(x))) {
        // One finding per container, naming every setting it misses: the table stays readable.
        const sc = c.raw.securityContext ?? {};
        const missing: Array<[string, string]> = [];
        if (sc.allowPrivilegeEscalation !== false) missing.push(['allowPrivilegeEscalation', 'may escalate privileges']);
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) missing.push(['capabilities.drop', 'keeps Linux capabilities']);
        if (!CONFINED.has(sc.seccompProfile?.type ?? podSc.seccompProfile?.type)) missing.push(['seccompProfile', 'has no RuntimeDefault seccomp profile']);
        const uid = sc.runAsUser ?? podSc.runAsUser;
        if (!uidByKServe && !((sc.runAsNonRoot ?? podSc.runAsNonRoot) === true || (typeof uid === 'number' && uid > 0))) {
          missing.push(['runAsNonRoot', 'runs as root (the image\'s default user)']);
        }
        if (token) missing.push(['automountServiceAccountToken', 'mounts a service account token vLLM never uses']);
        if (!missing.length) continue;
        found.push({ value: missing.map(([k]) => k).join(', '), message: `vLLM container "${c.name}" ${missing.map(([, m]) => m).join('; ')}` });
      }
    }
    return found;
  },
});
