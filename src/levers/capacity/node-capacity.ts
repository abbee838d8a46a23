import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DO_NOT_DISRUPT, NODE_POOL_LABEL, renderNodePool, resolveNodePool, ResolvedNodePool } from './eks/karpenter-node-pool';
import { COMPUTE_CLASS_LABEL, renderComputeClass, resolveComputeClass, ResolvedComputeClass } from './gke/compute-class';
import { checkQueuedProvisioning, DWS_CLASS, renderProvisioningRequest } from './gke/provisioning-request';
import { renderWarmBuffer, resolveWarmBuffer, ResolvedWarmBuffer, WarmBufferMode } from './warm-buffer';
import { CapacityOptions } from './capacity-options';
import { Lever, LeverContext } from '../lever';
import { PodBlueprint } from '../../blueprint';
import { requireCloud } from '../../private/cloud';
import { clusterScoped } from '../../private/cluster-scoped';
import { CapacityArrival } from '../../estimate/paths';
import { fail } from '../../private/errors';
import { GpuOptions, TolerationEffect, TolerationOperator } from '../../gpu';
import { CloudProvider, Profile } from '../../profile';
import { ManifestObject } from '../../private/manifest-object';

/** @internal */
export interface NodeCapacityProps {
  readonly gpu: GpuOptions;
  readonly capacity: CapacityOptions;
  readonly profile: Profile;
  /** The model's object name (names the ComputeClass and NodePool). */
  readonly name: string;
}

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
  private readonly computeClass?: ResolvedComputeClass;
  private readonly nodePool?: ResolvedNodePool;

  constructor(scope: Construct, id: string, private readonly props: NodeCapacityProps) {
    super(scope, id);
    const { count } = props.gpu;
    if (!Number.isInteger(count) || count < 1) {
      fail(this, 'CS-IN-002', `GPU count ${count} is not an integer >= 1`, 'set gpu.count to the GPUs per replica (tensor parallel size), e.g. 1');
    }
    const { priority, priorityClassName } = props.capacity;
    if (priorityClassName !== undefined && priority !== undefined) {
      fail(this, 'CS-IN-042', `both capacity.priorityClassName "${priorityClassName}" and capacity.priority ${priority} are set; the value of an existing class is not ours to set`,
        'pass priorityClassName (an existing class with value >= 0) or priority (the library creates the class), not both');
    }
    if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > MAX_USER_PRIORITY)) {
      fail(this, 'CS-IN-004', `priority ${priority} is not an integer in [0, ${MAX_USER_PRIORITY}]; below 0 the model could not preempt a warm buffer`,
        'use a value >= 0, e.g. 1000 (the default)');
    }
    const { gke, eks, warmBuffer } = props.capacity;
    const provider = props.profile.cloud.provider;
    if (gke) requireCloud(this, props.profile, CloudProvider.GKE, 'capacity.gke (ComputeClass, queued provisioning)', 'remove capacity.gke');
    if (eks) requireCloud(this, props.profile, CloudProvider.EKS, 'capacity.eks (Karpenter NodePool)', 'remove capacity.eks');
    const modelPriority = priorityClassName !== undefined ? undefined : priority ?? DEFAULT_PRIORITY;
    this.buffer = resolveWarmBuffer(this, warmBuffer ?? {}, props.gpu, modelPriority, props.profile.isProduction);
    if (this.buffer?.mode === WarmBufferMode.CAPACITY_BUFFER && provider === CloudProvider.GENERIC) {
      fail(this, 'CS-IN-034', 'a CapacityBuffer needs a cluster that serves autoscaling.x-k8s.io/v1beta1 CapacityBuffer, which the generic profile does not promise',
        'use WarmBufferMode.PAUSE_PODS (works on any cluster), or a GKE or EKS profile');
    }
    if (gke?.computeClass) this.computeClass = resolveComputeClass(this, gke.computeClass, props.name, count);
    if (gke?.queuedProvisioning) checkQueuedProvisioning(this, gke.queuedProvisioning);
    if (eks) this.nodePool = resolveNodePool(this, eks.nodePool, props.name);
  }

  public contribute(blueprint: PodBlueprint, context: LeverContext): void {
    const gpu = this.props.gpu;
    if (this.props.capacity.priorityClassName !== undefined) {
      this.priorityClassName = this.props.capacity.priorityClassName;
    } else {
      this.priorityClassName = `${context.name}-serving`;
      clusterScoped(ManifestObject.render(this, 'PriorityClass', k8s.KubePriorityClass, {
        metadata: { name: this.priorityClassName },
        value: this.props.capacity.priority ?? DEFAULT_PRIORITY,
        globalDefault: false,
        preemptionPolicy: 'PreemptLowerPriority',
        description: `Model ${context.servedModelName}: above any warm GPU buffer (value -10), so its pause pods are preempted on wake.`,
      }));
    }
    blueprint.priorityClassName = this.priorityClassName;

    const resource = gpu.resourceName ?? 'nvidia.com/gpu';
    blueprint.requests[resource] = `${gpu.count}`;
    blueprint.limits[resource] = `${gpu.count}`;
    Object.assign(blueprint.nodeSelector, gpu.nodeSelector ?? {});
    const tolerations = gpu.tolerations ?? [{ key: 'nvidia.com/gpu', operator: TolerationOperator.EXISTS, effect: TolerationEffect.NO_SCHEDULE }];
    for (const t of tolerations) {
      const operator = t.operator ?? TolerationOperator.EXISTS;
      if (operator === TolerationOperator.EXISTS && t.value !== undefined) {
        fail(this, 'CS-IN-003', `toleration ${t.key} has a value "${t.value}" with operator Exists, which Kubernetes rejects`, 'drop the value or use TolerationOperator.EQUAL');
      }
      blueprint.tolerations.push({ key: t.key, operator, value: t.value, effect: t.effect });
    }

    const lever = this.leverName;
    if (this.computeClass) blueprint.addNodeSelector(lever, COMPUTE_CLASS_LABEL, this.computeClass.name);
    if (this.nodePool) {
      blueprint.addNodeSelector(lever, NODE_POOL_LABEL, this.nodePool.name);
      // A wake's node holds the images and page cache: Karpenter must not move the pod to save money.
      blueprint.addPodAnnotation(lever, DO_NOT_DISRUPT, 'true');
    }
    if (this.props.capacity.gke?.queuedProvisioning) {
      blueprint.addPodAnnotation(lever, 'autoscaling.x-k8s.io/consume-provisioning-request', `${context.name}-dws`);
      blueprint.addPodAnnotation(lever, 'autoscaling.x-k8s.io/provisioning-class-name', DWS_CLASS);
    }
    if (this.buffer) blueprint.coldStart.capacityArrival = CapacityArrival.WARM_BUFFER;
  }

  /** Side objects that mirror the finished pod's nodes, and the node settings of the image lever. */
  public complete(blueprint: PodBlueprint, context: LeverContext): void {
    const image = blueprint.nodeImage;
    if ((image.imageStreaming || image.secondaryBootDisks.length) && !this.computeClass) {
      fail(this, 'CS-IN-032', 'imagePull.gke settings live in the model\'s ComputeClass, and there is none',
        'add capacity.gke.computeClass (e.g. { gpuType: "nvidia-h100-80gb" }), or remove imagePull.gke');
    }
    if (image.dataVolumeSnapshotId && !this.nodePool) {
      fail(this, 'CS-IN-033', 'imagePull.eks.dataVolumeSnapshotId lives in the model\'s EC2NodeClass, and there is none',
        'add capacity.eks.nodePool, or remove imagePull.eks');
    }
    const gpuResource = this.props.gpu.resourceName ?? 'nvidia.com/gpu';
    if (this.computeClass) {
      renderComputeClass(this, this.computeClass, image, context.servedModelName);
    }
    if (this.nodePool) {
      renderNodePool(this, this.nodePool, image, blueprint.tolerations);
    }
    const dws = this.props.capacity.gke?.queuedProvisioning;
    if (dws) renderProvisioningRequest(this, context.name, dws, blueprint, gpuResource);
    if (this.buffer) renderWarmBuffer(this, context.name, context.servedModelName, this.buffer, blueprint, gpuResource);
  }
}
