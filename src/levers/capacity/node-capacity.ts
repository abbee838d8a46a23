import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CapacityOptions } from './capacity-options';
import { DO_NOT_DISRUPT, NODE_POOL_LABEL, renderNodePool, resolveNodePool, ResolvedNodePool } from './eks/karpenter-node-pool';
import { COMPUTE_CLASS_LABEL, renderComputeClass, resolveComputeClass, ResolvedComputeClass } from './gke/compute-class';
import { checkQueuedProvisioning, DWS_CLASS, renderProvisioningRequest } from './gke/provisioning-request';
import { heldGpuHoursPerWeek, PreWarmSchedule } from './pre-warm';
import { renderWarmBuffer, resolveWarmBuffer, ResolvedWarmBuffer, WarmBufferMode } from './warm-buffer';
import { Facts, LeverKind, PodWriter, PreWarmFacts } from '../../blueprint';
import { CapacityArrival } from '../../estimate/paths';
import { requireCloud } from '../../private/cloud';
import { clusterScoped } from '../../private/cluster-scoped';
import { fail } from '../../private/errors';
import { ManifestObject } from '../../private/manifest-object';
import { CloudProvider } from '../../profile';
import { Lever, LeverContext } from '../lever';

const DEFAULT_PRIORITY = 1000;
/** Kubernetes reserves larger values for system-* classes. */
const MAX_USER_PRIORITY = 1_000_000_000;

/**
 * Lever 3: the GPU shape (resource, node selector, tolerations) and a priority
 * >= 0, so a future warm buffer at -10 is preempted rather than waited on.
 * @internal
 */
export class NodeCapacity extends Lever {
  /** Name of the PriorityClass the model pod runs at. */
  public priorityClassName = '';
  private readonly buffer?: ResolvedWarmBuffer;
  /** A buffer is held outside pre-warm windows too (the estimate's warm-buffer case). */
  private readonly alwaysWarm: boolean;
  private readonly computeClass?: ResolvedComputeClass;
  private readonly nodePool?: ResolvedNodePool;

  public readonly kind = LeverKind.CAPACITY;

