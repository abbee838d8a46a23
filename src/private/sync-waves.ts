import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Argo CD applies lower waves first and waits until they are healthy. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * Gives each object the workload depends on a wave one below the lowest of
 * its dependents (the workload stays at Argo CD's default 0): a node group
 * the cache depends on gets -2, the cache -1.
 * @internal
 */
export function applyArgoSyncWaves(workload: ApiObject): void {
  const waves = new Map<ApiObject, number>();
  const visit = (scope: IConstruct, wave: number): void => {
    for (const dependency of scope.node.dependencies) {
      for (const obj of dependency.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
        if ((waves.get(obj) ?? 0) <= wave) continue;
        waves.set(obj, wave);
        visit(obj, wave - 1);
      }
    }
  };
  visit(workload, -1);
  for (const [obj, wave] of waves) obj.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, `${wave}`);
}
