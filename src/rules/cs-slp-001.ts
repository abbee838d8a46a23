import { ContainerView, describe, flag, isMap, once, PodView, podMetadata, vllmContainers } from './pods';
import { byName, sameNamespace, selects, servicesOf } from './relations';
import { defineRule, Rule, RuleContext, RuleLevel, Violation } from './rule';
import { forwardsToLoopback, locationFor, parseNginxConf } from '../private/nginx-conf';
import { INTERNAL_ROUTES } from '../private/vllm-routes';

/** vLLM's default port (FACTS: `vllm serve` listens on 8000). */
const DEFAULT_PORT = 8000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** The routes vLLM registers only with VLLM_SERVER_DEV_MODE (src/private/vllm-routes.ts). */
const DEV_ROUTES = INTERNAL_ROUTES.filter(r => r.when === 'VLLM_SERVER_DEV_MODE').map(r => r.path);

/** A vLLM container whose dev-mode endpoints listen beyond the pod's loopback, itself or through a proxy beside it. */
interface Exposed {
  readonly obj: any;
  readonly container: string;
  /** `--host` as found, or undefined (all interfaces). */
  readonly host?: string;
  readonly labels: Record<string, string>;
  /** The port number and its name in the container's ports, if declared. */
  readonly port: number;
  readonly portName?: string;
  /** Set when a proxy container on `port` forwards dev-mode routes to the loopback engine. */
  readonly via?: { readonly proxy: string; readonly config: string; readonly routes: string[] };
}

/** The ConfigMaps of the pass by `namespace/name`. */
type ConfigMaps = (namespace: string, name: string) => any;

/**
 * A loopback engine is exposed all the same when an nginx proxy beside it
 * (its config in a ConfigMap the pod mounts) forwards a dev-mode route to it.
 */
