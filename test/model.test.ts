import { ApiObject, Chart, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { baseProps, GI, predictor, synth } from './util';
import { Aspects, Backend, CacheStorage, Cloud, ColdStartOptimizedModel, ModelSize, Precision, Profile, TolerationOperator, WeightSource } from '../src';

const lab = () => synth({ profile: Profile.lab() });
const prod = (o = {}) => synth({ profile: Profile.production(), ...o });

describe('replica floor', () => {
  test('lab scales to zero', () => {
    const p = predictor(lab().manifests);
    expect(p.minReplicas).toBe(0);
    expect(p.maxReplicas).toBe(1);
  });

  test('production keeps one replica by default', () => {
    expect(predictor(prod().manifests).minReplicas).toBe(1);
  });

  test('production floor is configurable', () => {
    const p = predictor(prod({ scaling: { minReplicas: 2, maxReplicas: 4 }, runtime: { cache: CacheStorage.existingClaim('rwx-cache') } }).manifests);
    expect(p.minReplicas).toBe(2);
    expect(p.maxReplicas).toBe(4);
  });
});

describe('profiles', () => {
  test('the default profile is a generic lab', () => {
    const { model } = synth();
    expect(model.profile.environment).toBe('lab');
    expect(model.profile.cloud.provider).toBe('generic');
  });

  test('a cloud carries its region', () => {
    const p = Profile.production({ cloud: Cloud.gke({ region: 'us-central1' }) });
    expect(p.cloud.provider).toBe('gke');
    expect(p.cloud.region).toBe('us-central1');
    expect(() => Cloud.eks({ region: 'Not A Region' })).toThrow(/^Cloud\.eks: \[CS-IN-026\] region "Not A Region" is not a region id\. Fix: /);
  });

  test('model size from parameters and precision', () => {
    expect(ModelSize.fromParameters(70e9, Precision.BF16).bytes).toBe(140e9);
    expect(ModelSize.fromParameters(7e9, Precision.INT4).bytes).toBe(3.5e9);
    expect(ModelSize.of(Size.gibibytes(1)).bytes).toBe(GI);
    expect(() => ModelSize.fromParameters(0, Precision.BF16)).toThrow(/^ModelSize\.fromParameters: \[CS-IN-048\] parameters must be a positive number/);
    expect(() => ModelSize.of(Size.gibibytes(0))).toThrow(/^ModelSize\.of: \[CS-IN-048\] the model size 0Gi is not a positive, finite size/);
    expect(() => ModelSize.fromParameters(7e9, 'int3' as Precision)).toThrow(/^ModelSize\.fromParameters: \[CS-IN-048\] precision "int3" is not a Precision/);
  });

  test('4-bit microscaling formats carry their block scales', () => {
    // MXFP4: 32 values share an 8-bit scale (4.25 bits each); NVFP4: 16 values share an FP8 scale (4.5 bits each).
    expect(ModelSize.fromParameters(120e9, Precision.MXFP4).bytes).toBe(120e9 * 4.25 / 8);
    expect(ModelSize.fromParameters(8e9, Precision.NVFP4).bytes).toBe(8e9 * 4.5 / 8);
    expect(ModelSize.fromParameters(8e9, Precision.NVFP4).bytes).toBeGreaterThan(ModelSize.fromParameters(8e9, Precision.INT4).bytes);
  });
});

describe('output', () => {
  test('two synths of the same app are byte-identical', () => {
    expect(JSON.stringify(lab().manifests)).toBe(JSON.stringify(lab().manifests));
  });

  test('the backend defaults to KServe Knative', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'serving');
    new ColdStartOptimizedModel(chart, 'qwen', { ...baseProps(), backend: undefined });
    const defaulted = Testing.synth(chart);
    expect(JSON.stringify(defaulted)).toBe(JSON.stringify(synth({ backend: Backend.kserveKnative() }).manifests));
  });

  test.each([
    ['KServe Knative', Backend.kserveKnative(), 'InferenceService'],
    ['KServe Standard', Backend.kserveStandard(), 'InferenceService'],
    ['Deployment', Backend.deployment(), 'Deployment'],
  ])('the workload is the model\'s default child on %s, so ApiObject.of(model) works as in cdk8s-plus', (_, backend, kind) => {
    const { model } = synth({ backend, weights: WeightSource.existingClaim('w'), profile: Profile.production() });
    expect(model.node.defaultChild).toBe(model.workload);
    const workload = ApiObject.of(model);
    expect(workload.kind).toBe(kind);
    workload.metadata.addLabel('team', 'ml');
    expect(workload.toJson().metadata.labels.team).toBe('ml');
  });
});

