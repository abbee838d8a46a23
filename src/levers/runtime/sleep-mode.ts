import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Facts, PodWriter } from '../../blueprint';
import { auxContainer } from '../../private/aux-pod';
import { fail } from '../../private/errors';
import { requireDigest } from '../../private/image';
import { ManifestObject } from '../../private/manifest-object';
import { INTERNAL_ROUTES, PUBLIC_ROUTES, RouteMatch, VllmRoute } from '../../private/vllm-routes';

/**
 * Options for vLLM sleep mode.
 */
export interface SleepModeOptions {
  /**
   * An nginx image, pinned by digest, that runs as a non-root user (e.g.
   * `nginxinc/nginx-unprivileged@sha256:...`). It serves the model's port and
   * forwards every public route of vLLM's OpenAI server to the engine, which
   * listens on loopback: vLLM serves `/sleep` and `/wake_up` on the same port
   * as the API, so without a path filter any client of the Service could put
   * the model to sleep.
   */
  readonly proxyImage: string;

  /**
   * More paths to forward, beyond the public routes of the vLLM release the
   * library supports (e.g. a route a newer image or a plugin adds). Each is an
   * absolute path without whitespace or wildcards, matched exactly; one that
   * ends with `/` forwards everything under it. A path that would reach a
   * development or engine-state route (`/sleep`, `/wake_up`,
   * `/v1/load_lora_adapter`, ...) is refused.
   * @default - the public routes only
   */
  readonly extraRoutes?: string[];
}

/**
 * Answered by nginx itself: the proxy's liveness never depends on the engine.
 * @internal
 */
export const PROXY_LIVENESS_PATH = '/coldstart-proxy/alive';
const CONFIG_DIR = '/etc/coldstart-proxy';
/** Characters a path may hold: nothing nginx reads as syntax (`;`, `{`, quotes, `$`) or a regex/wildcard. */
const PATH_CHARS = /^\/[A-Za-z0-9._~:@+,=/-]*$/;

/** @internal */
export interface SleepModeWiring {
  /** The port the engine listens on, loopback only. */
  readonly enginePort: number;
}

/** One nginx `location` modifier and path. */
interface Location {
  readonly modifier: string;
  readonly path: string;
}

/** The location a route renders to: exact, a prefix that skips regexes, or a regex with one segment per `{param}`. */
function locationOf(route: VllmRoute): Location {
  switch (route.match) {
    case RouteMatch.EXACT: return { modifier: '=', path: route.path };
    case RouteMatch.PREFIX: return { modifier: '^~', path: route.path };
    case RouteMatch.TEMPLATE: return {
      modifier: '~',
      path: `^${route.path.split(/\{[^}]+\}/).map(part => part.replace(/[.+]/g, c => `\\${c}`)).join('[^/]+')}$`,
    };
  }
}

/**
 * The extra routes, checked: an absolute, normalized path of plain characters
 * that reaches no internal route. A trailing `/` makes it a prefix.
 * @internal
 */
export function extraLocations(scope: Construct, routes: readonly string[] | undefined): Location[] {
  if (routes === undefined) return [];
  if (!Array.isArray(routes)) fail(scope, 'CS-IN-062', 'runtime.sleepMode.extraRoutes is not a list of paths', 'pass an array of absolute paths, e.g. [\'/v1/my-route\']');
  const refuse = (route: unknown, why: string): never => fail(scope, 'CS-IN-062', `sleep-mode extra route ${JSON.stringify(route)} ${why}`,
    'forward an absolute path such as /v1/my-route (a trailing / forwards everything under it); the development and engine-state routes stay internal');
  const seen = new Set<string>();
  const locations: Location[] = [];
  for (const route of routes) {
    if (typeof route !== 'string' || route === '') refuse(route, 'is not a path');
    if (!route.startsWith('/')) refuse(route, 'is not an absolute path');
    if (/\s/.test(route)) refuse(route, 'holds whitespace');
    if (/[*?]/.test(route)) refuse(route, 'holds a wildcard: routes are literal paths, and a trailing / is the only way to forward a subtree');
    if (!PATH_CHARS.test(route)) refuse(route, 'holds characters nginx would read as syntax (only letters, digits and . _ ~ : @ + , = - / are allowed; nginx matches the decoded path, so no %XX either)');
    if (/\/\/|\/\.\.?(\/|$)/.test(route)) refuse(route, 'is not a normalized path (an empty, . or .. segment never matches: nginx normalizes the request first)');
    const prefix = route.endsWith('/');
    const reopened = INTERNAL_ROUTES.find(r => (prefix ? r.path.startsWith(route) : r.path === route));
    if (reopened) refuse(route, `would forward ${reopened.path}, which ${reopened.when ? `vLLM serves with ${reopened.when} and ` : ''}must stay inside the pod`);
    if (route === PROXY_LIVENESS_PATH) refuse(route, 'is the proxy\'s own liveness path');
    const location = prefix ? { modifier: '^~', path: route } : { modifier: '=', path: route };
    const key = `${location.modifier} ${location.path}`;
    if (seen.has(key) || PUBLIC_ROUTES.some(r => r.match === RouteMatch.EXACT && !prefix && r.path === route)) continue;
    seen.add(key);
    locations.push(location);
  }
  return locations;
}

