import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { fail } from './errors';
import { GpuOptions, GpuToleration, TolerationEffect, TolerationOperator } from '../gpu';

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
  const tolerations = (gpu.tolerations ?? DEFAULT_TOLERATIONS).map(t => {
    const operator = t.operator ?? TolerationOperator.EXISTS;
    if (operator === TolerationOperator.EXISTS && t.value !== undefined) {
      fail(scope, 'CS-IN-003', `toleration ${t.key} has a value "${t.value}" with operator Exists, which Kubernetes rejects`, 'drop the value or use TolerationOperator.EQUAL');
    }
    return { key: t.key, operator, value: t.value, effect: t.effect };
  });
  return { count, resourceName: gpu.resourceName ?? 'nvidia.com/gpu', nodeSelector: { ...(gpu.nodeSelector ?? {}) }, tolerations };
}

/** A canonical string of a GPU shape, for comparison and messages. @internal */
export function gpuShape(g: ResolvedGpu): string {
  const selector = Object.entries(g.nodeSelector).sort().map(([k, v]) => `${k}=${v}`).join(',');
  const tolerations = g.tolerations.map(t => `${t.key}:${t.operator}:${t.value ?? ''}:${t.effect ?? ''}`).sort().join(',');
  return `{${g.count} x ${g.resourceName}, nodeSelector {${selector}}, tolerations {${tolerations}}}`;
}