describe('bad input fails at construction with the path, the id and the fix', () => {
  const build = (overrides: object) => () => synth(overrides);

  test.each([[0], [-1], [1.5]])('GPU count %p', (count) => {
    expect(build({ gpu: { count } })).toThrow(/^serving\/qwen: \[CS-IN-002\] GPU count .* is not an integer >= 1.*Fix: set gpu.count/);
  });

  test.each([[''], ['   ']])('empty model name %p', (servedModelName) => {
    expect(build({ servedModelName })).toThrow(/^serving\/qwen: \[CS-IN-020\] servedModelName is empty.*Fix: set servedModelName/);
  });

  test('an object name that is not a DNS label', () => {
    expect(build({ name: 'Qwen_2' })).toThrow(/\[CS-IN-001\] name "Qwen_2" is not a DNS-1035 label/);
  });

  // Found by the bad-input corpus: both were written to the manifest as given.
  test('an Equal toleration whose value the API server rejects (not a label value)', () => {
    const gpu = { count: 1, tolerations: [{ key: 'nvidia.com/gpu', operator: TolerationOperator.EQUAL, value: 'not valid!' }] };
    expect(build({ gpu })).toThrow(/^serving\/qwen: \[CS-IN-003\] toleration nvidia.com\/gpu has a value that is not a valid label value.*Fix: /);
    expect(() => synth({ gpu: { ...gpu, tolerations: [{ ...gpu.tolerations[0], value: 'present' }] } })).not.toThrow();
  });

  test('a nodeSelector that is a list, not a map', () => {
    expect(build({ gpu: { count: 1, nodeSelector: ['nvidia.com/gpu.present'] as any } })).toThrow(/^serving\/qwen: \[CS-IN-058\] gpu.nodeSelector is not a map.*Fix: /);
  });

  // Found by the bad-input corpus: the name is an engine arg; only the synth-time rule caught a token there, and not with enforceBaseline off.
  test('a credential as servedModelName, whether or not the baseline is enforced', () => {
    const token = 'hf_' + 'Kq4xZ'.repeat(7);
    for (const enforceBaseline of [true, false]) {
      const e = (() => { try { synth({ servedModelName: token, enforceBaseline }); } catch (x) { return x as Error; } return undefined; })();
      expect(e?.message).toMatch(/^serving\/qwen: \[CS-IN-015\] servedModelName holds a Hugging Face token \(not shown\).*Fix: /);
      expect(e?.message).not.toContain(token);
    }
  });

  // Found by the bad-input corpus: enforceBaseline was read by truthiness, so a 0 from plain JavaScript switched the pack off unasked.
  test.each([[0], [''], ['false'], [null]])('enforceBaseline %p, not a boolean', (v) => {
    expect(build({ enforceBaseline: v as any })).toThrow(/^serving\/qwen: \[CS-IN-059\] props.enforceBaseline is missing or not of its type.*Fix: pass true or false/);
    expect(build({ argoCdSyncWaves: v as any })).toThrow(/^serving\/qwen: \[CS-IN-059\] props.argoCdSyncWaves is missing or not of its type/);
  });

  test('enforceBaseline false still builds, with no pack added', () => {
    const app = Testing.app();
    new ColdStartOptimizedModel(new Chart(app, 'serving'), 'qwen', baseProps({ enforceBaseline: false }));
    expect(Aspects.of(app).all).toEqual([]);
    const withPack = Testing.app();
    new ColdStartOptimizedModel(new Chart(withPack, 'serving'), 'qwen', baseProps({ enforceBaseline: true }));
    expect(Aspects.of(withPack).all.map(a => a.constructor.name)).toEqual(['ColdStartBaseline']);
  });

  // Found by the bad-input corpus: 1e12 replicas passed into InferenceService maxReplicas, an int32 field the API server range-checks.
  test.each([[{ minReplicas: 0, maxReplicas: 2 ** 31 }], [{ minReplicas: 1e12, maxReplicas: 1e12 }]])('replica bounds beyond int32 %p', (scaling) => {
    expect(build({ scaling })).toThrow(/^serving\/qwen: \[CS-IN-007\] replicas .* 1 <= max <= 2147483647.*Fix: /);
  });

  test('an Exists toleration with a value', () => {
    expect(build({ gpu: { count: 1, tolerations: [{ key: 'k', value: 'v' }] } })).toThrow(/\[CS-IN-003\]/);
  });

  test('replica bounds', () => {
    expect(build({ scaling: { minReplicas: 3, maxReplicas: 2 } })).toThrow(/\[CS-IN-007\]/);
    expect(build({ scaling: { minReplicas: -1 } })).toThrow(/\[CS-IN-007\]/);
  });

  test('the error names the path of a nested model', () => {
    const team = new Construct(new Chart(Testing.app(), 'c'), 'team-a');
    expect(() => new ColdStartOptimizedModel(team, 'm', baseProps({ imagePull: { pauseImage: 'pause:1' } }))).toThrow(/^c\/team-a\/m\/ImagePull: /);
  });
});
