import { k8s } from 'cdk8s-plus-28';
import { Facts, PodBlueprint } from '../blueprint';
import { bytesToQuantity } from '../private/quantity';

/**
 * The blueprint as a typed PodSpec: the engine first, then the sidecars
 * (sleep mode's proxy). Every backend places this same spec, so the lever
 * settings are rendered once and shared. The public port, on the engine or on
 * the sidecar that owns it, carries the backend's port name (Knative accepts
 * only `http1`, `h2c` or none).
 * @internal
 */
export function renderPodSpec(bp: PodBlueprint, containerName: string, portName = 'http1'): k8s.PodSpec {
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
  return {
    initContainers: initContainers.length ? initContainers : undefined,
    containers: [container, ...bp.sidecars.map(c => ({ ...c, ports: c.ports?.map(p => named(p, bp.port, portName)) }))],
    serviceAccountName: bp.serviceAccountName,
    volumes: bp.renderVolumes(),
    enableServiceLinks: bp.enableServiceLinks,
    priorityClassName: bp.priorityClassName,
    nodeSelector: Object.keys(bp.nodeSelector).length ? { ...bp.nodeSelector } : undefined,
    tolerations: bp.tolerations.length ? [...bp.tolerations] : undefined,
  };
}

/** The public port under the backend's name; any other port as it is. */
function named(p: k8s.ContainerPort, publicPort: number, name: string): k8s.ContainerPort {
  return p.containerPort === publicPort ? { ...p, name } : p;
}
