import { k8s } from 'cdk8s-plus-28';

/** Label value of `app.kubernetes.io/managed-by` on everything the library writes. @internal */
export const MANAGED_BY = 'cdk8s-coldstart';

/** Bounded resources of one auxiliary container. @internal */
export interface AuxResources {
  readonly cpu: string;
  readonly memory: string;
  /** Ephemeral storage, when the container writes to its own filesystem or an emptyDir. */
  readonly ephemeralStorage?: string;
}

/** @internal */
export interface AuxContainer {
  readonly name: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: k8s.EnvVar[];
  readonly volumeMounts?: k8s.VolumeMount[];
  readonly resources: AuxResources;
  /**
   * The image cannot run as non-root (it must write where only root may, e.g.
   * a hostPath). Capabilities stay dropped and escalation off.
   */
  readonly needsRoot?: boolean;
}

/** @internal */
export interface AuxPodOptions {
  readonly containers: AuxContainer[];
  readonly initContainers?: AuxContainer[];
  readonly volumes?: k8s.Volume[];
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: k8s.Toleration[];
  readonly priorityClassName?: string;
  readonly terminationGracePeriodSeconds?: number;
  /** `Never` or `OnFailure` for Jobs; unset (Always) for Deployments and DaemonSets. */
  readonly restartPolicy?: string;
  /** A service account for workload identity (loader Jobs reading a bucket). */
  readonly serviceAccountName?: string;
}

/** The UID auxiliary containers run as when the image allows: the distroless `nonroot` user. */
/** @internal */
export const NON_ROOT_UID = 65532;

/**
 * Parts of the hardened securityContext every pod and container the library
 * writes repeats: one object each for all of them. Typed bodies hold them as
 * given until rendered, and rendering copies them. Frozen, so a write into one
 * fails where it is made instead of changing every container.
 * @internal
 */
export const DROP_ALL_CAPABILITIES: k8s.Capabilities = deepFreeze({ drop: ['ALL'] });
/** @internal */
export const RUNTIME_DEFAULT_SECCOMP: k8s.SeccompProfile = deepFreeze({ type: 'RuntimeDefault' });

/** An auxiliary container's securityContext, as the image allows: the same for every one, so shared. */
const AUX_CONTAINER_SECURITY = {
  nonRoot: auxContainerSecurity({ runAsNonRoot: true, runAsUser: NON_ROOT_UID, runAsGroup: NON_ROOT_UID }),
  root: auxContainerSecurity({ runAsNonRoot: false, runAsUser: 0 }),
};

function auxContainerSecurity(user: k8s.SecurityContext): k8s.SecurityContext {
  return deepFreeze({
    allowPrivilegeEscalation: false,
    capabilities: DROP_ALL_CAPABILITIES,
    privileged: false,
    // Also here, not only on the pod: in a Knative model pod (the sleep proxy, an init container) a pod-level one needs a flag.
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
    ...user,
  });
}

/** An auxiliary pod's securityContext, shared the same way. */
const AUX_POD_SECURITY: { readonly nonRoot: k8s.PodSecurityContext; readonly root: k8s.PodSecurityContext } = {
  nonRoot: deepFreeze({
    seccompProfile: RUNTIME_DEFAULT_SECCOMP, runAsNonRoot: true, runAsUser: NON_ROOT_UID, runAsGroup: NON_ROOT_UID, fsGroup: NON_ROOT_UID,
  }),
  root: deepFreeze({ seccompProfile: RUNTIME_DEFAULT_SECCOMP }),
};

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) deepFreeze(v);
  return Object.freeze(value);
}

function quantity(value: string): k8s.Quantity {
  return k8s.Quantity.fromString(value);
}

/**
 * One auxiliary container with the security defaults: no privilege
 * escalation, every capability dropped, non-root unless the image needs root,
 * and requests equal to limits.
 * @internal
 */
export function auxContainer(c: AuxContainer): k8s.Container {
  const amounts: Record<string, k8s.Quantity> = { cpu: quantity(c.resources.cpu), memory: quantity(c.resources.memory) };
  if (c.resources.ephemeralStorage) amounts['ephemeral-storage'] = quantity(c.resources.ephemeralStorage);
  return {
    name: c.name,
    image: c.image,
    // Every image the library writes is pinned by digest.
    imagePullPolicy: 'IfNotPresent',
    command: c.command,
    args: c.args,
    env: c.env,
    volumeMounts: c.volumeMounts,
    resources: { requests: amounts, limits: amounts },
    securityContext: c.needsRoot ? AUX_CONTAINER_SECURITY.root : AUX_CONTAINER_SECURITY.nonRoot,
  };
}

/**
 * The pod spec of an auxiliary pod (warm buffer, pre-pull, prefetch, loader):
 * no service account token, RuntimeDefault seccomp, hardened containers.
 * @internal
 */
export function auxPodSpec(o: AuxPodOptions): k8s.PodSpec {
  const all = [...(o.initContainers ?? []), ...o.containers];
  const root = all.some(c => c.needsRoot);
  return {
    automountServiceAccountToken: false,
    serviceAccountName: o.serviceAccountName,
    enableServiceLinks: false,
    securityContext: root ? AUX_POD_SECURITY.root : AUX_POD_SECURITY.nonRoot,
    initContainers: o.initContainers?.length ? o.initContainers.map(auxContainer) : undefined,
    containers: o.containers.map(auxContainer),
    volumes: o.volumes?.length ? o.volumes : undefined,
    nodeSelector: o.nodeSelector && Object.keys(o.nodeSelector).length ? o.nodeSelector : undefined,
    tolerations: o.tolerations?.length ? o.tolerations : undefined,
    priorityClassName: o.priorityClassName,
    terminationGracePeriodSeconds: o.terminationGracePeriodSeconds,
    restartPolicy: o.restartPolicy,
  };
}

/**
 * Labels of an auxiliary object of model `name`: rule CS-SEC-002 holds every
 * pod labelled managed-by cdk8s-coldstart, other than the model server, to the
 * security defaults.
 * @internal
 */
export function auxLabels(name: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}