  constructor(scope: Construct, id: string, context: LeverContext, private readonly options: CapacityOptions) {
    super(scope, id, context);
    const { count } = context.gpu;
    const { priority, priorityClassName } = options;
    if (priorityClassName !== undefined && priority !== undefined) {
      fail(this, 'CS-IN-042', `both capacity.priorityClassName "${priorityClassName}" and capacity.priority ${priority} are set; the value of an existing class is not ours to set`,
        'pass priorityClassName (an existing class with value >= 0) or priority (the library creates the class), not both');
    }
    if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > MAX_USER_PRIORITY)) {
      fail(this, 'CS-IN-004', `priority ${priority} is not an integer in [0, ${MAX_USER_PRIORITY}]; below 0 the model could not preempt a warm buffer`,
        'use a value >= 0, e.g. 1000 (the default)');
    }
    const { gke, eks, warmBuffer } = options;
    const provider = context.profile.cloud.provider;
    if (gke) requireCloud(this, context.profile, CloudProvider.GKE, 'capacity.gke (ComputeClass, queued provisioning)', 'remove capacity.gke');
    if (eks) requireCloud(this, context.profile, CloudProvider.EKS, 'capacity.eks (Karpenter NodePool)', 'remove capacity.eks');
    const modelPriority = priorityClassName !== undefined ? undefined : priority ?? DEFAULT_PRIORITY;
    this.buffer = resolveWarmBuffer(this, warmBuffer ?? {}, context.gpu, modelPriority, context.profile.isProduction);
    this.alwaysWarm = this.buffer !== undefined;
    const scheduled = context.preWarm?._windows.filter(w => w.warmNodes !== undefined) ?? [];
    if (scheduled.length) {
      // Without a standing buffer the schedule brings one of size 0 outside its windows.
      const buffer = this.buffer ?? { ...resolveWarmBuffer(this, { ...warmBuffer, enabled: true }, context.gpu, modelPriority, true)!, replicas: 0 };
      if (buffer.mode === WarmBufferMode.CAPACITY_BUFFER) {
        // Its CRD declares a status subresource only (autoscaling.x-k8s.io_capacitybuffers.yaml): KEDA scales through /scale.
        fail(this, 'CS-IN-067', 'scaling.preWarm raises the warm buffer, but a CapacityBuffer has no scale subresource, so KEDA cannot resize it',
          'use capacity.warmBuffer.mode WarmBufferMode.PAUSE_PODS (a Deployment KEDA scales), or drop warmNodes from the schedule');
      }
      for (const w of scheduled) {
        if (w.warmNodes! <= buffer.replicas) {
          fail(this, 'CS-IN-066', `scaling.preWarm window "${w.start}" -> "${w.end}" holds ${w.warmNodes} warm-buffer copies, not above the ${buffer.replicas} the buffer always holds`,
            `set warmNodes above capacity.warmBuffer.replicas (${buffer.replicas}), or drop it from the window`);
        }
      }
      this.buffer = { ...buffer, schedule: context.preWarm };
    }
    if (this.buffer?.mode === WarmBufferMode.CAPACITY_BUFFER && provider === CloudProvider.GENERIC) {
      fail(this, 'CS-IN-034', 'a CapacityBuffer needs a cluster that serves autoscaling.x-k8s.io/v1beta1 CapacityBuffer, which the generic profile does not promise',
        'use WarmBufferMode.PAUSE_PODS (works on any cluster), or a GKE or EKS profile');
    }
    if (gke?.computeClass) this.computeClass = resolveComputeClass(this, gke.computeClass, context.name, count);
    if (gke?.queuedProvisioning) checkQueuedProvisioning(this, gke.queuedProvisioning);
    if (eks) this.nodePool = resolveNodePool(this, eks.nodePool, context.name);
  }

  public contribute(pod: PodWriter): void {
    const context = this.context;
    if (this.options.priorityClassName !== undefined) {
      this.priorityClassName = this.options.priorityClassName;
    } else {
      this.priorityClassName = `${context.name}-serving`;
      clusterScoped(ManifestObject.render(this, 'PriorityClass', k8s.KubePriorityClass, {
        metadata: { name: this.priorityClassName },
        value: this.options.priority ?? DEFAULT_PRIORITY,
        globalDefault: false,
        preemptionPolicy: 'PreemptLowerPriority',
        description: `Model ${context.servedModelName}: above any warm GPU buffer (value -10), so its pause pods are preempted on wake.`,
      }));
    }
    pod.priorityClassName(this.priorityClassName);

    const gpu = context.gpu;
    pod.resource(gpu.resourceName, `${gpu.count}`);
    for (const [key, value] of Object.entries(gpu.nodeSelector)) pod.nodeSelector(key, value);
    for (const t of gpu.tolerations) pod.toleration(t);

    if (this.computeClass) pod.nodeSelector(COMPUTE_CLASS_LABEL, this.computeClass.name);
    if (this.nodePool) {
      pod.nodeSelector(NODE_POOL_LABEL, this.nodePool.name);
      // A wake's node holds the images and page cache: Karpenter must not move the pod to save money.
      pod.podAnnotation(DO_NOT_DISRUPT, 'true');
    }
    if (this.options.gke?.queuedProvisioning) {
      pod.podAnnotation('autoscaling.x-k8s.io/consume-provisioning-request', `${context.name}-dws`);
      pod.podAnnotation('autoscaling.x-k8s.io/provisioning-class-name', DWS_CLASS);
    }
    if (this.alwaysWarm) pod.set(Facts.CAPACITY_ARRIVAL, CapacityArrival.WARM_BUFFER);
    if (context.preWarm) pod.set(Facts.PRE_WARM, preWarmFacts(context.preWarm, context.minReplicas, this.buffer?.replicas ?? 0, gpu.count));
    pod.set(Facts.CAPACITY_RESERVED, (this.computeClass?.reserved ?? false) || this.nodePool?.reservationTerms !== undefined);
    pod.set(Facts.NODES_SELECTED, Object.keys(gpu.nodeSelector).length > 0 || this.computeClass !== undefined || this.nodePool !== undefined);
  }

  /** Side objects that mirror the finished pod's nodes, and the node settings of the image lever. */
  public complete(pod: PodWriter): void {
    const context = this.context;
    const image = pod.get(Facts.NODE_IMAGE);
    if ((image.imageStreaming || image.secondaryBootDisks.length) && !this.computeClass) {
      fail(this, 'CS-IN-032', 'imagePull.gke settings live in the model\'s ComputeClass, and there is none',
        'add capacity.gke.computeClass (e.g. { gpuType: "nvidia-h100-80gb" }), or remove imagePull.gke');
    }
    if (image.dataVolumeSnapshotId && !this.nodePool) {
      fail(this, 'CS-IN-033', 'imagePull.eks.dataVolumeSnapshotId lives in the model\'s EC2NodeClass, and there is none',
        'add capacity.eks.nodePool, or remove imagePull.eks');
    }
    const weightVolume = pod.get(Facts.NODE_WEIGHT_VOLUME);
    if (weightVolume && !this.nodePool) {
      fail(this, 'CS-IN-090', 'WeightSource.ebsSnapshot attaches its volume through the model\'s EC2NodeClass, and there is none',
        'add capacity.eks.nodePool, or pick another weight source');
    }
    if (image.parallelPull && !this.nodePool) {
      fail(this, 'CS-IN-079', 'imagePull.eks.parallelPull lives in the user data of the model\'s EC2NodeClass, and there is none',
        'add capacity.eks.nodePool (Bottlerocket >= 1.44.0), or remove imagePull.eks.parallelPull');
    }
    const placement = pod.placement;
    const gpuResource = context.gpu.resourceName;
    const nodeLabels = pod.get(Facts.NODE_LABELS);
    if (this.computeClass) renderComputeClass(this, this.computeClass, image, context.servedModelName, nodeLabels);
    if (this.nodePool) renderNodePool(this, this.nodePool, image, placement.tolerations, nodeLabels, weightVolume);
    const dws = this.options.gke?.queuedProvisioning;
    if (dws) pod.dependsOn(renderProvisioningRequest(this, context.name, dws, placement, gpuResource));
    if (this.buffer) renderWarmBuffer(this, context.name, context.servedModelName, this.buffer, placement, gpuResource);
  }
}

/** What the schedule holds above the floor and the standing buffer, for the report. */
function preWarmFacts(schedule: PreWarmSchedule, minReplicas: number, bufferReplicas: number, gpus: number): PreWarmFacts {
  const floor = (w: { replicas?: number }) => Math.max(0, (w.replicas ?? minReplicas) - minReplicas);
  const buffer = (w: { warmNodes?: number }) => Math.max(0, (w.warmNodes ?? bufferReplicas) - bufferReplicas);
  // Floor and buffer combine separately: KEDA takes the largest trigger per ScaledObject, and they are two.
  const total = heldGpuHoursPerWeek(schedule._windows, floor, gpus) + heldGpuHoursPerWeek(schedule._windows, buffer, gpus);
  return {
    timeZone: schedule._timeZone,
    windows: schedule._windows.map(w => ({
      start: w.start,
      end: w.end,
      replicas: w.replicas,
      warmNodes: w.warmNodes,
      hoursPerWeek: w.hoursPerWeek,
      gpuHoursPerWeek: (floor(w) + buffer(w)) * gpus * w.hoursPerWeek,
    })),
    minReplicas,
    bufferReplicas,
    gpusPerCopy: gpus,
    gpuHoursPerWeek: total,
  };
}
