/**
 * Which pod fields Knative Serving's webhook accepts, and behind which
 * `config-features` flag. SOURCE: knative/serving pkg/apis/serving/fieldmask.go
 * (PodSpecMask, VolumeSourceMask, SecurityContextMask, EnvVarSourceMask),
 * pkg/apis/serving/k8s_validation.go (validateSidecarContainer: probes on a
 * container without the serving port) and pkg/apis/config/features.go (flag
 * names and defaults).
 */

/** Pod spec fields any revision may set (`automountServiceAccountToken` only as false). @internal */
export const ALWAYS_ALLOWED_POD_FIELDS = [
  'automountServiceAccountToken', 'containers', 'enableServiceLinks', 'imagePullSecrets', 'serviceAccountName', 'volumes',
];

/** Pod spec fields behind a flag (disabled by default). @internal */
export const POD_FIELD_FLAGS: Record<string, string> = {
  affinity: 'kubernetes.podspec-affinity',
  dnsConfig: 'kubernetes.podspec-dnsconfig',
  dnsPolicy: 'kubernetes.podspec-dnspolicy',
  hostAliases: 'kubernetes.podspec-hostaliases',
  hostIPC: 'kubernetes.podspec-hostipc',
  hostNetwork: 'kubernetes.podspec-hostnetwork',
  hostPID: 'kubernetes.podspec-hostpid',
  initContainers: 'kubernetes.podspec-init-containers',
  nodeSelector: 'kubernetes.podspec-nodeselector',
  priorityClassName: 'kubernetes.podspec-priorityclassname',
  runtimeClassName: 'kubernetes.podspec-runtimeclassname',
  schedulerName: 'kubernetes.podspec-schedulername',
  securityContext: 'kubernetes.podspec-securitycontext',
  shareProcessNamespace: 'kubernetes.podspec-shareprocessnamespace',
  tolerations: 'kubernetes.podspec-tolerations',
  topologySpreadConstraints: 'kubernetes.podspec-topologyspreadconstraints',
};

/** Pod securityContext fields the flag admits (PodSecurityContextMask); `fsGroupChangePolicy` and the rest never pass. @internal */
export const POD_SECURITY_CONTEXT_FIELDS = ['fsGroup', 'runAsGroup', 'runAsNonRoot', 'runAsUser', 'seccompProfile', 'supplementalGroups'];

/** Container securityContext fields Knative accepts (SecurityContextMask; `privileged` only as false). @internal */
export const CONTAINER_SECURITY_CONTEXT_FIELDS = [
  'allowPrivilegeEscalation', 'capabilities', 'privileged', 'readOnlyRootFilesystem', 'runAsGroup', 'runAsNonRoot', 'runAsUser', 'seccompProfile',
];

/** Volume sources any revision may use. @internal */
export const ALWAYS_ALLOWED_VOLUME_SOURCES = ['configMap', 'projected', 'secret'];

/**
 * Volume sources behind a flag. `emptyDir`'s is enabled by default, the others
 * are disabled; a writable claim also needs `kubernetes.podspec-persistent-volume-write`.
 * @internal
 */
export const VOLUME_SOURCE_FLAGS: Record<string, string> = {
  csi: 'kubernetes.podspec-volumes-csi',
  emptyDir: 'kubernetes.podspec-volumes-emptydir',
  hostPath: 'kubernetes.podspec-volumes-hostpath',
  persistentVolumeClaim: 'kubernetes.podspec-persistent-volume-claim',
};

/** Flags Knative enables by default: a pod using only these needs nothing declared. @internal */
export const ENABLED_BY_DEFAULT = ['kubernetes.podspec-volumes-emptydir'];

/** Flags beyond pod fields: added capabilities, and env from the downward API. @internal */
export const ADD_CAPABILITIES_FLAG = 'kubernetes.containerspec-addcapabilities';
/** @internal */
export const FIELD_REF_FLAG = 'kubernetes.podspec-fieldref';
/** @internal */
export const PVC_WRITE_FLAG = 'kubernetes.podspec-persistent-volume-write';
/**
 * Probes on a container that does not declare the serving port (sleep mode's
 * engine behind its proxy): without the flag (disabled by default) Knative
 * rejects any probe field there.
 * @internal
 */
export const MULTI_CONTAINER_PROBING_FLAG = 'multi-container-probing';

/**
 * The `config-features` flags a pod spec needs, disabled-by-default ones
 * only, sorted. Fields Knative never accepts are not flags and are not listed.
 * @internal
 */
export function knativeFlagsNeeded(spec: any, containers: readonly any[]): string[] {
  // Read for every pod of every Knative InferenceService: the tables' entries are listed once, not at each call.
  const flags = new Set<string>();
  for (let i = 0; i < POD_FIELD_FLAG_ENTRIES.length; i++) if (present(spec?.[POD_FIELD_FLAG_ENTRIES[i][0]])) flags.add(POD_FIELD_FLAG_ENTRIES[i][1]);
  const volumes: any[] = Array.isArray(spec?.volumes) ? spec.volumes : [];
  for (const v of volumes) {
    for (let i = 0; i < VOLUME_SOURCE_FLAG_ENTRIES.length; i++) {
      if (v?.[VOLUME_SOURCE_FLAG_ENTRIES[i][0]]) flags.add(VOLUME_SOURCE_FLAG_ENTRIES[i][1]);
    }
    // Knative refuses a claim that is not read-only at the volume without the write flag, however it is
    // mounted (knative/serving 98e5ef90 pkg/apis/serving/k8s_validation.go, validatePersistentVolumeClaims).
    if (v?.persistentVolumeClaim && !v.persistentVolumeClaim.readOnly) flags.add(PVC_WRITE_FLAG);
  }
  for (const c of containers) {
    if (!c || typeof c !== 'object') continue;
    if (c.securityContext?.capabilities?.add?.length) flags.add(ADD_CAPABILITIES_FLAG);
    for (const e of Array.isArray(c.env) ? c.env : []) if (e?.valueFrom?.fieldRef || e?.valueFrom?.resourceFieldRef) flags.add(FIELD_REF_FLAG);
  }
  const podContainers: any[] = Array.isArray(spec?.containers) ? spec.containers : [];
  if (podContainers.length > 1 && podContainers.some(c => !c?.ports?.length && (c?.livenessProbe || c?.readinessProbe || c?.startupProbe))) {
    flags.add(MULTI_CONTAINER_PROBING_FLAG);
  }
  for (const f of ENABLED_BY_DEFAULT) flags.delete(f);
  return [...flags].sort();
}

const POD_FIELD_FLAG_ENTRIES = Object.entries(POD_FIELD_FLAGS);
const VOLUME_SOURCE_FLAG_ENTRIES = Object.entries(VOLUME_SOURCE_FLAGS);

/** A field the pod sets: not unset, false, empty (list, map or string). */
function present(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false && !(Array.isArray(v) && !v.length)
    && !(typeof v === 'object' && !Array.isArray(v) && !Object.keys(v as object).length) && v !== '';
}
