import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Lever, LeverContext } from './lever';
import { PodBlueprint } from '../blueprint';
import { fail } from '../errors';
import { GpuOptions, TolerationEffect, TolerationOperator } from '../gpu';
import { clusterScoped } from '../cluster-scoped';

/**
 * Options for lever 3 (node 0->1).
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
}

/** @internal */
export interface NodeCapacityProps {
  readonly gpu: GpuOptions;
  readonly capacity: CapacityOptions;
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

  constructor(scope: Construct, id: string, private readonly props: NodeCapacityProps) {
    super(scope, id);
    const { count } = props.gpu;
    if (!Number.isInteger(count) || count < 1) {
      fail(this, 'CS-IN-002', `GPU count ${count} is not an integer >= 1`, 'set gpu.count to the GPUs per replica (tensor parallel size), e.g. 1');
    }
    const { priority, priorityClassName } = props.capacity;
    if (priorityClassName !== undefined && priority !== undefined) {
      fail(this, 'CS-IN-004', `both capacity.priorityClassName "${priorityClassName}" and capacity.priority ${priority} are set; the value of an existing class is not ours to set`,
        'pass priorityClassName (an existing class with value >= 0) or priority (the library creates the class), not both');
    }
    if (priority !== undefined && (!Number.isInteger(priority) || priority < 0 || priority > MAX_USER_PRIORITY)) {
      fail(this, 'CS-IN-004', `priority ${priority} is not an integer in [0, ${MAX_USER_PRIORITY}]; below 0 the model could not preempt a warm buffer`,
        'use a value >= 0, e.g. 1000 (the default)');
    }
  }

  public contribute(blueprint: PodBlueprint, context: LeverContext): void {
    const gpu = this.props.gpu;
    if (this.props.capacity.priorityClassName !== undefined) {
      this.priorityClassName = this.props.capacity.priorityClassName;
    } else {
      this.priorityClassName = `${context.name}-serving`;
      clusterScoped(new k8s.KubePriorityClass(this, 'PriorityClass', {
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
  }
}
