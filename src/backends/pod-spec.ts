import { k8s } from 'cdk8s-plus-28';
import { Facts, PodBlueprint } from '../blueprint';
import { DROP_ALL_CAPABILITIES, RUNTIME_DEFAULT_SECCOMP } from '../private/aux-pod';
import { merged } from '../private/merged';
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
 * Why the engine runs as root, or undefined when it runs as ENGINE_UID: the
 * user asked (runtime.runAsRoot), the weight source needs it, or a writable
 * claim (the compile cache) stays root-owned without `fsGroup` to hand it to
 * the pod's group.
 * @internal
 */
export function engineRootReason(spec: k8s.PodSpec, bp: PodBlueprint, options: PodSecurityOptions): string | undefined {
  if (bp.fact(Facts.ENGINE_RUNS_AS_ROOT)) return 'runtime.runAsRoot: the image cannot run as another uid';
  const reads = bp.fact(Facts.ENGINE_ROOT_REASON);
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
      requests: merged<Record<string, k8s.Quantity>>(resources, { memory }),
      limits: merged<Record<string, k8s.Quantity>>(resources, { memory }),
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
  bp.engineRootReason = engineRootReason(spec, bp, security);
  const nonRoot = bp.engineRootReason === undefined;
  const seccompProfile = RUNTIME_DEFAULT_SECCOMP;
  spec.containers[0] = merged(container, {
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: DROP_ALL_CAPABILITIES,
      privileged: false,
      seccompProfile,
      ...(nonRoot ? { runAsNonRoot: true, runAsUser: ENGINE_UID, runAsGroup: ENGINE_UID } : {}),
    },
  });
  if (security.podSecurityContext) {
    // Claims are chowned to this group at mount; OnRootMismatch skips the walk when the root already matches.
    const fsGroupChangePolicy = security.fsGroupChangePolicy ? 'OnRootMismatch' : undefined;
    return merged(spec, { securityContext: { fsGroup: ENGINE_UID, fsGroupChangePolicy, seccompProfile } });
  }
  return spec;
}

/** The public port under the backend's name; any other port as it is. */
function named(p: k8s.ContainerPort, publicPort: number, name: string): k8s.ContainerPort {
  return p.containerPort === publicPort ? { ...p, name } : p;
}
