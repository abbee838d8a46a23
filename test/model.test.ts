import { ApiObject, Chart, Size, Testing } from 'cdk8s';

import { baseProps, container, GI, MODELCAR, predictor, synth, thrown, VLLM } from './util';
import { Backend, CacheStorage, Cloud, ColdStartOptimizedModel, Engine, ModelSize, Precision, Profile, RuleSuppressions, WeightSource } from '../src';

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
    expect(() => Cloud.eks({ region: 'Not A Region' })).toThrow(/region "Not A Region" is not a region name/);
  });

  test('model size from parameters and precision', () => {
    expect(ModelSize.fromParameters(70e9, Precision.BF16).bytes).toBe(140e9);
    expect(ModelSize.fromParameters(7e9, Precision.INT4).bytes).toBe(3.5e9);
    expect(ModelSize.of(Size.gibibytes(1)).bytes).toBe(GI);
    expect(() => ModelSize.fromParameters(0, Precision.BF16)).toThrow(/parameters must be a positive number/);
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

  test('engine image by tag', () => {
    expect(build({ engine: Engine.vllm({ image: 'vllm/vllm-openai:latest' }) }))
      .toThrow(/^serving\/qwen\/ImagePull: \[CS-IMG-001\] engine image "vllm\/vllm-openai:latest" is not pinned by digest.*Fix: reference it as registry\/repository@sha256:/);
  });

  test('modelcar by tag', () => {
    expect(build({ weights: WeightSource.modelcar('registry.example.com/models/qwen:v1') }))
      .toThrow(/^serving\/qwen\/WeightLoad: \[CS-IMG-001\] modelcar image "registry.example.com\/models\/qwen:v1" is not pinned by digest/);
  });

  test('a digest that is not 64 hex characters', () => {
    expect(build({ engine: Engine.vllm({ image: 'vllm/vllm-openai@sha256:abc' }) })).toThrow(/CS-IMG-001/);
  });

  test('shm larger than the memory limit', () => {
    expect(build({ runtime: { shmSize: Size.gibibytes(32), memoryLimit: Size.gibibytes(24) } }))
      .toThrow(/^serving\/qwen: \[CS-SHM-002\] the \/dev\/shm sizeLimit 32Gi is larger than the memory limit 24Gi: 954Mi Run:ai streamer .* \+ 32Gi \/dev\/shm .* \+ 8Gi engine .*Fix: raise runtime.memoryLimit to at least 41914Mi, or lower runtime.shmSize/);
  });

  test('a memory limit below shm + engine + streamer', () => {
    expect(build({ runtime: { memoryLimit: Size.gibibytes(20) } }))
      .toThrow(/\[CS-SHM-002\] the memory limit 20Gi is below the pod's need/);
  });

  test.each([[0], [-0.1], [1], [1.2]])('GPU memory utilization %p outside (0, 1)', (util) => {
    expect(build({ runtime: { gpuMemoryUtilization: util } }))
      .toThrow(/^serving\/qwen\/Runtime: \[CS-RT-001\] gpuMemoryUtilization .* is not a fraction in \(0, 1\).*Fix: use 0.6/);
  });

  test('GPU memory utilization above 0.8 fails synth (rule CS-RT-001) unless suppressed with a reason', () => {
    expect(thrown(build({ runtime: { gpuMemoryUtilization: 0.85 } })))
      .toMatch(/error serving\/qwen\/Resource CS-RT-001 0.85 InferenceService\/qwen: vLLM container "kserve-container" sets --gpu-memory-utilization=0.85, outside \(0, 0.8\]/);
    const app = Testing.app();
    const chart = new Chart(app, 'serving');
    const model = new ColdStartOptimizedModel(chart, 'qwen', baseProps({ runtime: { gpuMemoryUtilization: 0.9 } }));
    RuleSuppressions.add(model, [{ id: 'CS-RT-001', reason: 'dedicated H100, no co-tenant, measured headroom' }]);
    expect(container(Testing.synth(chart))).toBeDefined();
  });

  test.each([[0], [-1], [1.5]])('GPU count %p', (count) => {
    expect(build({ gpu: { count } })).toThrow(/^serving\/qwen: \[CS-IN-002\] GPU count .* is not an integer >= 1.*Fix: set gpu.count/);
  });

  test.each([[''], ['   ']])('empty model name %p', (servedModelName) => {
    expect(build({ servedModelName })).toThrow(/^serving\/qwen: \[CS-IN-001\] servedModelName is empty.*Fix: set servedModelName/);
  });

  test('an object name that is not a DNS label', () => {
    expect(build({ name: 'Qwen_2' })).toThrow(/\[CS-IN-001\] name "Qwen_2" is not a DNS-1035 label/);
  });

  test('a priority below 0, or both a class name and a value', () => {
    expect(build({ capacity: { priority: -10 } })).toThrow(/\[CS-IN-004\] priority -10 is not an integer in \[0, 1000000000\]/);
    expect(build({ capacity: { priority: 5, priorityClassName: 'x' } })).toThrow(/\[CS-IN-004\] both capacity.priorityClassName/);
  });

  test('an Exists toleration with a value', () => {
    expect(build({ gpu: { count: 1, tolerations: [{ key: 'k', value: 'v' }] } })).toThrow(/\[CS-IN-003\]/);
  });

  test('a streamer concurrency out of range', () => {
    expect(build({ weights: WeightSource.modelcar(MODELCAR, { streamer: { concurrency: 0 } }) })).toThrow(/\[CS-IN-005\] streamer concurrency 0/);
  });

  test('an extra arg that fights a typed prop', () => {
    expect(build({ engine: Engine.vllm({ image: VLLM, extraArgs: ['--gpu-memory-utilization=0.95'] }) }))
      .toThrow(/\[CS-IN-006\] --gpu-memory-utilization is set to "0.6" by .* and to "0.95" by .*extraArgs.*Fix: drop --gpu-memory-utilization from extraArgs/);
    expect(build({ engine: Engine.vllm({ image: VLLM, extraArgs: ['max-model-len 4096'] }) })).toThrow(/\[CS-IN-006\] engine extra arg "max-model-len 4096"/);
    expect(build({ engine: Engine.vllm({ image: VLLM, extraEnv: { NCCL_CUMEM_ENABLE: '1' } }) })).toThrow(/\[CS-IN-006\] env NCCL_CUMEM_ENABLE/);
  });

  test('replica bounds', () => {
    expect(build({ scaling: { minReplicas: 3, maxReplicas: 2 } })).toThrow(/\[CS-IN-007\]/);
    expect(build({ scaling: { minReplicas: -1 } })).toThrow(/\[CS-IN-007\]/);
  });

  test('a ReadWriteOnce cache with more than one replica', () => {
    expect(() => prod({ scaling: { maxReplicas: 2 } })).toThrow(/\[CS-IN-008\] the \/root\/.cache claim is ReadWriteOnce but maxReplicas is 2.*Fix: use CacheStorage.persistentVolumeClaim\(\{ accessMode: CacheAccessMode.READ_WRITE_MANY/);
  });

  test('the error names the path of a nested model', () => {
    const { App, Chart } = require('cdk8s');
    const { Construct } = require('constructs');
    const app = new App();
    const team = new Construct(new Chart(app, 'c'), 'team-a');
    expect(() => new ColdStartOptimizedModel(team, 'm', baseProps({ engine: Engine.vllm({ image: 'vllm:1' }) }))).toThrow(/^c\/team-a\/m\/ImagePull: /);
  });
});
