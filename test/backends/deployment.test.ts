import { Size } from 'cdk8s';
import { Backend, Findings, ModelServiceType, ModelSize, Profile, WeightSource } from '../../src';
import { find, synth } from '../util';

const CLAIM = WeightSource.existingClaim('qwen-weights');
// The model's Deployment; production also writes the warm buffer's.
const deploymentOf = (m: any[]) => {
  const d = find(m, 'Deployment').filter(o => o.metadata.labels['app.kubernetes.io/component'] === 'model-server');
  expect(d).toHaveLength(1);
  return d[0];
};
const serviceOf = (m: any[]) => { const s = find(m, 'Service'); expect(s).toHaveLength(1); return s[0]; };

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

  test('nothing wakes a Deployment from zero: the floor is 1 even in lab, and 0 is refused', () => {
    expect(deploymentOf(synth({ weights: CLAIM, backend: Backend.deployment() }).manifests).spec.replicas).toBe(1);
    expect(() => synth({ weights: CLAIM, backend: Backend.deployment(), scaling: { minReplicas: 0, maxReplicas: 0 } as any }))
      .toThrow(/^serving\/qwen: \[CS-IN-0(07|53)\]/);
    expect(() => synth({ weights: CLAIM, backend: Backend.deployment(), scaling: { minReplicas: 0, maxReplicas: 1 } }))
      .toThrow(/^serving\/qwen: \[CS-IN-053\] scaling.minReplicas is 0, but nothing in this backend wakes the model.*Fix: use Backend.kserveKnative\(\)/);
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
      expect(Findings.of(app)).toEqual([]);
    }
  });
});

test('the Deployment\'s progress deadline covers node, image and the startup budget (600 s at least)', () => {
  // A held node with the image on it: node, image and probe budget together stay under 600 s.
  const small = synth({ backend: Backend.deployment(), weights: CLAIM, capacity: { warmBuffer: { enabled: true } }, imagePull: { prePull: true } });
  expect(deploymentOf(small.manifests).spec.progressDeadlineSeconds).toBe(600);
  const big = synth({ backend: Backend.deployment(), weights: CLAIM, size: ModelSize.of(Size.gibibytes(300)) });
  // The deadline holds the slow case of the levers before the container starts.
  const wake = big.model.estimate.nodeCapacityRange.high + big.model.estimate.imagePullRange.high + big.model.startupBudget.toSeconds();
  expect(deploymentOf(big.manifests).spec.progressDeadlineSeconds).toBe(Math.ceil(wake / 60) * 60);
  expect(Findings.of(big.model.node.root).filter(f => f.ruleId === 'CS-RT-005')).toEqual([]);
});
