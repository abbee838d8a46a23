import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Facts, PodWriter } from '../../blueprint';
import { auxContainer } from '../../private/aux-pod';
import { requireDigest } from '../../private/image';
import { ManifestObject } from '../../private/manifest-object';

/**
 * Options for vLLM sleep mode.
 */
export interface SleepModeOptions {
  /**
   * An nginx image, pinned by digest, that runs as a non-root user (e.g.
   * `nginxinc/nginx-unprivileged@sha256:...`). It serves the model's port and
   * forwards only the public routes to the engine, which listens on loopback:
   * vLLM serves `/sleep` and `/wake_up` on the same port as the API, so
   * without a path filter any client of the Service could put the model to
   * sleep.
   */
  readonly proxyImage: string;
}

/** Routes clients may reach; everything else (the dev-mode endpoints among them) answers 404. */
const PUBLIC_ROUTES = ['/v1/', '= /health', '= /metrics', '= /version'];
const CONFIG_DIR = '/etc/coldstart-proxy';

/** @internal */
export interface SleepModeWiring {
  /** The port the engine listens on, loopback only. */
  readonly enginePort: number;
}

/**
 * vLLM sleep mode (`--enable-sleep-mode`, `VLLM_SERVER_DEV_MODE=1`). The
 * dev-mode endpoints share the API's port, so the engine binds to 127.0.0.1 on
 * a private port and an nginx sidecar serves the public port with an allow
 * list of routes. `/sleep`, `/wake_up` and `/is_sleeping` stay reachable from
 * inside the pod only (`kubectl exec`, or an agent container you add). Level 1
 * keeps the weights in host RAM, which is added to the memory budget.
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
  const image = requireDigest(scope, o.proxyImage, 'sleep-mode proxy image');
  const enginePort = publicPort + 1;
  pod.arg('--enable-sleep-mode');
  pod.arg('--host', '127.0.0.1');
  pod.env('VLLM_SERVER_DEV_MODE', '1');
  pod.memory('sleep level 1: weights offloaded to host RAM', weightBytes);

  const configMap = ManifestObject.render(scope, 'SleepProxyConfig', k8s.KubeConfigMap, {
    metadata: { name: `${name}-sleep-proxy` },
    data: { 'nginx.conf': nginxConf(publicPort, enginePort) },
  });
  pod.set(Facts.ENGINE_SERVES_PORT, false);
  const proxy = auxContainer({
    name: 'api-proxy',
    image,
    command: ['nginx', '-e', 'stderr', '-c', `${CONFIG_DIR}/nginx.conf`],
    volumeMounts: [
      { name: 'sleep-proxy-config', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'sleep-proxy-tmp', mountPath: '/tmp' },
    ],
    resources: { cpu: '500m', memory: '128Mi', ephemeralStorage: '64Mi' },
  });
  pod.sidecar({
    ...proxy,
    ports: [{ name: 'http', containerPort: publicPort, protocol: 'TCP' }],
    securityContext: { ...proxy.securityContext, readOnlyRootFilesystem: true },
  }, [
    { name: 'sleep-proxy-config', configMap: { name: configMap.name } },
    { name: 'sleep-proxy-tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
  ]);
  pod.set(Facts.SLEEP_MODE, true);
  return { enginePort };
}

/** Streaming-safe: no buffering, hour-long reads for long generations. Temp files and the pid under /tmp (read-only root). */
function nginxConf(publicPort: number, enginePort: number): string {
  const upstream = `http://127.0.0.1:${enginePort}`;
  const routes = PUBLIC_ROUTES.map(r => `    location ${r} {\n      proxy_pass ${upstream};\n    }\n`).join('');
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
    routes.trimEnd(),
    '    location / {',
    '      return 404;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}
