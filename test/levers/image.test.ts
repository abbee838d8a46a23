import { Profile, WeightSource, Engine } from '../../src';
import { AUX_CONTAINER_SECURITY, find, MODELCAR, synth, VLLM, container } from '../util';

const lab = () => synth({ profile: Profile.lab() });

const PAUSE = 'registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a';
const L4 = { 'nvidia.com/gpu.product': 'NVIDIA-L4' };
const TOLERATE_GPU = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
const TINY = { cpu: '10m', memory: '16Mi' };
const AUX_POD = {
  automountServiceAccountToken: false,
  enableServiceLinks: false,
  securityContext: { seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 },
};
const labels = (component: string) => ({ 'app.kubernetes.io/name': 'qwen', 'app.kubernetes.io/component': component, 'app.kubernetes.io/managed-by': 'cdk8s-coldstart' });
const one = (m: any[], kind: string, name?: string) => {
  const found = find(m, kind).filter(o => name === undefined || o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('pre-pull DaemonSet', () => {
  test('init containers that only pull the engine and modelcar images, then pause, on the model nodes', () => {
    const extra = 'registry.example.com/agent@sha256:' + 'e'.repeat(64);
    const d = one(synth({ profile: Profile.production(), imagePull: { additionalImages: [extra] } }, 'llm').manifests, 'DaemonSet');
    expect(d.metadata).toEqual({ name: 'qwen-pre-pull', namespace: 'llm', labels: labels('image-pre-pull') });
    expect(d.spec.selector).toEqual({ matchLabels: labels('image-pre-pull') });
    const pull = (name: string, image: string) => ({
      name, image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'exit 0'], resources: { requests: TINY, limits: TINY }, securityContext: AUX_CONTAINER_SECURITY,
    });
    expect(d.spec.template.spec).toEqual({
      ...AUX_POD,
      terminationGracePeriodSeconds: 0,
      nodeSelector: L4,
      tolerations: TOLERATE_GPU,
      initContainers: [pull('pull-engine', VLLM), pull('pull-modelcar', MODELCAR), pull('pull-image-0', extra)],
      containers: [{ name: 'pause', image: PAUSE, imagePullPolicy: 'IfNotPresent', resources: { requests: TINY, limits: TINY }, securityContext: AUX_CONTAINER_SECURITY }],
    });
  });

  test('requests no GPU, so it fits beside the model and the buffer', () => {
    const d = one(synth({ profile: Profile.production() }).manifests, 'DaemonSet');
    for (const c of [...d.spec.template.spec.initContainers, ...d.spec.template.spec.containers]) {
      expect(Object.keys(c.resources.limits)).toEqual(['cpu', 'memory']);
    }
  });

  test('off in lab by default, on when asked; no modelcar init container for claim weights', () => {
    expect(find(synth({ profile: Profile.lab() }).manifests, 'DaemonSet')).toHaveLength(0);
    const d = one(synth({ profile: Profile.lab(), imagePull: { prePull: true }, weights: WeightSource.existingClaim('w') }).manifests, 'DaemonSet');
    expect(d.spec.template.spec.initContainers.map((c: any) => c.name)).toEqual(['pull-engine']);
  });
});

describe('lever 2: image pull', () => {
  test('the engine image is pinned by digest and pulled IfNotPresent', () => {
    const c = container(lab().manifests);
    expect(c.image).toBe(VLLM);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
  });

  test('a tag and a digest together are accepted (the digest wins)', () => {
    const image = 'vllm/vllm-openai:v0.11.0@sha256:' + 'c'.repeat(64);
    expect(container(synth({ engine: Engine.vllm({ image }) }).manifests).image).toBe(image);
  });
});

describe('bad input fails at construction with the path, the id and the fix', () => {

  test('engine image by tag, refused by Engine.vllm', () => {
    expect(() => Engine.vllm({ image: 'vllm/vllm-openai:latest' }))
      .toThrow(/^Engine\.vllm: \[CS-IMG-001\] engine image "vllm\/vllm-openai:latest" is not pinned by digest.*Fix: reference it as registry\/repository@sha256:/);
  });

  test('a digest that is not 64 hex characters', () => {
    expect(() => Engine.vllm({ image: 'vllm/vllm-openai@sha256:abc' })).toThrow(/CS-IMG-001/);
  });
});
