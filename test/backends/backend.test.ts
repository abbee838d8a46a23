import { Backend, KnativeFeature, Profile, WeightSource } from '../../src';
import { find, synth } from '../util';

const CLAIM = WeightSource.existingClaim('qwen-weights');

const knative = (o = {}) => Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature), ...o });
// The model's Deployment; production also writes the warm buffer's.
const deploymentOf = (m: any[]) => {
  const d = find(m, 'Deployment').filter(o => o.metadata.labels['app.kubernetes.io/component'] === 'model-server');
  expect(d).toHaveLength(1);
  return d[0];
};
const isvcOf = (m: any[]) => { const s = find(m, 'InferenceService'); expect(s).toHaveLength(1); return s[0]; };

/** The pod spec a backend wrote, wherever it put it. */
function podOf(m: any[]): any {
  // The model's Deployment, not production's warm buffer.
  const d = find(m, 'Deployment').filter(o => o.metadata.labels['app.kubernetes.io/component'] === 'model-server');
  if (d.length) return d[0].spec.template.spec;
  const { minReplicas, maxReplicas, labels, annotations, ...spec } = isvcOf(m).spec.predictor;
  return spec;
}

describe('switching backend changes only backend fields', () => {
  /** Backend-specific values replaced by placeholders: container name, port number and port name. */
  function normalized(m: any[]): any {
    const pod = JSON.parse(JSON.stringify(podOf(m)));
    // The revision's request timeout is Knative's, not a lever setting; so is fsGroupChangePolicy, which Knative's field mask refuses.
    delete pod.timeout;
    if (pod.securityContext) delete pod.securityContext.fsGroupChangePolicy;
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

test('every factory returns a subclass of Backend (jsii resolves a returned object through its prototype chain)', () => {
  for (const b of [Backend.kserveKnative(), Backend.kserveStandard(), Backend.deployment()]) expect(b).toBeInstanceOf(Backend);
});
