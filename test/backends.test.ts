import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration } from 'cdk8s';
import { parse } from 'yaml';
import { find, GI, MODELCAR, synth } from './util';
import {
  Backend, KnativeFeature, ModelServiceType, Profile, StandardAutoscaler, WeightSource,
} from '../src';
import { RuleReport } from '../src/aspects/report';
import { INFERENCE_SERVICE_GVK } from '../src/backends/kserve';

const CLAIM = WeightSource.existingClaim('qwen-weights');
const PROXY = 'docker.io/nginxinc/nginx-unprivileged@sha256:' + 'c'.repeat(64);

const knative = (o = {}) => Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature), ...o });
// The model's Deployment; production also writes the warm buffer's.
const deploymentOf = (m: any[]) => {
  const d = find(m, 'Deployment').filter(o => o.metadata.labels['app.kubernetes.io/component'] === 'model-server');
  expect(d).toHaveLength(1);
  return d[0];
};
const serviceOf = (m: any[]) => { const s = find(m, 'Service'); expect(s).toHaveLength(1); return s[0]; };
const isvcOf = (m: any[]) => { const s = find(m, 'InferenceService'); expect(s).toHaveLength(1); return s[0]; };

/** The pod spec a backend wrote, wherever it put it. */
function podOf(m: any[]): any {
  const d = find(m, 'Deployment');
  if (d.length) return d[0].spec.template.spec;
  const { minReplicas, maxReplicas, labels, annotations, ...spec } = isvcOf(m).spec.predictor;
  return spec;
}

