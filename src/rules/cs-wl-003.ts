import { describe, once } from './pods';
import { defineRule, Rule, RuleContext, RuleLevel, Violation } from './rule';

/** Kinds without a namespace: two of one name collide wherever they were written. */
const CLUSTER_SCOPED = new Set([
  'APIService', 'CSIDriver', 'ClusterRole', 'ClusterRoleBinding', 'ClusterServingRuntime', 'ClusterStorageContainer',
  'ClusterTriggerAuthentication', 'ComputeClass', 'CustomResourceDefinition', 'EC2NodeClass', 'IngressClass', 'LocalModelCache',
  'LocalModelNodeGroup', 'MutatingWebhookConfiguration', 'Namespace', 'Node', 'NodePool', 'PersistentVolume', 'PriorityClass',
  'RuntimeClass', 'StorageClass', 'ValidatingWebhookConfiguration', 'VolumeSnapshotClass',
]);

/** What the API server keys an object by: API group, kind, namespace (none when cluster-scoped) and name. */
function identity(obj: any): string | undefined {
  const kind = obj?.kind;
  const name = obj?.metadata?.name;
  if (typeof kind !== 'string' || typeof name !== 'string') return undefined;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  const namespace = CLUSTER_SCOPED.has(kind) ? '' : (typeof obj.metadata.namespace === 'string' ? obj.metadata.namespace : '');
  return `${group}|${kind}|${namespace}|${name}`;
}

/** Each object sharing its identity with another, mapped to all of them (first written first); an app without collisions has none. */
const SHARED = new WeakMap<any[], Map<any, any[]>>();

function shared(objects: any[]): Map<any, any[]> {
  return once(SHARED, objects, () => {
    const byId = new Map<string, any[]>();
    for (const o of objects) {
      const id = identity(o);
      if (id === undefined) continue;
      const list = byId.get(id);
      if (list) list.push(o);
      else byId.set(id, [o]);
    }
    const groups = new Map<any, any[]>();
    for (const list of byId.values()) if (list.length > 1) for (const o of list) groups.set(o, list);
    return groups;
  });
}

/** Content without what the API server or our writer sets per copy. */
function content(obj: any): string {
  return JSON.stringify(obj, (key, value) => (key === 'status' ? undefined : value));
}

/** @internal */
export const CS_WL_003: Rule = defineRule({
  id: 'CS-WL-003',
  level: RuleLevel.ERROR,
  summary: 'No two objects of the app share a kind, name and namespace (cluster-scoped kinds: a kind and name) with different content',
  explanation: 'The API server keeps one object per name: of two different manifests, the one applied last wins, silently, and which one '
    + 'that is depends on file order. Two models with the same id in two charts, for instance, each write a ComputeClass of that name.',
  fix: 'Give one of them another name (a model name is the prefix of every object it writes), or make the two identical.',
  check(obj, context: RuleContext) {
    // Identities are read once for the app; an object that is not one of its objects (a List's item) shares none.
    const same = shared(context.objects()).get(obj);
    // One finding per name, on the first object written, naming the others.
    if (!same || same[0] !== obj) return [];
    const mine = content(obj);
    const others = same.filter(o => o !== obj && content(o) !== mine);
    if (!others.length) return [];
    const where = others.map(o => context.pathOf(o) ?? describe(o)).join(', ');
    const found: Violation[] = [{ value: describe(obj), message: `${describe(obj)} is written again, with different content, at ${where}` }];
    return found;
  },
});
