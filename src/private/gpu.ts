import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { fail } from './errors';
import { GpuOptions, GpuToleration, TolerationEffect, TolerationOperator } from '../gpu';
import { isExtendedResourceName, isLabelValue, isQualifiedName } from './k8s-names';

/** The GPU shape of one replica with every default applied, resolved once per model. @internal */
export interface ResolvedGpu {
  /** GPUs per replica (the tensor-parallel size). */
  readonly count: number;
  /** Extended resource name, e.g. `nvidia.com/gpu`. */
  readonly resourceName: string;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly k8s.Toleration[];
}

/** GPU node pools carry this taint; a pod that does not tolerate it never lands there. */
const DEFAULT_TOLERATIONS: GpuToleration[] = [{ key: 'nvidia.com/gpu', operator: TolerationOperator.EXISTS, effect: TolerationEffect.NO_SCHEDULE }];

/** Validates a GPU shape and applies its defaults. @internal */
export function resolveGpu(scope: IConstruct, gpu: GpuOptions, what = 'gpu'): ResolvedGpu {
  const count = gpu?.count;
  if (!Number.isInteger(count) || count < 1) {
    fail(scope, 'CS-IN-002', `GPU count ${count} is not an integer >= 1`, `set ${what}.count to the GPUs per replica (tensor parallel size), e.g. 1`);
  }
  const resourceName = gpu.resourceName ?? 'nvidia.com/gpu';
  if (!isExtendedResourceName(resourceName)) {
    fail(scope, 'CS-IN-058', `${what}.resourceName "${String(resourceName)}" is not an extended resource name`, 'pass the device plugin\'s resource, e.g. nvidia.com/gpu or amd.com/gpu');
  }
  if (gpu.nodeSelector !== undefined && (gpu.nodeSelector === null || typeof gpu.nodeSelector !== 'object' || Array.isArray(gpu.nodeSelector))) {
    fail(scope, 'CS-IN-058', `${what}.nodeSelector is not a map of label keys to values`, 'pass e.g. { "nvidia.com/gpu.present": "true" }');
  }
  for (const [key, value] of Object.entries(gpu.nodeSelector ?? {})) {
    if (!isQualifiedName(key) || !isLabelValue(value)) {
      fail(scope, 'CS-IN-058', `${what}.nodeSelector ${String(key)}=${String(value)} is not a valid label key and value`,
        'use a label the GPU nodes carry, e.g. { "nvidia.com/gpu.present": "true" }; keys are [prefix/]name, values at most 63 letters, digits, "-", "_", "."');
    }
  }
  if (gpu.tolerations !== undefined && !(Array.isArray(gpu.tolerations) && gpu.tolerations.every(t => t !== null && typeof t === 'object'))) {
    fail(scope, 'CS-IN-003', `${what}.tolerations is not a list of tolerations`, 'pass e.g. [{ key: "nvidia.com/gpu" }]');
  }
  const tolerations = (gpu.tolerations ?? DEFAULT_TOLERATIONS).map(t => {
    const operator = t?.operator ?? TolerationOperator.EXISTS;
    const key = t?.key ?? '';
    if (!Object.values(TolerationOperator).includes(operator) || (t.effect !== undefined && !Object.values(TolerationEffect).includes(t.effect))) {
      fail(scope, 'CS-IN-003', `toleration ${String(key)} has operator ${String(operator)} and effect ${String(t.effect)}; Kubernetes knows Exists/Equal and NoSchedule/PreferNoSchedule/NoExecute`,
        'use TolerationOperator and TolerationEffect');
    }
    if (key !== '' && !isQualifiedName(key)) {
      fail(scope, 'CS-IN-003', `toleration key "${String(key)}" is not a valid taint key`, 'use the key of the GPU nodes\' taint, e.g. nvidia.com/gpu');
    }
    if (operator === TolerationOperator.EXISTS && t.value !== undefined) {
      fail(scope, 'CS-IN-003', `toleration ${key} has a value "${t.value}" with operator Exists, which Kubernetes rejects`, 'drop the value or use TolerationOperator.EQUAL');
    }
    // The API server holds an Equal toleration's value to the label-value rules (apis/core/validation, ValidateTolerations).
    if (operator === TolerationOperator.EQUAL && t.value !== undefined && !isLabelValue(t.value)) {
      fail(scope, 'CS-IN-003', `toleration ${key} has a value that is not a valid label value, which Kubernetes rejects`, 'use the value of the GPU nodes\' taint: at most 63 letters, digits, "-", "_", "."');
    }
    if (key === '' && operator === TolerationOperator.EQUAL) {
      fail(scope, 'CS-IN-003', 'a toleration with an empty key must use operator Exists, which Kubernetes requires', 'give the taint key, e.g. nvidia.com/gpu');
    }
    if (key === '' && !gpu.tolerateEveryTaint) {
      fail(scope, 'CS-IN-003', 'a toleration with an empty key and operator Exists tolerates every taint (control plane and NoExecute evictions included)',
        `give the GPU nodes' taint key, e.g. nvidia.com/gpu; if every taint is really meant, set ${what}.tolerateEveryTaint: true`);
    }
    return { key: key === '' ? undefined : key, operator, value: t.value, effect: t.effect };
  });
  return { count, resourceName, nodeSelector: { ...(gpu.nodeSelector ?? {}) }, tolerations };
}

/** A canonical string of a GPU shape, for comparison and messages. @internal */
export function gpuShape(g: ResolvedGpu): string {
  const selector = Object.entries(g.nodeSelector).sort().map(([k, v]) => `${k}=${v}`).join(',');
  const tolerations = g.tolerations.map(t => `${t.key}:${t.operator}:${t.value ?? ''}:${t.effect ?? ''}`).sort().join(',');
  return `{${g.count} x ${g.resourceName}, nodeSelector {${selector}}, tolerations {${tolerations}}}`;
}