function proxiedOf(obj: any, pod: PodView, engine: ContainerView, enginePort: number, configMaps: ConfigMaps): Exposed[] {
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
        const routes = DEV_ROUTES.filter(r => {
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

/**
 * FACTS: `/sleep`, `/wake_up` and `/is_sleeping` exist only with
 * `VLLM_SERVER_DEV_MODE=1` (read as an integer by vLLM) and share the API's port.
 */
function exposedOf(obj: any, configMaps: ConfigMaps): Exposed[] {
  const found: Exposed[] = [];
  for (const { pod, c } of vllmContainers(obj)) {
    const dev = c.env.VLLM_SERVER_DEV_MODE;
    if (dev === undefined || !/^\s*[0-9]+\s*$/.test(dev) || Number(dev) === 0) continue;
    const host = flag(c.tokens, '--host');
    const p = flag(c.tokens, '--port');
    const port = typeof p === 'string' && /^[0-9]+$/.test(p) ? Number(p) : DEFAULT_PORT;
    if (typeof host === 'string' && LOOPBACK.has(host)) {
      found.push(...proxiedOf(obj, pod, c, port, configMaps));
      continue;
    }
    const portName = (c.raw.ports ?? []).find((x: any) => x.containerPort === port)?.name;
    found.push({ obj, container: c.name, host: typeof host === 'string' ? host : undefined, labels: podMetadata(obj).labels, port, portName });
  }
  return found;
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

/** Keyed by the pass's object list: every Service, Ingress and NetworkPolicy of a pass reads the same one. */
const EXPOSED = new WeakMap<any[], Exposed[]>();

function allExposed(context: RuleContext): Exposed[] {
  const objects = context.objects?.() ?? [];
  return once(EXPOSED, objects, () => objects.flatMap(o => exposedOf(o, configMapsOf(objects))));
}

function configMapsOf(objects: any[]): ConfigMaps {
  return (namespace, name) => byName(objects, 'ConfigMap').get(`${namespace}/${name}`);
}

function checkService(svc: any, context: RuleContext): Violation[] {
  const exposed = allExposed(context);
  return (svc.spec?.ports ?? []).flatMap((p: any) => serviceReaches(svc, p, exposed).map(e => ({
    value: `port ${p.port} -> ${e.port}`,
    message: e.via
      ? `Service port ${p.port} targets container "${e.via.proxy}" of ${describe(e.obj)}, which forwards ${e.via.routes.join(', ')} to vLLM container "${e.container}" (VLLM_SERVER_DEV_MODE=1)`
      : `Service port ${p.port} targets vLLM container "${e.container}" of ${describe(e.obj)}, whose sleep/wake endpoints (VLLM_SERVER_DEV_MODE=1) listen on that port`,
  })));
}

/** Ingress backends: `spec.defaultBackend` and every path's `backend.service`. */
function ingressBackends(ing: any): any[] {
  const paths = (ing.spec?.rules ?? []).flatMap((r: any) => r.http?.paths ?? []);
  return [ing.spec?.defaultBackend, ...paths.map((p: any) => p.backend)].map(b => b?.service).filter(Boolean);
}

function checkIngress(ing: any, context: RuleContext): Violation[] {
  const objects = context.objects?.() ?? [];
  const exposed = allExposed(context);
  const found: Violation[] = [];
  for (const backend of ingressBackends(ing)) {
    const svc = servicesOf(objects).get(`${ing.metadata?.namespace ?? ''}/${backend.name}`);
    const targets = (p: any) => p.port === backend.port?.number || (p.name !== undefined && p.name === backend.port?.name);
    const ports = (svc?.spec?.ports ?? []).filter(targets);
    for (const p of ports) {
      for (const e of serviceReaches(svc, p, exposed)) {
        found.push({ value: `${backend.name}:${p.port}`, message: `the Ingress routes to Service ${backend.name}, which reaches the sleep/wake endpoints of vLLM container "${e.container}" of ${describe(e.obj)}` });
      }
    }
  }
  return found;
}

function checkNetworkPolicy(np: any, context: RuleContext): Violation[] {
  const types: string[] = np.spec?.policyTypes ?? ['Ingress'];
  if (!types.includes('Ingress')) return [];
  const found: Violation[] = [];
  for (const e of allExposed(context)) {
    if (!sameNamespace(np, e.obj) || !selects(np.spec?.podSelector, e.labels)) continue;
    for (const rule of np.spec?.ingress ?? []) {
      const ports: any[] = rule.ports ?? [];
      // A rule without ports admits every port.
      const admits = !ports.length || ports.some(p => p.port === undefined || reaches(p.port, e)
        || (typeof p.port === 'number' && p.endPort !== undefined && p.port <= e.port && e.port <= p.endPort));
      if (admits) {
        found.push({ value: `ingress to port ${e.port}`, message: `the NetworkPolicy admits traffic to the sleep/wake endpoints of vLLM container "${e.container}" of ${describe(e.obj)}` });
        break;
      }
    }
  }
  return found;
}

/** @internal */
export const CS_SLP_001: Rule = defineRule({
  id: 'CS-SLP-001',
  level: RuleLevel.ERROR,
  summary: 'vLLM\'s sleep/wake endpoints (VLLM_SERVER_DEV_MODE=1) listen on loopback only, and no Service, Ingress or NetworkPolicy lets traffic reach them',
  explanation: 'With VLLM_SERVER_DEV_MODE=1 vLLM serves POST /sleep, POST /wake_up and GET /is_sleeping on the same port as the API. '
    + 'Any client that can reach that port can put the model to sleep or force a wake, so the engine must bind to 127.0.0.1 and '
    + 'a path-filtering proxy must serve the public port. Flagged: the dev-mode container itself when it listens beyond loopback, '
    + 'or when an nginx proxy beside it (its config in a ConfigMap the pod mounts) forwards a dev-mode route to it, '
    + 'and every Service, Ingress or NetworkPolicy that routes or admits traffic to such a port.',
  fix: 'Use runtime.sleepMode (the engine binds to 127.0.0.1 behind a proxy that forwards vLLM\'s public routes only), '
    + 'or pass --host=127.0.0.1 to vLLM and point Services at a proxy port; drop VLLM_SERVER_DEV_MODE where sleep mode is not needed.',
  check(obj, context) {
    switch (obj?.kind) {
      case 'Service': return checkService(obj, context);
      case 'Ingress': return checkIngress(obj, context);
      case 'NetworkPolicy': return checkNetworkPolicy(obj, context);
      default: return exposedOf(obj, configMapsOf(context.objects?.() ?? [])).map(e => (e.via
        ? {
          value: `${e.via.proxy} port ${e.port}: ${e.via.routes.join(', ')}`,
          message: `vLLM container "${e.container}" runs with VLLM_SERVER_DEV_MODE=1 on loopback, but container "${e.via.proxy}" forwards its dev-mode routes from port ${e.port} (${e.via.config})`,
          fix: 'forward only vLLM\'s public routes and answer 404 to the rest (runtime.sleepMode writes such a proxy)',
        }
        : {
          value: `--host ${e.host ?? 'unset (all interfaces)'}, port ${e.port}`,
          message: `vLLM container "${e.container}" runs with VLLM_SERVER_DEV_MODE=1 and listens beyond loopback: the pod IP serves /sleep and /wake_up`,
          fix: 'pass --host=127.0.0.1 and serve the API through a path-filtering proxy (runtime.sleepMode does both)',
        }));
    }
  },
});
