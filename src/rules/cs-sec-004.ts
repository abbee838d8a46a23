import { isVllm, podsOf, storageUris } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/** Seccomp profiles Pod Security's `restricted` level accepts. */
const CONFINED = new Set(['RuntimeDefault', 'Localhost']);

/** The one capability `restricted` lets a container add back. */
const ADDABLE = 'NET_BIND_SERVICE';

/** Node namespaces `baseline` forbids sharing. */
const HOST_NAMESPACES: Array<[string, string]> = [['hostNetwork', 'network'], ['hostPID', 'PID'], ['hostIPC', 'IPC']];

/** @internal */
export const CS_SEC_004: Rule = defineRule({
  id: 'CS-SEC-004',
  level: RuleLevel.WARNING,
  reads: 'vllm',
  summary: 'A vLLM server container meets Pod Security\'s restricted level where it can: not privileged, no privilege escalation, every capability dropped '
    + '(none added but NET_BIND_SERVICE), a RuntimeDefault seccomp profile, a non-root uid, no node namespace, and no service account token it does not use',
  explanation: 'The engine runs models and code paths that clients reach over the network; in a pod with capabilities, an unconfined '
    + 'seccomp profile, root and an API token, one exploitable bug reaches the node and the cluster. Namespaces labelled '
    + 'pod-security.kubernetes.io/enforce=restricted reject such pods outright. The image runs as root by default, so the uid must be set. '
    + 'A modelcar InferenceService is not held to the uid: KServe sets it (uidModelcar).',
  fix: 'On the vLLM container: securityContext allowPrivilegeEscalation: false, capabilities.drop [ALL], seccompProfile RuntimeDefault, '
    + 'runAsNonRoot: true with a runAsUser other than 0, no privileged and no capabilities.add, and HOME on a writable volume; on the pod: '
    + 'no hostNetwork, hostPID or hostIPC, automountServiceAccountToken: false unless it names a service account other than `default` '
    + '(workload identity), and fsGroup for claims the engine writes.',
  check(obj) {
    const found: Violation[] = [];
    // KServe writes uidModelcar over the container's uid for an oci:// storage URI.
    const uidByKServe = obj?.kind === 'InferenceService' && storageUris(obj).some(u => u.startsWith('oci://'));
    for (const pod of podsOf(obj)) {
      const podSc = pod.spec.securityContext ?? {};
      // Naming `default` is naming no identity: the namespace's default account, whose token nothing here uses.
      const account = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
      const token = pod.spec.automountServiceAccountToken !== false && (!account || account === 'default');
      const shared = HOST_NAMESPACES.filter(([k]) => pod.spec[k] === true);
      for (const c of pod.containers.filter(x => !x.init && isVllm(x))) {
        // One finding per container, naming every setting it misses: the table stays readable.
        const sc = c.raw.securityContext ?? {};
        const missing: Array<[string, string]> = [];
        if (sc.privileged === true) missing.push(['privileged', 'runs privileged']);
        if (sc.allowPrivilegeEscalation !== false) missing.push(['allowPrivilegeEscalation', 'may escalate privileges']);
        if (!(sc.capabilities?.drop ?? []).includes('ALL')) missing.push(['capabilities.drop', 'keeps Linux capabilities']);
        const added = (Array.isArray(sc.capabilities?.add) ? sc.capabilities.add : []).filter((x: unknown) => x !== ADDABLE);
        if (added.length) missing.push(['capabilities.add', `adds capabilities ${added.join(', ')}`]);
        if (!CONFINED.has(sc.seccompProfile?.type ?? podSc.seccompProfile?.type)) missing.push(['seccompProfile', 'has no RuntimeDefault seccomp profile']);
        const uid = sc.runAsUser ?? podSc.runAsUser;
        // restricted refuses an explicit uid 0 even beside runAsNonRoot (the kubelet would not start it either).
        const nonRoot = (sc.runAsNonRoot ?? podSc.runAsNonRoot) === true || (typeof uid === 'number' && uid > 0);
        if (!uidByKServe && uid === 0) missing.push(['runAsUser', 'runs as uid 0']);
        if (!uidByKServe && uid !== 0 && !nonRoot) missing.push(['runAsNonRoot', 'runs as root (the image\'s default user)']);
        for (const [k, ns] of shared) missing.push([k, `shares the node's ${ns} namespace`]);
        if (token) missing.push(['automountServiceAccountToken', 'mounts a service account token vLLM never uses']);
        if (!missing.length) continue;
        found.push({ value: missing.map(([k]) => k).join(', '), message: `vLLM container "${c.name}" ${missing.map(([, m]) => m).join('; ')}` });
      }
    }
    return found;
  },
});
