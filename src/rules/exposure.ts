import { ContainerView, describe, flag, isMap, once, PodView, podMetadata, vllmContainers } from './pods';
import { byName, sameNamespace, selects, servicesOf } from './relations';
import { RuleContext, Violation } from './rule';
import { forwardsToLoopback, locationFor, parseNginxConf } from '../private/nginx-conf';

/** vLLM's default port (FACTS: `vllm serve` listens on 8000). */
const DEFAULT_PORT = 8000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Internal endpoints an env var turns on, on the API's port: what makes a vLLM
 * container carry them, and how findings name them.
 * @internal
 */
export interface EndpointSet {
  /** True when the container's env registers the endpoints. */
  readonly enabled: (env: Record<string, string | undefined>) => boolean;
  /** The paths a proxy must not forward. */
  readonly routes: readonly string[];
  /** The setting, e.g. `VLLM_SERVER_DEV_MODE=1`. */
  readonly setting: string;
  /** The endpoints in prose, e.g. `sleep/wake endpoints`. */
  readonly endpoints: string;
}

/** A vLLM container whose internal endpoints listen beyond the pod's loopback, itself or through a proxy beside it. @internal */
export interface Exposed {
  readonly obj: any;
  readonly container: string;
  /** `--host` as found, or undefined (all interfaces). */
  readonly host?: string;
  readonly labels: Record<string, string>;
  /** The port number and its name in the container's ports, if declared. */
  readonly port: number;
  readonly portName?: string;
  /** Set when a proxy container on `port` forwards internal routes to the loopback engine. */
  readonly via?: { readonly proxy: string; readonly config: string; readonly routes: string[] };
}

/** The ConfigMaps of the pass by `namespace/name`. */
type ConfigMaps = (namespace: string, name: string) => any;

/**
 * Decides, from the objects alone, which pods expose a set of internal
 * endpoints and which Services, Ingresses and NetworkPolicies let traffic
 * reach them (CS-SLP-001, CS-LORA-001).
 * @internal
 */
export class EndpointExposure {
  /** Keyed by the pass's object list: every Service, Ingress and NetworkPolicy of a pass reads the same one. */
  private readonly cache = new WeakMap<any[], Exposed[]>();

  constructor(private readonly set: EndpointSet) {}

  /** The containers of one object that expose the endpoints. */
  public exposedOf(obj: any, context: RuleContext): Exposed[] {
    const objects = context.objects?.() ?? [];
    // Most objects run no vLLM: nothing to find, nothing to look up.
    const engines = vllmContainers(obj);
    if (!engines.length) return [];
    const configMaps = configMapsOf(objects);
    const found: Exposed[] = [];
    for (const { pod, c } of engines) {
      if (!this.set.enabled(c.env)) continue;
      const host = flag(c.tokens, '--host');
      const p = flag(c.tokens, '--port');
      const port = typeof p === 'string' && /^[0-9]+$/.test(p) ? Number(p) : DEFAULT_PORT;
      if (typeof host === 'string' && LOOPBACK.has(host)) {
        found.push(...this.proxiedOf(obj, pod, c, port, configMaps));
        continue;
      }
      const portName = (c.raw.ports ?? []).find((x: any) => x.containerPort === port)?.name;
      found.push({ obj, container: c.name, host: typeof host === 'string' ? host : undefined, labels: podMetadata(obj).labels, port, portName });
    }
    return found;
  }

  /** Findings on a Service, Ingress or NetworkPolicy; undefined for any other kind. */
  public checkRouting(obj: any, context: RuleContext): Violation[] | undefined {
    switch (obj?.kind) {
      case 'Service': return this.checkService(obj, context);
      case 'Ingress': return this.checkIngress(obj, context);
      case 'NetworkPolicy': return this.checkNetworkPolicy(obj, context);
      default: return undefined;
    }
  }

  /**
   * A loopback engine is exposed all the same when an nginx proxy beside it
   * (its config in a ConfigMap the pod mounts) forwards an internal route to it.
   */
  private proxiedOf(obj: any, pod: PodView, engine: ContainerView, enginePort: number, configMaps: ConfigMaps): Exposed[] {
    const volumes = new Map<string, string>();
    for (const v of Array.isArray(pod.spec?.volumes) ? pod.spec.volumes : []) if (typeof v?.configMap?.name === 'string') volumes.set(v.name, v.configMap.name);
    const found: Exposed[] = [];
    for (const c of pod.containers) {
      if (c.init || c.name === engine.name) continue;
      for (const mount of Array.isArray(c.raw.volumeMounts) ? c.raw.volumeMounts : []) {
        const name = volumes.get(mount?.name);
        const cm = name === undefined ? undefined : configMaps(obj?.metadata?.namespace ?? '', name);
        if (!isMap(cm?.data)) continue;
        for (const [key, text] of Object.entries(cm.data)) {
          if (typeof text !== 'string' || !/\bproxy_pass\b/.test(text)) continue;
          const conf = parseNginxConf(text);
          const routes = this.set.routes.filter(r => {
            const l = locationFor(conf, r);
            return l !== undefined && forwardsToLoopback(conf, l, enginePort);
          });
          if (!routes.length) continue;
          for (const port of conf.publicPorts) {
            const portName = (c.raw.ports ?? []).find((x: any) => x.containerPort === port)?.name;
            found.push({ obj, container: engine.name, labels: podMetadata(obj).labels, port, portName, via: { proxy: c.name, config: `ConfigMap ${name}, key ${key}`, routes } });
          }
        }
      }
    }
    return found;
  }