/**
 * vLLM sleep mode (`--enable-sleep-mode`, `VLLM_SERVER_DEV_MODE=1`). The
 * dev-mode endpoints share the API's port, so the engine sits behind the API
 * proxy ({@link applyApiProxy}): `/sleep`, `/wake_up` and `/is_sleeping` stay
 * reachable from inside the pod only (`kubectl exec`, or an agent container
 * you add). Level 1 keeps the weights in host RAM, which is added to the
 * memory budget.
 * @internal
 */
export function applySleepMode(
  scope: Construct,
  pod: PodWriter,
  o: SleepModeOptions,
  publicPort: number,
  name: string,
  weightBytes: number,
): SleepModeWiring {
  pod.arg('--enable-sleep-mode');
  const wiring = applyApiProxy(scope, pod, { image: o.proxyImage, extraRoutes: o.extraRoutes, role: 'sleep-proxy', what: 'sleep-mode proxy image' }, publicPort, name);
  pod.env('VLLM_SERVER_DEV_MODE', '1');
  pod.memory('sleep level 1: weights offloaded to host RAM', weightBytes);
  pod.set(Facts.SLEEP_MODE, true);
  return wiring;
}

/** What the API proxy is and what it is for. @internal */
export interface ApiProxyOptions {
  /** The nginx image, pinned by digest. */
  readonly image: string;
  readonly extraRoutes?: string[];
  /** Names its ConfigMap (`<model>-<role>`) and volumes. */
  readonly role: 'sleep-proxy' | 'api-proxy';
  /** The image in messages. */
  readonly what: string;
}

/**
 * Puts the engine on 127.0.0.1 on a private port behind an nginx sidecar that
 * serves the public port, forwarding every public route of vLLM's OpenAI
 * server (src/private/vllm-routes.ts) and answering 404 to the rest, so the
 * routes that change the engine's state (sleep, LoRA loading, ...) are never
 * reachable through the Service.
 *
 * The proxy has its own probes: readiness through it to `/health` (the pod
 * takes traffic only when the path through the proxy works), liveness on a
 * path nginx answers itself, so a stuck proxy restarts the proxy alone and
 * never the engine (a full cold start). The engine's probes reach it on
 * loopback (Runtime.complete).
 * @internal
 */
export function applyApiProxy(scope: Construct, pod: PodWriter, o: ApiProxyOptions, publicPort: number, name: string): SleepModeWiring {
  const image = requireDigest(scope, o.image, o.what);
  const extra = extraLocations(scope, o.extraRoutes);
  const enginePort = publicPort + 1;
  pod.arg('--host', '127.0.0.1');

  const configMap = ManifestObject.render(scope, o.role === 'sleep-proxy' ? 'SleepProxyConfig' : 'ApiProxyConfig', k8s.KubeConfigMap, {
    metadata: { name: `${name}-${o.role}` },
    data: { 'nginx.conf': nginxConf(publicPort, enginePort, [...PUBLIC_ROUTES.map(locationOf), ...extra]) },
  });
  pod.set(Facts.ENGINE_SERVES_PORT, false);
  const proxy = auxContainer({
    name: 'api-proxy',
    image,
    command: ['nginx', '-e', 'stderr', '-c', `${CONFIG_DIR}/nginx.conf`],
    volumeMounts: [
      { name: `${o.role}-config`, mountPath: CONFIG_DIR, readOnly: true },
      { name: `${o.role}-tmp`, mountPath: '/tmp' },
    ],
    resources: { cpu: '500m', memory: '128Mi', ephemeralStorage: '64Mi' },
  });
  // By number: Knative accepts a probe port only as the serving port's name or a number, and rewrites it to that port.
  const port = k8s.IntOrString.fromNumber(publicPort);
  pod.sidecar({
    ...proxy,
    ports: [{ name: 'http', containerPort: publicPort, protocol: 'TCP' }],
    securityContext: { ...proxy.securityContext, readOnlyRootFilesystem: true },
    readinessProbe: { httpGet: { path: '/health', port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: PROXY_LIVENESS_PATH, port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  }, [
    { name: `${o.role}-config`, configMap: { name: configMap.name } },
    { name: `${o.role}-tmp`, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
  ]);
  return { enginePort };
}

/** Streaming-safe: no buffering, hour-long reads for long generations. Temp files and the pid under /tmp (read-only root). */
function nginxConf(publicPort: number, enginePort: number, forwarded: Location[]): string {
  const upstream = `http://127.0.0.1:${enginePort}`;
  const routes = forwarded.map(l => `    location ${l.modifier} ${l.path} {\n      proxy_pass ${upstream};\n    }`);
  return [
    'daemon off;',
    'worker_processes 1;',
    'pid /tmp/nginx.pid;',
    'error_log stderr warn;',
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    '  client_body_temp_path /tmp/client_body;',
    '  proxy_temp_path /tmp/proxy;',
    '  fastcgi_temp_path /tmp/fastcgi;',
    '  uwsgi_temp_path /tmp/uwsgi;',
    '  scgi_temp_path /tmp/scgi;',
    '  client_max_body_size 0;',
    '  proxy_http_version 1.1;',
    '  proxy_buffering off;',
    '  proxy_request_buffering off;',
    '  proxy_read_timeout 1h;',
    '  proxy_send_timeout 1h;',
    '  server {',
    `    listen ${publicPort};`,
    `    location = ${PROXY_LIVENESS_PATH} {`,
    '      default_type text/plain;',
    '      return 200 "ok\\n";',
    '    }',
    ...routes,
    '    location / {',
    '      return 404;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}
