import { ApiObject, Chart, JsonPatch } from 'cdk8s';

/**
 * cdk8s stamps the chart's namespace on every ApiObject; a cluster-scoped
 * object (PriorityClass, LocalModelCache, ComputeClass ...) must not carry one.
 * @internal
 */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (Chart.of(obj).namespace !== undefined) {
    obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return obj;
}
