import { KarpenterNodePoolOptions } from './eks/karpenter-node-pool';
import { GkeComputeClassOptions } from './gke/compute-class';
import { QueuedProvisioningOptions } from './gke/provisioning-request';
import { WarmBufferOptions } from './warm-buffer';

/**
 * GKE node-capacity accelerators (need a GKE profile).
 */
export interface GkeCapacityOptions {
  /**
   * A ComputeClass (Spot -> on-demand GPU rules, node pool auto-creation)
   * the model's pods, buffer and pre-pull DaemonSet select.
   * @default - no ComputeClass
   */
  readonly computeClass?: GkeComputeClassOptions;

  /**
   * A Dynamic Workload Scheduler ProvisioningRequest
   * (`queued-provisioning.gke.io`) the model's pods consume.
   * @default - none
   */
  readonly queuedProvisioning?: QueuedProvisioningOptions;
}

/**
 * EKS node-capacity accelerators (need an EKS profile).
 */
export interface EksCapacityOptions {
  /**
   * A Karpenter GPU NodePool and EC2NodeClass the model's pods select; the
   * pods get `karpenter.sh/do-not-disrupt`.
   */
  readonly nodePool: KarpenterNodePoolOptions;
}

/**
 * Options of lever 3, node capacity (node 0->1).
 */
export interface CapacityOptions {
  /**
   * Run the model at this existing PriorityClass instead of one the library
   * creates. It must have a value >= 0, above any warm buffer (-10).
   * @default - the library creates `<name>-serving`
   */
  readonly priorityClassName?: string;

  /**
   * Value of the PriorityClass the library creates. At least 0, so the model
   * preempts the pause pods of a warm GPU buffer instead of waiting for a node.
   * @default 1000
   */
  readonly priority?: number;

  /**
   * A warm buffer of the model's GPU shape, preempted on wake.
   * @default - pause pods holding one copy in production, none in lab
   */
  readonly warmBuffer?: WarmBufferOptions;

  /**
   * GKE accelerators: ComputeClass, queued provisioning.
   * @default - none
   */
  readonly gke?: GkeCapacityOptions;

  /**
   * EKS accelerators: a Karpenter NodePool.
   * @default - none
   */
  readonly eks?: EksCapacityOptions;
}
