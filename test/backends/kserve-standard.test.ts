import { Backend, Profile, StandardAutoscaler } from '../../src';
import { find, synth } from '../util';

const isvcOf = (m: any[]) => { const s = find(m, 'InferenceService'); expect(s).toHaveLength(1); return s[0]; };

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

  test.each([StandardAutoscaler.KEDA, StandardAutoscaler.HPA])('%s: the floor is 1 by default, even in lab, and 0 is refused (nothing wakes it)', autoscaler => {
    const obj = isvcOf(synth({ backend: Backend.kserveStandard({ autoscaler }) }).manifests);
    expect(obj.metadata.annotations['serving.kserve.io/autoscalerClass']).toBe(autoscaler);
    expect(obj.spec.predictor.minReplicas).toBe(1);
    expect(() => synth({ backend: Backend.kserveStandard({ autoscaler }), scaling: { minReplicas: 0, maxReplicas: 2 } }))
      .toThrow(/^serving\/qwen: \[CS-IN-053\] scaling.minReplicas is 0, but nothing in this backend wakes the model/);
  });
});
