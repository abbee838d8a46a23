import { k8s } from 'cdk8s-plus-28';
import { Facts, PodBlueprint } from '../blueprint';
import { WeightPath } from '../estimate/paths';
import { bytesToQuantity } from '../private/quantity';

/** The uid and gid the engine runs as where the library picks them (the vLLM image declares no user). @internal */
export const ENGINE_UID = 1000;

/** What the backend lets a pod say about its security. @internal */
export interface PodSecurityOptions {
  /**
   * The pod may carry a pod-level securityContext (for `fsGroup`): always on
   * a Deployment or KServe Standard, on Knative only with
   * `kubernetes.podspec-securitycontext`.
   */
  readonly podSecurityContext: boolean;
  /**
   * The pod may set `fsGroupChangePolicy`: Knative's field mask drops it even
   * with the flag (PodSecurityContextMask), and its webhook refuses the revision.
   */
  readonly fsGroupChangePolicy: boolean;
}

/**
 * Weight paths whose file permissions are set outside the pod, where a
 * non-root engine is not known to read: the engine keeps the image's root.
 */
const ROOT_READS: Partial<Record<WeightPath, string>> = {
  // KServe writes `uidModelcar` (inferenceservice-config; 1010 in v0.20's install, possibly 0) over the container's uid.
  [WeightPath.OCI_MODELCAR]: 'KServe sets the uid of a modelcar pod\'s containers (uidModelcar)',
  [WeightPath.MOUNTPOINT_S3]: 'Mountpoint for S3 serves only the user that mounted it unless the volume says allow-other',
  [WeightPath.FSX_LUSTRE]: 'FSx for Lustre files keep the owner and mode they were imported with',
  [WeightPath.GCS_FUSE]: 'the GCS FUSE driver, not the pod, sets the owner and mode of the bucket\'s files',
};

/**
 * Why the engine runs as root, or undefined when it runs as ENGINE_UID. A
 * writable claim (the compile cache) is root-owned until `fsGroup` hands it to
 * the pod's group.
 * @internal
 */
export function engineRootReason(spec: k8s.PodSpec, weightPath: WeightPath, options: PodSecurityOptions): string | undefined {
  const reads = ROOT_READS[weightPath];
  if (reads) return reads;
  if (options.podSecurityContext) return undefined;
  const claims = new Set((spec.volumes ?? []).filter(v => v.persistentVolumeClaim && !v.persistentVolumeClaim.readOnly).map(v => v.name));
  const writesClaim = (spec.containers[0].volumeMounts ?? []).some(m => claims.has(m.name) && !m.readOnly);
  return writesClaim ? 'a non-root engine could not write its claim without fsGroup, a pod securityContext Knative allows only with kubernetes.podspec-securitycontext' : undefined;
}

/**
 * The blueprint as a typed PodSpec: the engine first, then the sidecars
 * (sleep mode's proxy). Every backend places this same spec, so the lever
 * settings are rendered once and shared. The public port, on the engine or on
 * the sidecar that owns it, carries the backend's port name (Knative accepts
 * only `http1`, `h2c` or none).
 * @internal
 */
export function renderPodSpec(bp: PodBlueprint, containerName: string, portName: string, security: PodSecurityOptions): k8s.PodSpec {
  if (!bp.image) throw new Error('no lever set the engine image');
  const memory = k8s.Quantity.fromString(bytesToQuantity(bp.memoryLimit));
  const resources = Object.fromEntries(Object.entries(bp.resources).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));
  const container: k8s.Container = {
    name: containerName,
    image: bp.image,
    imagePullPolicy: bp.imagePullPolicy,
    command: bp.command,
    args: bp.renderArgs(),
    env: bp.renderEnv(),
    ports: bp.fact(Facts.ENGINE_SERVES_PORT) ? [{ name: portName, containerPort: bp.port, protocol: 'TCP' }] : undefined,
    resources: {
      // Guaranteed QoS for memory: request == limit, so a wake is never evicted for memory.
      requests: { ...resources, memory },
      limits: { ...resources, memory },
    },
    volumeMounts: bp.renderVolumeMounts(),
    startupProbe: bp.probes?.startup,
    readinessProbe: bp.probes?.readiness,
    livenessProbe: bp.probes?.liveness,
  };
  const initContainers = bp.renderInitContainers();
  const spec: k8s.PodSpec = {
    initContainers: initContainers.length ? initContainers : undefined,
    containers: [container, ...bp.sidecars.map(c => ({ ...c, ports: c.ports?.map(p => named(p, bp.port, portName)) }))],
    serviceAccountName: bp.serviceAccountName,
    // The engine calls no Kubernetes API; a workload identity's service account keeps its token.
    automountServiceAccountToken: bp.serviceAccountName ? undefined : false,
    volumes: bp.renderVolumes(),
    enableServiceLinks: bp.enableServiceLinks,
    priorityClassName: bp.priorityClassName,
    nodeSelector: Object.keys(bp.nodeSelector).length ? { ...bp.nodeSelector } : undefined,
    tolerations: bp.tolerations.length ? [...bp.tolerations] : undefined,
  };
  // Pod Security Standards: `restricted` asks for all of this; HOME and every cache sit on volumes, so any uid can write them.
  bp.engineRootReason = bp.fact(Facts.ENGINE_RUNS_AS_ROOT)
    ? 'runtime.runAsRoot: the image cannot run as another uid'
    : engineRootReason(spec, bp.fact(Facts.WEIGHT_PATH), security);
  const nonRoot = bp.engineRootReason === undefined;
  const seccompProfile = { type: 'RuntimeDefault' };
  spec.containers[0] = {
    ...container,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      seccompProfile,
      ...(nonRoot ? { runAsNonRoot: true, runAsUser: ENGINE_UID, runAsGroup: ENGINE_UID } : {}),
    },
  };
  if (security.podSecurityContext) {
    // Claims are chowned to this group at mount; OnRootMismatch skips the walk when the root already matches.
    const policy = security.fsGroupChangePolicy ? { fsGroupChangePolicy: 'OnRootMismatch' } : {};
    return { ...spec, securityContext: { fsGroup: ENGINE_UID, ...policy, seccompProfile } };
  }
  return spec;
}

/** The public port under the backend's name; any other port as it is. */
function named(p: k8s.ContainerPort, publicPort: number, name: string): k8s.ContainerPort {
  return p.containerPort === publicPort ? { ...p, name } : p;
}
