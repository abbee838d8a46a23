import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { ManifestObject } from './manifest-object';

/**
 * cdk8s stamps the chart's namespace on every ApiObject; a cluster-scoped
 * object (PriorityClass, LocalModelCache, ComputeClass ...) must not carry one.
 * @internal
 */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (Chart.of(obj).namespace !== undefined) {
    if (ManifestObject.isManifestObject(obj)) obj._clusterScoped();
    else obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return obj;
}
