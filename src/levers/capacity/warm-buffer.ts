import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { renderCapacityBuffer } from './capacity-buffer';
import { pauseImage, TINY } from './pause-image';
import { cronTriggers, PreWarmSchedule } from './pre-warm';
import { Scheduling } from '../../blueprint';
import { GpuOptions } from '../../gpu';
import { auxLabels, auxPodSpec } from '../../private/aux-pod';
import { clusterScoped } from '../../private/cluster-scoped';
import { crds } from '../../private/crds';
import { fail } from '../../private/errors';
import { gpuShape, resolveGpu, ResolvedGpu } from '../../private/gpu';
import { INT32_MAX } from '../../private/k8s-names';
import { ManifestObject } from '../../private/manifest-object';
import { merged } from '../../private/merged';

/**
 * How the warm buffer holds its GPU nodes.
 */
export enum WarmBufferMode {
  /**
   * A Deployment of low-priority `pause` pods (the cluster-autoscaler FAQ
   * pattern): works on every cluster and with Karpenter.
   */
  PAUSE_PODS = 'pause-pods',
  /**
   * A `CapacityBuffer` (`autoscaling.x-k8s.io/v1beta1`) over a PodTemplate:
   * the autoscaler keeps the capacity without running pods. Needs a cluster
   * that serves the CRD (GKE, or Karpenter with its `CapacityBuffer` gate), so
   * it is refused on the generic cloud.
   */
  CAPACITY_BUFFER = 'capacity-buffer',
}

/**
 * A warm buffer of GPU nodes (lever 3): placeholder pods of the model's GPU
 * shape keep nodes up, and the model preempts them on wake instead of waiting
 * minutes for a new node.
 */
export interface WarmBufferOptions {
  /**
   * Whether to keep a buffer.
   * @default - on in production, off in lab (a lab idles at zero cost)
   */
  readonly enabled?: boolean;

  /**
   * Copies of the model's GPU shape to hold (one node-sized slot each).
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Pause pods or a CapacityBuffer.
   * @default WarmBufferMode.PAUSE_PODS
   */
  readonly mode?: WarmBufferMode;

  /**
   * Value of the buffer's PriorityClass (pause pods only). At least -10:
   * cluster-autoscaler never scales up for pods below -10 (the expendable
   * cutoff). It must stay below the model's priority.
   * @default -10
   */
  readonly priority?: number;

  /**
   * The image of the placeholder pods, pinned by digest.
   * @default 'registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a'
   */
  readonly image?: string;

  /**
   * The GPU shape to hold, when you want it spelled out: it must equal the
   * model's `gpu` (a different shape would keep nodes the model cannot use).
   * @default - the model's gpu
   */
  readonly gpu?: GpuOptions;
}

/** cluster-autoscaler's expendable-pods cutoff: lower never triggers scale-up. @internal */
export const BUFFER_PRIORITY = -10;

/** @internal */
export interface ResolvedWarmBuffer {
  /** Copies held outside pre-warm windows (0: the buffer exists only in them). */
  readonly replicas: number;
  /** Pre-warm windows that raise the buffer: a KEDA ScaledObject then owns its size. */
  readonly schedule?: PreWarmSchedule;
  readonly mode: WarmBufferMode;
  readonly priority: number;
  readonly image: string;
}

/**
 * Checks the options against the model's GPU shape and priority at
 * construction. `modelPriority` is undefined for an existing class (its value
 * is >= 0 by contract).
 * @internal
 */
export function resolveWarmBuffer(
  scope: Construct,
  o: WarmBufferOptions,
  modelGpu: ResolvedGpu,
  modelPriority: number | undefined,
  production: boolean,
): ResolvedWarmBuffer | undefined {
  if (!(o.enabled ?? production)) return undefined;
  const replicas = o.replicas ?? 1;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > INT32_MAX) {
    fail(scope, 'CS-IN-045', `capacity.warmBuffer.replicas ${replicas} is not an integer in [1, ${INT32_MAX}]`, 'hold at least one copy of the GPU shape, or set capacity.warmBuffer.enabled: false');
  }
  const priority = o.priority ?? BUFFER_PRIORITY;
  if (!Number.isInteger(priority) || priority < BUFFER_PRIORITY) {
    fail(scope, 'CS-IN-036', `capacity.warmBuffer.priority ${priority} is not an integer >= ${BUFFER_PRIORITY}; cluster-autoscaler never adds a node for pods below ${BUFFER_PRIORITY}`,
      `use ${BUFFER_PRIORITY} (the default)`);
  }
  const ceiling = modelPriority ?? 0;
  if (priority >= ceiling) {
    const model = modelPriority === undefined ? 'the existing capacity.priorityClassName (whose value may be as low as 0)' : `the model's priority ${modelPriority}`;
    fail(scope, 'CS-IN-036', `the warm buffer's priority ${priority} is not below ${model}: the model would wait for a node instead of preempting the pause pods`,
      `keep capacity.warmBuffer.priority at ${BUFFER_PRIORITY} and capacity.priority >= 0`);
  }
  if (o.gpu) {
    const want = gpuShape(modelGpu);
    const got = gpuShape(resolveGpu(scope, o.gpu, 'capacity.warmBuffer.gpu'));
    if (want !== got) {
      fail(scope, 'CS-IN-035', `the warm buffer's GPU shape ${got} differs from the model's ${want}: it would hold nodes the model cannot use`,
        'drop capacity.warmBuffer.gpu (it defaults to the model\'s gpu) or make it equal to gpu');
    }
  }
  const image = pauseImage(scope, o.image, 'warm buffer image');
  return { replicas, mode: o.mode ?? WarmBufferMode.PAUSE_PODS, priority, image };
}

