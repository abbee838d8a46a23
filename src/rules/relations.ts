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

const SERVICES = new WeakMap<any[], Map<string, any>>();

/** The pass's Services by `namespace/name` (the first of a name wins, as `find` would). @internal */
export function servicesOf(objects: any[]): Map<string, any> {
  return once(SERVICES, objects, () => {
    const services = new Map<string, any>();
    for (const o of objects) {
      const key = `${o?.metadata?.namespace ?? ''}/${o?.metadata?.name}`;
      if (o?.kind === 'Service' && !services.has(key)) services.set(key, o);
    }
    return services;
  });
}