describe('KServe Knative', () => {
  test('the InferenceService GVK is the CRD\'s storage version (the import is generated from the same file)', () => {
    const crd = parse(readFileSync(join(__dirname, '..', '..', 'shared', 'crds', 'kserve', 'serving.kserve.io_inferenceservices.yaml'), 'utf8'));
    const storage = crd.spec.versions.find((v: any) => v.storage);
    expect(INFERENCE_SERVICE_GVK).toEqual({ apiVersion: `${crd.spec.group}/${storage.name}`, kind: crd.spec.names.kind });
    expect(isvcOf(synth({ weights: CLAIM }).manifests)).toMatchObject(INFERENCE_SERVICE_GVK);
  });

  test('scale to zero with minReplicas 0, and no Knative annotation unless asked', () => {
    const obj = isvcOf(synth({ weights: CLAIM }).manifests);
    expect(obj.spec.predictor.minReplicas).toBe(0);
    expect(obj.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Knative');
    expect(Object.keys(obj.metadata.annotations).filter(k => k.startsWith('autoscaling.knative.dev/'))).toEqual([]);
    expect(obj.metadata.annotations['serving.kserve.io/autoscalerClass']).toBeUndefined();
  });

  test('initial-scale and scale-down-delay go on the InferenceService', () => {
    const obj = isvcOf(synth({ backend: knative({ initialScale: 0, scaleDownDelay: Duration.minutes(10) }) }).manifests);
    expect(obj.metadata.annotations['autoscaling.knative.dev/initial-scale']).toBe('0');
    expect(obj.metadata.annotations['autoscaling.knative.dev/scale-down-delay']).toBe('600s');
  });

  test.each([
    ['a negative initial scale', { initialScale: -1 }, 'initialScale -1 is not an integer >= 0'],
    ['a scale-down delay over 1 hour', { scaleDownDelay: Duration.hours(2) }, 'scaleDownDelay 7200 s is not a whole number of seconds between 0 and 3600'],
  ])('refuses %s', (_, o, message) => {
    expect(() => synth({ backend: knative(o) })).toThrow(new RegExp(`^serving/qwen: \\[CS-IN-051\\] ${message}.*Fix: `));
  });
});

describe('KServe Standard', () => {
  test('HPA by default, with the mode and autoscaler annotations and no Knative key', () => {
    const obj = isvcOf(synth({ profile: Profile.production(), backend: Backend.kserveStandard() }).manifests);
    expect(obj.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(obj.metadata.annotations).toMatchObject({ 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': 'hpa' });
    expect(Object.keys(obj.metadata.annotations).filter(k => /knative/.test(k))).toEqual([]);
    expect(obj.spec.predictor.minReplicas).toBe(1);
    expect(obj.spec.predictor.maxReplicas).toBe(1);
    const c = obj.spec.predictor.containers[0];
    expect(c.name).toBe('kserve-container');
    expect(c.ports).toEqual([{ name: 'http1', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.env).toContainEqual({ name: 'STORAGE_URI', value: expect.stringMatching(/^oci:\/\//) });
  });

  test('KEDA allows a floor of 0', () => {
    const obj = isvcOf(synth({ backend: Backend.kserveStandard({ autoscaler: StandardAutoscaler.KEDA }) }).manifests);
    expect(obj.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe('keda');
    expect(obj.spec.predictor.minReplicas).toBe(0);
  });

  test('HPA refuses a floor of 0', () => {
    expect(() => synth({ backend: Backend.kserveStandard({ autoscaler: StandardAutoscaler.HPA }) }))
      .toThrow(/^serving\/qwen: \[CS-IN-053\] KServe Standard mode with the hpa autoscaler keeps at least 1 replica.*Fix: .*StandardAutoscaler.KEDA/);
  });
});

describe('Deployment + Service', () => {
  const prod = (o = {}) => synth({ profile: Profile.production(), weights: CLAIM, backend: Backend.deployment(), ...o }).manifests;

  test('a Deployment of vLLM on port 8000 at the replica floor', () => {
    const d = deploymentOf(prod());
    expect(d.apiVersion).toBe('apps/v1');
    expect(d.metadata.name).toBe('qwen');
    expect(d.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'qwen', 'app.kubernetes.io/component': 'model-server', 'app.kubernetes.io/managed-by': 'cdk8s-coldstart' });
    expect(d.metadata.annotations['coldstart.cdk8s.io/expected-startup-seconds']).toMatch(/^\d+$/);
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.selector.matchLabels).toEqual(d.metadata.labels);
    expect(d.spec.template.metadata.labels).toEqual(d.metadata.labels);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    const c = d.spec.template.spec.containers[0];
    expect(c.name).toBe('vllm');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(c.args).toContain('--port=8000');
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health', port: 8000 });
    expect(c.env.map((e: any) => e.name)).not.toContain('STORAGE_URI');
    expect(Object.keys(d.metadata.annotations).filter(k => /kserve|knative/.test(k))).toEqual([]);
  });

  test('a Service selects the pods and targets the named port', () => {
    const m = prod();
    const s = serviceOf(m);
    expect(s.metadata.name).toBe('qwen');
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.selector).toEqual(deploymentOf(m).spec.selector.matchLabels);
    expect(s.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
    expect(serviceOf(prod({ backend: Backend.deployment({ serviceType: ModelServiceType.LOAD_BALANCER }) })).spec.type).toBe('LoadBalancer');
  });

  test('lab parks the model at zero replicas', () => {
    expect(deploymentOf(synth({ weights: CLAIM, backend: Backend.deployment() }).manifests).spec.replicas).toBe(0);
  });

  test('the workload is the Deployment, created after its dependencies', () => {
    const { model } = synth({ weights: CLAIM, backend: Backend.deployment() });
    expect(model.workload.kind).toBe('Deployment');
  });

  test('refuses weights that need KServe storage handling, naming a volume-based source', () => {
    expect(() => synth({ backend: Backend.deployment() }))
      .toThrow(/^serving\/qwen: \[CS-IN-050\] the weight source needs KServe's storage handling \(oci:\/\/.*Fix: .*WeightSource.existingClaim/);
  });

  test('refuses a ceiling it could never use', () => {
    expect(() => synth({ weights: CLAIM, backend: Backend.deployment(), scaling: { minReplicas: 1, maxReplicas: 3 } }))
      .toThrow(/^serving\/qwen: \[CS-IN-054\] the Deployment backend has no autoscaler.*Fix: /);
  });

  test('passes the baseline pack with zero findings in both profiles', () => {
    for (const profile of [Profile.lab(), Profile.production()]) {
      const { app } = synth({ profile, weights: CLAIM, backend: Backend.deployment() });
      expect(RuleReport.of(app).findings).toEqual([]);
    }
  });
});

describe('switching backend changes only backend fields', () => {
  /** Backend-specific values replaced by placeholders: container name, port number and port name. */
  function normalized(m: any[]): any {
    const pod = JSON.parse(JSON.stringify(podOf(m)));
    for (const c of pod.containers) {
      c.name = 'ENGINE';
      for (const p of c.ports ?? []) p.name = 'PORT_NAME';
    }
    return JSON.parse(JSON.stringify(pod).replace(/\b(8080|8000)\b/g, '99999'));
  }

  test.each([['lab', Profile.lab()], ['production', Profile.production()]])('the same props share every lever setting (%s)', (_, profile) => {
    const props = { profile, weights: CLAIM, scaling: { minReplicas: 1, maxReplicas: 1 } };
    const k = synth({ ...props, backend: knative() }).manifests;
    const s = synth({ ...props, backend: Backend.kserveStandard() }).manifests;
    const d = synth({ ...props, backend: Backend.deployment() }).manifests;
    expect(normalized(s)).toEqual(normalized(k));
    expect(normalized(d)).toEqual(normalized(k));
    // The side objects the levers wrote are the same objects.
    const side = (m: any[]) => m.filter(o => !['InferenceService', 'Deployment', 'Service'].includes(o.kind));
    expect(side(d)).toEqual(side(k));
    // and the object annotations the levers wrote
    const ours = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).filter(([key]) => key.startsWith('coldstart.cdk8s.io/expected')));
    expect(ours(deploymentOf(d).metadata.annotations)).toEqual(ours(isvcOf(k).metadata.annotations));
  });
});

describe('warmup before ready', () => {
  const c = (o = {}) => synth({ weights: CLAIM, backend: Backend.deployment(), ...o }).manifests;
  const engine = (m: any[]) => deploymentOf(m).spec.template.spec.containers[0];

  test('the startup probe runs one max_tokens=1 completion against the served model on loopback', () => {
    const p = engine(c()).startupProbe;
    const [py, dashC, script, port, model, timeout] = p.exec.command;
    expect([py, dashC, port, model, timeout]).toEqual(['python3', '-c', '8000', 'qwen2.5-0.5b-instruct', '28']);
    expect(script).toContain('"max_tokens": 1');
    expect(script).toContain('http://127.0.0.1:%s/v1/completions');
    expect(script).toContain('sys.exit(0 if answer.get("choices") else 1)');
    expect(p.timeoutSeconds).toBe(30);
    expect(p.periodSeconds * p.failureThreshold).toBeGreaterThanOrEqual(300);
    expect(engine(c()).lifecycle).toBeUndefined();
  });

  test('readiness follows only after it, on /health', () => {
    expect(engine(c()).readinessProbe.httpGet).toEqual({ path: '/health', port: 8000 });
  });

  test('the same warmup on KServe, on its port', () => {
    const k = isvcOf(synth().manifests).spec.predictor.containers[0];
    expect(k.startupProbe.exec.command.slice(3)).toEqual(['8080', 'qwen2.5-0.5b-instruct', '28']);
  });

  test('can be turned off, back to GET /health', () => {
    expect(engine(c({ runtime: { warmup: false } })).startupProbe.httpGet).toEqual({ path: '/health', port: 8000 });
  });
});

describe('runtime profile knobs', () => {
  const a = (profile: Profile, runtime = {}) => isvcOf(synth({ profile, runtime }).manifests).spec.predictor.containers[0].args;
  const e = (profile: Profile, runtime = {}) => Object.fromEntries(isvcOf(synth({ profile, runtime }).manifests).spec.predictor.containers[0].env.map((x: any) => [x.name, x.value]));

  test('-O0 (no torch.compile) in lab, vLLM\'s compile in production, overridable', () => {
    expect(a(Profile.lab())).toContain('-O0');
    expect(a(Profile.production())).not.toContain('-O0');
    expect(a(Profile.lab(), { compile: true })).not.toContain('-O0');
    expect(a(Profile.production(), { compile: false })).toContain('-O0');
  });

  test('VLLM_CACHE_ROOT is a stable path on the /root/.cache volume', () => {
    expect(e(Profile.production()).VLLM_CACHE_ROOT).toBe('/root/.cache/vllm');
    expect(e(Profile.lab()).VLLM_CACHE_ROOT).toBe('/root/.cache/vllm');
  });

  test('NCCL_CUMEM_ENABLE=0 in every profile, unset when cuMem is needed (IMEX, GB200)', () => {
    expect(e(Profile.lab()).NCCL_CUMEM_ENABLE).toBe('0');
    expect(e(Profile.production()).NCCL_CUMEM_ENABLE).toBe('0');
    expect(e(Profile.production(), { ncclCumemEnabled: true }).NCCL_CUMEM_ENABLE).toBeUndefined();
  });
});

describe('sleep mode', () => {
  const sleepProps = (o = {}) => ({ weights: CLAIM, backend: Backend.deployment(), runtime: { sleepMode: { proxyImage: PROXY } }, ...o });
  const run = (o = {}) => synth(sleepProps(o));

  test('vLLM runs with --enable-sleep-mode and VLLM_SERVER_DEV_MODE=1, on loopback behind a private port', () => {
    const pod = deploymentOf(run().manifests).spec.template.spec;
    const engine = pod.containers[0];
    expect(engine.args).toEqual(expect.arrayContaining(['--enable-sleep-mode', '--host=127.0.0.1', '--port=8001']));
    expect(engine.env).toContainEqual({ name: 'VLLM_SERVER_DEV_MODE', value: '1' });
    expect(engine.ports).toBeUndefined();
    // The warmup reaches the engine directly; the kubelet's HTTP probes go through the proxy.
    expect(engine.startupProbe.exec.command[3]).toBe('8001');
    expect(engine.readinessProbe.httpGet).toEqual({ path: '/health', port: 8000 });
  });

  test('a hardened nginx sidecar owns the public port, and the Service targets it', () => {
    const m = run().manifests;
    const pod = deploymentOf(m).spec.template.spec;
    const proxy = pod.containers[1];
    expect(proxy.name).toBe('api-proxy');
    expect(proxy.image).toBe(PROXY);
    expect(proxy.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(proxy.command).toEqual(['nginx', '-e', 'stderr', '-c', '/etc/coldstart-proxy/nginx.conf']);
    expect(proxy.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(proxy.resources.limits).toEqual({ 'cpu': '500m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' });
    expect(pod.volumes).toEqual(expect.arrayContaining([
      { name: 'sleep-proxy-config', configMap: { name: 'qwen-sleep-proxy' } },
      { name: 'sleep-proxy-tmp', emptyDir: { sizeLimit: '64Mi' } },
    ]));
    expect(pod.containers[0].volumeMounts.map((v: any) => v.name)).not.toContain('sleep-proxy-config');
    expect(serviceOf(m).spec.ports[0].targetPort).toBe('http');
  });

  test('the proxy forwards the public routes only; /sleep and /wake_up answer 404', () => {
    const conf: string = find(run().manifests, 'ConfigMap')[0].data['nginx.conf'];
    expect(conf).toContain('listen 8000;');
    expect(conf.match(/location [^{]+/g)!.map(l => l.trim())).toEqual(['location /v1/', 'location = /health', 'location = /metrics', 'location = /version', 'location /']);
    expect(conf.match(/proxy_pass [^;]+/g)).toEqual(Array(4).fill('proxy_pass http://127.0.0.1:8001'));
    expect(conf).toMatch(/location \/ \{\s+return 404;/);
    expect(conf).not.toMatch(/sleep|wake/);
    expect(conf).toContain('proxy_buffering off;');
  });

  test('level-1 host RAM for the weights is in the memory budget', () => {
    const without = synth({ weights: CLAIM, backend: Backend.deployment() }).model.memoryLimit.toMebibytes();
    const withSleep = run().model.memoryLimit.toMebibytes();
    expect(withSleep - without).toBe(Math.ceil(1e9 / 1024 ** 2));
    expect(withSleep).toBeGreaterThan(24 * GI / 1024 ** 2);
  });

  test('passes the baseline pack (CS-SLP-001 included) with zero findings', () => {
    expect(RuleReport.of(run().app).findings).toEqual([]);
  });

  test.each([['Knative', knative()], ['Standard', Backend.kserveStandard({ autoscaler: StandardAutoscaler.KEDA })]])('KServe %s refuses it', (mode, backend) => {
    expect(() => synth(sleepProps({ backend, weights: WeightSource.modelcar(MODELCAR) })))
      .toThrow(new RegExp(`^serving/qwen: \\[CS-IN-052\\] the pod has sidecar container\\(s\\) api-proxy .*KServe ${mode} mode.*Fix: use Backend.deployment\\(\\)`));
  });

  test('the proxy image must be pinned by digest', () => {
    expect(() => synth(sleepProps({ runtime: { sleepMode: { proxyImage: 'nginx:1.27' } } })))
      .toThrow(/^serving\/qwen\/Runtime: \[CS-IMG-001\] sleep-mode proxy image "nginx:1.27" is not pinned by digest.*Fix: /);
  });
});

test('every factory returns a subclass of Backend (jsii resolves a returned object through its prototype chain)', () => {
  for (const b of [Backend.kserveKnative(), Backend.kserveStandard(), Backend.deployment()]) expect(b).toBeInstanceOf(Backend);
});