  private allExposed(context: RuleContext): Exposed[] {
    const objects = context.objects?.() ?? [];
    return once(this.cache, objects, () => objects.flatMap(o => this.exposedOf(o, context)));
  }

  private checkService(svc: any, context: RuleContext): Violation[] {
    const exposed = this.allExposed(context);
    return (svc.spec?.ports ?? []).flatMap((p: any) => serviceReaches(svc, p, exposed).map(e => ({
      value: `port ${p.port} -> ${e.port}`,
      message: e.via
        ? `Service port ${p.port} targets container "${e.via.proxy}" of ${describe(e.obj)}, which forwards ${e.via.routes.join(', ')} to vLLM container "${e.container}" (${this.set.setting})`
        : `Service port ${p.port} targets vLLM container "${e.container}" of ${describe(e.obj)}, whose ${this.set.endpoints} (${this.set.setting}) listen on that port`,
    })));
  }

  private checkIngress(ing: any, context: RuleContext): Violation[] {
    const objects = context.objects?.() ?? [];
    const exposed = this.allExposed(context);
    const found: Violation[] = [];
    for (const backend of ingressBackends(ing)) {
      const svc = servicesOf(objects).get(`${ing.metadata?.namespace ?? ''}/${backend.name}`);
      const targets = (p: any) => p.port === backend.port?.number || (p.name !== undefined && p.name === backend.port?.name);
      const ports = (svc?.spec?.ports ?? []).filter(targets);
      for (const p of ports) {
        for (const e of serviceReaches(svc, p, exposed)) {
          found.push({ value: `${backend.name}:${p.port}`, message: `the Ingress routes to Service ${backend.name}, which reaches the ${this.set.endpoints} of vLLM container "${e.container}" of ${describe(e.obj)}` });
        }
      }
    }
    return found;
  }

  private checkNetworkPolicy(np: any, context: RuleContext): Violation[] {
    const types: string[] = np.spec?.policyTypes ?? ['Ingress'];
    if (!types.includes('Ingress')) return [];
    const found: Violation[] = [];
    for (const e of this.allExposed(context)) {
      if (!sameNamespace(np, e.obj) || !selects(np.spec?.podSelector, e.labels)) continue;
      for (const rule of np.spec?.ingress ?? []) {
        const ports: any[] = rule.ports ?? [];
        // A rule without ports admits every port.
        const admits = !ports.length || ports.some(p => p.port === undefined || reaches(p.port, e)
          || (typeof p.port === 'number' && p.endPort !== undefined && p.port <= e.port && e.port <= p.endPort));
        if (admits) {
          found.push({ value: `ingress to port ${e.port}`, message: `the NetworkPolicy admits traffic to the ${this.set.endpoints} of vLLM container "${e.container}" of ${describe(e.obj)}` });
          break;
        }
      }
    }
    return found;
  }
}

function configMapsOf(objects: any[]): ConfigMaps {
  return (namespace, name) => byName(objects, 'ConfigMap').get(`${namespace}/${name}`);
}

/** A port reference (number or name) that reaches the exposed port. */
function reaches(ref: unknown, e: Exposed): boolean {
  if (typeof ref === 'number') return ref === e.port;
  if (typeof ref === 'string') return /^[0-9]+$/.test(ref) ? Number(ref) === e.port : ref === e.portName;
  return false;
}

/** The exposed pods a Service's port reaches (targetPort defaults to port). */
function serviceReaches(svc: any, servicePort: any, exposed: Exposed[]): Exposed[] {
  const selector = svc.spec?.selector;
  if (!selector || !Object.keys(selector).length) return []; // no selector: endpoints are managed by hand
  return exposed.filter(e => sameNamespace(svc, e.obj) && selects({ matchLabels: selector }, e.labels)
    && reaches(servicePort.targetPort ?? servicePort.port, e));
}

/** Ingress backends: `spec.defaultBackend` and every path's `backend.service`. */
function ingressBackends(ing: any): any[] {
  const paths = (ing.spec?.rules ?? []).flatMap((r: any) => r.http?.paths ?? []);
  return [ing.spec?.defaultBackend, ...paths.map((p: any) => p.backend)].map(b => b?.service).filter(Boolean);
}
