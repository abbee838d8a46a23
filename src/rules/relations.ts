import { once } from './pods';

/* How objects of one app refer to each other: namespaces, label selectors and Service names. */

/** Both objects in the same namespace (none given: the same default). @internal */
export function sameNamespace(a: any, b: any): boolean {
  return (a?.metadata?.namespace ?? '') === (b?.metadata?.namespace ?? '');
}

/** A label selector (matchLabels and matchExpressions) against labels; an empty selector matches everything. @internal */
export function selects(selector: any, labels: Record<string, string>): boolean {
  const matchLabels: Record<string, string> = selector?.matchLabels ?? {};
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  return (selector?.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: return true; // unknown operator: assume it selects, so nothing is missed
    }
  });
}

const BY_NAME = new WeakMap<any[], Map<string, Map<string, any>>>();

/** The pass's objects of `kind` by `namespace/name` (the first of a name wins, as `find` would), indexed once per pass. @internal */
export function byName(objects: any[], kind: string): Map<string, any> {
  const kinds = once(BY_NAME, objects, () => {
    const index = new Map<string, Map<string, any>>();
    for (const o of objects) {
      const k = o?.kind;
      if (typeof k !== 'string') continue;
      if (!index.has(k)) index.set(k, new Map());
      const named = index.get(k)!;
      const key = `${o?.metadata?.namespace ?? ''}/${o?.metadata?.name}`;
      if (!named.has(key)) named.set(key, o);
    }
    return index;
  });
  return kinds.get(kind) ?? new Map();
}

/** The pass's Services by `namespace/name`. @internal */
export function servicesOf(objects: any[]): Map<string, any> {
  return byName(objects, 'Service');
}
