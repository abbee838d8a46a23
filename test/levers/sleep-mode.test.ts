import { Backend, Findings, KnativeFeature, StandardAutoscaler, WeightSource } from '../../src';
import { PROXY_LIVENESS_PATH } from '../../src/levers/runtime/sleep-mode';
import { INTERNAL_ROUTES, PUBLIC_ROUTES, RouteMatch } from '../../src/private/vllm-routes';
import { find, GI, MODELCAR, synth, thrown } from '../util';

const CLAIM = WeightSource.existingClaim('qwen-weights');
const PROXY = 'docker.io/nginxinc/nginx-unprivileged@sha256:' + 'c'.repeat(64);
const ALL_FEATURES = Object.values(KnativeFeature);

interface Case {
  readonly name: string;
  readonly props: any;
  /** The pod spec of the model's workload. */
  readonly pod: (m: any[]) => any;
  readonly publicPort: number;
  readonly portName: string;
}

const deploymentPod = (m: any[]) => find(m, 'Deployment').find(d => d.metadata.labels['app.kubernetes.io/component'] === 'model-server').spec.template.spec;
const predictorPod = (m: any[]) => find(m, 'InferenceService')[0].spec.predictor;

const BACKENDS: Case[] = [
  { name: 'Deployment', props: { weights: CLAIM, backend: Backend.deployment() }, pod: deploymentPod, publicPort: 8000, portName: 'http' },
  {
    name: 'KServe Knative',
    props: { weights: WeightSource.modelcar(MODELCAR), backend: Backend.kserveKnative({ enabledFeatures: ALL_FEATURES }) },
    pod: predictorPod,
    publicPort: 8080,
    portName: 'http1',
  },
  {
    name: 'KServe Standard',
    props: {
      weights: WeightSource.modelcar(MODELCAR),
      backend: Backend.kserveStandard({ autoscaler: StandardAutoscaler.HPA }),
      scaling: { minReplicas: 1, maxReplicas: 1 },
    },
    pod: predictorPod,
    publicPort: 8080,
    portName: 'http1',
  },
];

const sleeping = (c: Case, sleepMode: any = {}, runtime: any = {}) =>
  synth({ ...c.props, runtime: { ...runtime, sleepMode: { proxyImage: PROXY, ...sleepMode } } });

const confOf = (m: any[]): string => {
  const maps = find(m, 'ConfigMap').filter(x => x.metadata.name.endsWith('-sleep-proxy'));
  expect(maps).toHaveLength(1);
  return maps[0].data['nginx.conf'];
};

/**
 * The rendered config's locations, and the one nginx picks for a path: an
 * exact match, else the longest prefix if `^~`, else the first matching
 * regex, else the longest prefix (written here independently of the rule's parser).
 */
function router(conf: string) {
  const locations = [...conf.matchAll(/location (=|\^~|~)? ?(\S+) \{([^}]*)\}/g)]
    .map(m => ({ modifier: m[1] ?? '', path: m[2], body: m[3] }));
  return (path: string) => {
    const exact = locations.find(l => l.modifier === '=' && l.path === path);
    if (exact) return exact;
    const longest = locations.filter(l => (l.modifier === '' || l.modifier === '^~') && path.startsWith(l.path)).sort((a, b) => b.path.length - a.path.length)[0];
    if (longest?.modifier === '^~') return longest;
    return locations.find(l => l.modifier === '~' && new RegExp(l.path).test(path)) ?? longest;
  };
}

/** A concrete request path for a route (`{param}` filled in). */
const sample = (path: string) => path.replace(/\{[^}]+\}/g, 'resp_0123');