/**
 * The placeholder pod: pause holding the model pod's GPU limit on the model
 * pod's nodes (node selector and tolerations as the blueprint has them, GKE
 * compute class or Karpenter NodePool selector included).
 * @internal
 */
export function placeholderPodSpec(image: string, placement: Scheduling, gpuResource: string, priorityClassName?: string): k8s.PodSpec {
  const spec = auxPodSpec({
    containers: [{ name: 'pause', image, resources: TINY }],
    nodeSelector: { ...placement.nodeSelector },
    tolerations: [...placement.tolerations],
    priorityClassName,
    // Preempted pause pods must free the GPU at once.
    terminationGracePeriodSeconds: 0,
  });
  const gpu = k8s.Quantity.fromString(placement.resources[gpuResource]);
  const [pause] = spec.containers;
  const resources = {
    requests: merged(pause.resources!.requests, { [gpuResource]: gpu }),
    limits: merged(pause.resources!.limits, { [gpuResource]: gpu }),
  };
  return merged(spec, { containers: [merged(pause, { resources })] });
}

/**
 * Renders the buffer: a PriorityClass at -10 and a Deployment of pause pods,
 * or a PodTemplate and a CapacityBuffer.
 * @internal
 */
export function renderWarmBuffer(
  scope: Construct,
  name: string,
  servedModelName: string,
  buffer: ResolvedWarmBuffer,
  placement: Scheduling,
  gpuResource: string,
): void {
  const bufferName = `${name}-warm-buffer`;
  const labels = auxLabels(name, 'warm-buffer');
  if (buffer.mode === WarmBufferMode.CAPACITY_BUFFER) {
    renderCapacityBuffer(scope, bufferName, labels, buffer.replicas, placeholderPodSpec(buffer.image, placement, gpuResource));
    return;
  }
  clusterScoped(ManifestObject.render(scope, 'WarmBufferPriorityClass', k8s.KubePriorityClass, {
    metadata: { name: bufferName, labels },
    value: buffer.priority,
    globalDefault: false,
    // A placeholder never evicts anything; it only waits to be evicted.
    preemptionPolicy: 'Never',
    description: `Warm GPU buffer of model ${servedModelName}: pause pods the model preempts on wake.`,
  }));
  const deployment = ManifestObject.render(scope, 'WarmBuffer', k8s.KubeDeployment, {
    metadata: { name: bufferName, labels },
    spec: {
      // KEDA owns the count under a schedule: a fixed one here would be reset at every apply.
      replicas: buffer.schedule ? undefined : buffer.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: placeholderPodSpec(buffer.image, placement, gpuResource, bufferName),
      },
    },
  });
  if (buffer.schedule) {
    // `<name>-prewarm`, not `<name>-warm-buffer`: KEDA names its HPA `keda-hpa-<ScaledObject>` and refuses
    // one above 63 characters (keda v2.20.2 scaledobject_webhook.go, verifyName); 45 + 8 + 9 fits.
    const scaled = new ManifestObject(scope, 'WarmBufferScaledObject', {
      ...crds.scaledObject().ScaledObject.GVK,
      metadata: { name: `${name}-prewarm`, labels },
      spec: {
        scaleTargetRef: { apiVersion: deployment.apiVersion, kind: deployment.kind, name: deployment.name },
        // Outside the windows no cron trigger is active: KEDA keeps the standing buffer, or scales it to zero.
        minReplicaCount: buffer.replicas,
        maxReplicaCount: Math.max(...buffer.schedule._windows.map(w => w.warmNodes ?? 0)),
        triggers: cronTriggers(buffer.schedule, 'warmNodes'),
      },
    });
    scaled.node.addDependency(deployment);
  }
}