describe.each(BACKENDS)('sleep mode on $name', (c) => {
  test('vLLM runs with --enable-sleep-mode and VLLM_SERVER_DEV_MODE=1, on loopback behind a private port, with no port of its own', () => {
    const engine = c.pod(sleeping(c).manifests).containers[0];
    expect(engine.args).toEqual(expect.arrayContaining(['--enable-sleep-mode', '--host=127.0.0.1', `--port=${c.publicPort + 1}`]));
    expect(engine.env).toContainEqual({ name: 'VLLM_SERVER_DEV_MODE', value: '1' });
    expect(engine.ports).toBeUndefined();
  });

  test('the engine\'s probes reach the engine port on loopback, never the proxy\'s port', () => {
    const engine = c.pod(sleeping(c).manifests).containers[0];
    for (const probe of [engine.livenessProbe, engine.readinessProbe]) {
      expect(probe.httpGet).toBeUndefined();
      expect(probe.exec.command.slice(0, 2)).toEqual(['python3', '-c']);
      expect(probe.exec.command[2]).toContain('http://127.0.0.1:%s%s');
      expect(probe.exec.command.slice(3, 5)).toEqual([`${c.publicPort + 1}`, '/health']);
    }
    expect(engine.livenessProbe).toMatchObject({ periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 });
    // The warmup also runs against the engine port.
    expect(engine.startupProbe.exec.command[3]).toBe(`${c.publicPort + 1}`);
  });

  test('without warmup the startup probe is the same loopback /health check', () => {
    const engine = c.pod(sleeping(c, {}, { warmup: false }).manifests).containers[0];
    expect(engine.startupProbe.httpGet).toBeUndefined();
    expect(engine.startupProbe.exec.command.slice(3, 5)).toEqual([`${c.publicPort + 1}`, '/health']);
  });

  test('a hardened nginx sidecar owns the public port under the backend\'s port name and has its own probes', () => {
    const pod = c.pod(sleeping(c).manifests);
    expect(pod.containers).toHaveLength(2);
    const proxy = pod.containers[1];
    expect(proxy.name).toBe('api-proxy');
    expect(proxy.image).toBe(PROXY);
    expect(proxy.ports).toEqual([{ name: c.portName, containerPort: c.publicPort, protocol: 'TCP' }]);
    expect(proxy.command).toEqual(['nginx', '-e', 'stderr', '-c', '/etc/coldstart-proxy/nginx.conf']);
    expect(proxy.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(proxy.resources.limits).toEqual({ 'cpu': '500m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' });
    // Liveness on a path nginx answers itself: a restart of the proxy never waits on, or restarts, the engine.
    const probe = (path: string) => ({ httpGet: { path, port: c.publicPort }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(proxy.livenessProbe).toEqual(probe(PROXY_LIVENESS_PATH));
    // Readiness through the proxy: the pod takes traffic only when the forwarded path works.
    expect(proxy.readinessProbe).toEqual(probe('/health'));
    expect(pod.volumes).toEqual(expect.arrayContaining([
      { name: 'sleep-proxy-config', configMap: { name: 'qwen-sleep-proxy' } },
      { name: 'sleep-proxy-tmp', emptyDir: { sizeLimit: '64Mi' } },
    ]));
    expect(pod.containers[0].volumeMounts.map((v: any) => v.name)).not.toContain('sleep-proxy-config');
  });

  test('the proxy listens on the public port and answers its liveness path itself', () => {
    const conf = confOf(sleeping(c).manifests);
    expect(conf).toContain(`listen ${c.publicPort};`);
    const live = router(conf)(PROXY_LIVENESS_PATH)!;
    expect(live.modifier).toBe('=');
    expect(live.body).toContain('return 200');
    expect(live.body).not.toContain('proxy_pass');
  });

  test('every public route of the data file is forwarded to the engine, every internal route answers 404', () => {
    const conf = confOf(sleeping(c).manifests);
    const route = router(conf);
    const upstream = `proxy_pass http://127.0.0.1:${c.publicPort + 1};`;
    for (const r of PUBLIC_ROUTES) {
      expect([r.path, route(sample(r.path))?.body]).toEqual([r.path, expect.stringContaining(upstream)]);
    }
    // The mounted /metrics app serves the paths under it too.
    expect(route('/metrics/')?.body).toContain(upstream);
    for (const r of INTERNAL_ROUTES) {
      expect([r.path, route(r.path)?.body]).toEqual([r.path, expect.stringContaining('return 404;')]);
    }
    // Nothing else reaches the engine either.
    for (const path of ['/', '/v1/', '/v1/load_lora_adapter/x', '/v1/responses/a/b', '/healthz', '/sleepy']) {
      expect([path, route(path)?.body]).toEqual([path, expect.stringContaining('return 404;')]);
    }
    expect(conf).toContain('proxy_buffering off;');
  });

  test('passes the baseline pack (CS-SLP-001 and CS-KSV-002 included) with zero findings', () => {
    expect(Findings.of(sleeping(c).app)).toEqual([]);
  });
});

describe('sleep mode: the public routes are vLLM\'s, from its router definitions', () => {
  test('the data file holds the routes of vLLM v0.10.0\'s OpenAI server', () => {
    const paths = PUBLIC_ROUTES.map(r => r.path);
    for (const p of ['/tokenize', '/detokenize', '/score', '/v1/score', '/rerank', '/v1/rerank', '/v2/rerank', '/pooling', '/v1/embeddings', '/classify',
      '/v1/audio/transcriptions', '/v1/audio/translations', '/ping', '/invocations', '/v1/models', '/version', '/health', '/metrics',
      '/v1/chat/completions', '/v1/completions', '/v1/responses', '/v1/responses/{response_id}', '/v1/responses/{response_id}/cancel', '/load']) {
      expect(paths).toContain(p);
    }
    expect(new Set(paths).size).toBe(paths.length);
    expect(PUBLIC_ROUTES.filter(r => r.match === RouteMatch.TEMPLATE).every(r => /\{[a-z_]+\}/.test(r.path))).toBe(true);
  });

  test('the dev-mode and engine-state routes are internal, and no route is both', () => {
    const internal = INTERNAL_ROUTES.map(r => r.path);
    for (const p of ['/sleep', '/wake_up', '/is_sleeping', '/reset_prefix_cache', '/server_info', '/collective_rpc',
      '/v1/load_lora_adapter', '/v1/unload_lora_adapter', '/scale_elastic_ep', '/start_profile', '/stop_profile']) {
      expect(internal).toContain(p);
    }
    expect(PUBLIC_ROUTES.map(r => r.path).filter(p => internal.includes(p))).toEqual([]);
    expect(INTERNAL_ROUTES.find(r => r.path === '/v1/load_lora_adapter')?.when).toBe('VLLM_ALLOW_RUNTIME_LORA_UPDATING');
  });
});

describe('sleep mode: extra routes', () => {
  const deployment = BACKENDS[0];
  const conf = (extraRoutes: string[]) => confOf(sleeping(deployment, { extraRoutes }).manifests);

  test('an exact path and a subtree (trailing /) are forwarded; a public route given again is written once', () => {
    const text = conf(['/v1/custom', '/plugins/', '/v1/models', '/v1/custom']);
    const route = router(text);
    expect(route('/v1/custom')?.body).toContain('proxy_pass http://127.0.0.1:8001;');
    expect(route('/v1/custom/x')?.body).toContain('return 404;');
    expect(route('/plugins/a/b')?.body).toContain('proxy_pass http://127.0.0.1:8001;');
    expect(text.match(/location = \/v1\/custom /g)).toHaveLength(1);
    expect(text.match(/location = \/v1\/models /g)).toHaveLength(1);
    expect(text).toContain('location ^~ /plugins/ {');
    // Still closed.
    expect(route('/sleep')?.body).toContain('return 404;');
  });

  test.each([
    ['v1/custom', 'is not an absolute path'],
    ['', 'is not a path'],
    ['/v1/my route', 'holds whitespace'],
    ['/v1/x\t', 'holds whitespace'],
    ['/v1/*', 'holds a wildcard'],
    ['/sl?ep', 'holds a wildcard'],
    ['/v1/x;y', 'characters nginx would read as syntax'],
    ['/v1/{id}', 'characters nginx would read as syntax'],
    ['/v1/%2e', 'characters nginx would read as syntax'],
    ['/a/../sleep', 'is not a normalized path'],
    ['/a//b', 'is not a normalized path'],
    ['/sleep', 'would forward /sleep'],
    ['/wake_up', 'would forward /wake_up'],
    ['/collective_rpc', 'would forward /collective_rpc'],
    ['/', 'would forward /server_info'],
    ['/v1/', 'would forward /v1/load_lora_adapter, which vLLM serves with VLLM_ALLOW_RUNTIME_LORA_UPDATING'],
    [PROXY_LIVENESS_PATH, 'the proxy\'s own liveness path'],
  ])('%j is refused with CS-IN-062', (route, why) => {
    const message = thrown(() => conf([route]));
    expect(message).toMatch(/^serving\/qwen\/Runtime: \[CS-IN-062\] sleep-mode extra route /);
    expect(message).toContain(why);
    expect(message).toContain('Fix: forward an absolute path');
  });

  test('a value that is not a list is refused with CS-IN-062, not a TypeError', () => {
    expect(thrown(() => sleeping(deployment, { extraRoutes: '/v1/x' }))).toMatch(/\[CS-IN-062\] runtime.sleepMode.extraRoutes is not a list of paths/);
    expect(thrown(() => sleeping(deployment, { extraRoutes: [42] }))).toMatch(/\[CS-IN-062\] sleep-mode extra route 42 is not a path/);
  });
});

describe('sleep mode: other behaviour', () => {
  test('the Deployment backend\'s Service targets the proxy by port name', () => {
    const m = sleeping(BACKENDS[0]).manifests;
    expect(find(m, 'Service')[0].spec.ports[0].targetPort).toBe('http');
  });

  test('Knative: the engine\'s probes need multi-container-probing, and CS-KSV-002 says so when it is not declared', () => {
    const c = BACKENDS[1];
    const enabledFeatures = ALL_FEATURES.filter(f => f !== KnativeFeature.MULTI_CONTAINER_PROBING);
    const without = synth({ ...c.props, backend: Backend.kserveKnative({ enabledFeatures }), runtime: { sleepMode: { proxyImage: PROXY } } });
    expect(Findings.of(without.app).filter(f => f.ruleId === 'CS-KSV-002').map(f => f.value)).toEqual(['multi-container-probing']);
    // Without sleep mode the one container needs no such flag.
    expect(Findings.of(synth(c.props).app)).toEqual([]);
  });

  test('level-1 host RAM for the weights is in the memory budget', () => {
    const without = synth({ weights: CLAIM, backend: Backend.deployment() }).model.memoryLimit.toMebibytes();
    const withSleep = sleeping(BACKENDS[0]).model.memoryLimit.toMebibytes();
    expect(withSleep - without).toBe(Math.ceil(1e9 / 1024 ** 2));
    expect(withSleep).toBeGreaterThan(24 * GI / 1024 ** 2);
  });

  test('the proxy image must be pinned by digest', () => {
    expect(() => synth({ weights: CLAIM, backend: Backend.deployment(), runtime: { sleepMode: { proxyImage: 'nginx:1.27' } } }))
      .toThrow(/^serving\/qwen\/Runtime: \[CS-IMG-001\] sleep-mode proxy image "nginx:1.27" is not pinned by digest.*Fix: /);
  });
});
