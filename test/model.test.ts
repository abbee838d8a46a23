import { Chart, Duration, Size, Testing } from 'cdk8s';
import { schemaErrors } from './schema';
import { args, baseProps, bytes, container, env, find, GI, isvc, MODELCAR, predictor, synth, volume, VLLM } from './util';
import {
  Backend, CacheAccessMode, CacheStorage, Cloud, ColdStartOptimizedModel, Engine, ModelSize, Precision, Profile,
  RuleSuppressions, TolerationEffect, TolerationOperator, WeightSource,
} from '../src';

const lab = () => synth({ profile: Profile.lab() });
const prod = (o = {}) => synth({ profile: Profile.production(), ...o });

describe('KServe InferenceService (Knative)', () => {
  test('is a serving.kserve.io/v1beta1 InferenceService in Knative mode', () => {
    const obj = isvc(lab().manifests);
    expect(obj.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(obj.metadata.name).toBe('qwen');
    expect(obj.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Knative');
  });

  test('runs vLLM as the custom kserve-container with every flag in the manifest', () => {
    const c = container(lab().manifests);
    expect(c.name).toBe('kserve-container');
    expect(c.command).toEqual(['python3', '-m', 'vllm.entrypoints.openai.api_server']);
    const a = args(lab().manifests);
    expect(a['--model']).toBe('/mnt/models');
    expect(a['--served-model-name']).toBe('qwen2.5-0.5b-instruct');
    expect(a['--port']).toBe('8080');
    expect(a['--tensor-parallel-size']).toBe('1');
    expect(c.ports).toEqual([{ name: 'http1', containerPort: 8080, protocol: 'TCP' }]);
    expect(predictor(lab().manifests).model).toBeUndefined();
  });

  test('takes the namespace of the chart', () => {
    expect(isvc(synth({}, 'llm').manifests).metadata.namespace).toBe('llm');
  });

  test.each([['lab', lab], ['production', prod]])('validates against the CRD and Kubernetes schemas (%s)', (_, make) => {
    const manifests = make().manifests;
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });
});

describe('lever 1: weight load', () => {
  test('storage is the digest-pinned modelcar URI', () => {
    expect(env(lab().manifests).STORAGE_URI).toBe(`oci://${MODELCAR}`);
  });

  test('an existing claim is mounted read-only at /mnt/models, offline, streamed, with no storage URI', () => {
    const m = synth({ weights: WeightSource.existingClaim('qwen-weights', { subPath: 'qwen2.5-0.5b' }) }).manifests;
    const c = container(m);
    expect(c.volumeMounts).toContainEqual({ name: 'weights', mountPath: '/mnt/models', readOnly: true, subPath: 'qwen2.5-0.5b' });
    expect(predictor(m).volumes).toContainEqual({ name: 'weights', persistentVolumeClaim: { claimName: 'qwen-weights', readOnly: true } });
    expect(args(m)['--model']).toBe('/mnt/models');
    expect(args(m)['--load-format']).toBe('runai_streamer');
    expect(env(m)).toMatchObject({ HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' });
    expect(env(m).STORAGE_URI).toBeUndefined();
  });

  test.each([['Bad_Name', 'not a valid PersistentVolumeClaim name'], ['ok', 'not a relative path']])('an existing claim %s is refused', (claim, message) => {
    const weights = WeightSource.existingClaim(claim, { subPath: claim === 'ok' ? '../etc' : undefined });
    expect(() => synth({ weights })).toThrow(new RegExp(`^serving/qwen/WeightLoad: \\[CS-IN-011\\] .*${message}.*Fix: `));
  });

  test('an oci:// prefix on the modelcar is accepted once', () => {
    const m = synth({ weights: WeightSource.modelcar(`oci://${MODELCAR}`) }).manifests;
    expect(env(m).STORAGE_URI).toBe(`oci://${MODELCAR}`);
  });

  test('Hugging Face is fully offline', () => {
    const e = env(lab().manifests);
    expect(e.HF_HUB_OFFLINE).toBe('1');
    expect(e.TRANSFORMERS_OFFLINE).toBe('1');
  });

  test('loads with the Run:ai streamer with explicit concurrency and memory limit', () => {
    const a = args(lab().manifests);
    expect(a['--load-format']).toBe('runai_streamer');
    // 0.5e9 params x 2 bytes = 1e9 bytes: below the 4 GiB cap, so the limit is the model size.
    expect(JSON.parse(a['--model-loader-extra-config'] as string)).toEqual({ concurrency: 16, memory_limit: 1e9 });
  });

  test('the streamer buffer is capped at 4 GiB for a large model', () => {
    const a = args(synth({ size: ModelSize.of(Size.gibibytes(140)) }).manifests);
    expect(JSON.parse(a['--model-loader-extra-config'] as string).memory_limit).toBe(4 * GI);
  });

  test('streamer settings can be overridden', () => {
    const weights = WeightSource.modelcar(MODELCAR, { streamer: { concurrency: 32, memoryLimit: Size.gibibytes(2) } });
    const a = args(synth({ weights }).manifests);
    expect(JSON.parse(a['--model-loader-extra-config'] as string)).toEqual({ concurrency: 32, memory_limit: 2 * GI });
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

describe('lever 3: node 0->1', () => {
  test('the model runs at a library-created PriorityClass >= 0', () => {
    const { manifests, model } = lab();
    const [pc] = find(manifests, 'PriorityClass');
    expect(pc.apiVersion).toBe('scheduling.k8s.io/v1');
    expect(pc.metadata.name).toBe('qwen-serving');
    expect(pc.value).toBe(1000);
    expect(pc.globalDefault).toBe(false);
    expect(predictor(manifests).priorityClassName).toBe('qwen-serving');
    expect(model.priorityClassName).toBe('qwen-serving');
  });

  test('the PriorityClass is cluster-scoped even in a namespaced chart', () => {
    const [pc] = find(synth({}, 'llm').manifests, 'PriorityClass');
    expect(pc.metadata.namespace).toBeUndefined();
  });

  test('the priority value can be set', () => {
    const [pc] = find(synth({ capacity: { priority: 0 } }).manifests, 'PriorityClass');
    expect(pc.value).toBe(0);
  });

  test('a user-named PriorityClass is used and none is created', () => {
    const { manifests } = synth({ capacity: { priorityClassName: 'inference-high' } });
    expect(find(manifests, 'PriorityClass')).toHaveLength(0);
    expect(predictor(manifests).priorityClassName).toBe('inference-high');
  });

  test('GPU count, node selector and default GPU toleration', () => {
    const m = lab().manifests;
    const c = container(m);
    expect(c.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(c.resources.requests['nvidia.com/gpu']).toBe('1');
    expect(predictor(m).nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-L4' });
    expect(predictor(m).tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('custom tolerations and GPU resource name', () => {
    const m = synth({
      gpu: {
        count: 2,
        resourceName: 'amd.com/gpu',
        tolerations: [{ key: 'gpu-pool', operator: TolerationOperator.EQUAL, value: 'h100', effect: TolerationEffect.NO_EXECUTE }],
      },
    }).manifests;
    expect(container(m).resources.limits['amd.com/gpu']).toBe('2');
    expect(container(m).resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(predictor(m).tolerations).toEqual([{ key: 'gpu-pool', operator: 'Equal', value: 'h100', effect: 'NoExecute' }]);
    expect(predictor(m).nodeSelector).toBeUndefined();
    expect(args(m)['--tensor-parallel-size']).toBe('2');
  });
});

describe('lever 4: runtime', () => {
  test('/dev/shm is a 16Gi Memory emptyDir by default', () => {
    expect(volume(lab().manifests, '/dev/shm').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '16Gi' });
  });

  test('the shm size can be overridden', () => {
    expect(volume(synth({ runtime: { shmSize: Size.gibibytes(32) } }).manifests, '/dev/shm').emptyDir.sizeLimit).toBe('32Gi');
  });

  test('NCCL_CUMEM_ENABLE=0 unless cuMem is opted into', () => {
    expect(env(lab().manifests).NCCL_CUMEM_ENABLE).toBe('0');
    expect(env(synth({ runtime: { ncclCumemEnabled: true } }).manifests).NCCL_CUMEM_ENABLE).toBeUndefined();
  });

  test('/root/.cache is an emptyDir in lab', () => {
    const v = volume(lab().manifests, '/root/.cache');
    expect(v.emptyDir).toEqual({ sizeLimit: '20Gi' });
    expect(find(lab().manifests, 'PersistentVolumeClaim')).toHaveLength(0);
  });

  test('/root/.cache is a PersistentVolumeClaim in production', () => {
    const { manifests } = prod();
    const v = volume(manifests, '/root/.cache');
    expect(v.persistentVolumeClaim).toEqual({ claimName: 'qwen-cache' });
    const [pvc] = find(manifests, 'PersistentVolumeClaim');
    expect(pvc.metadata.name).toBe('qwen-cache');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(pvc.spec.resources.requests.storage).toBe('50Gi');
  });

  test('the cache storage can be chosen', () => {
    const rwx = prod({
      scaling: { maxReplicas: 3 },
      runtime: { cache: CacheStorage.persistentVolumeClaim({ accessMode: CacheAccessMode.READ_WRITE_MANY, storageClassName: 'nfs', size: Size.gibibytes(100) }) },
    }).manifests;
    const [pvc] = find(rwx, 'PersistentVolumeClaim');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteMany'], storageClassName: 'nfs', resources: { requests: { storage: '100Gi' } } });
    const existing = prod({ runtime: { cache: CacheStorage.existingClaim('shared-cache') } }).manifests;
    expect(find(existing, 'PersistentVolumeClaim')).toHaveLength(0);
    expect(volume(existing, '/root/.cache').persistentVolumeClaim).toEqual({ claimName: 'shared-cache' });
    expect(volume(synth({ runtime: { cache: CacheStorage.emptyDir({ sizeLimit: Size.gibibytes(5) }) } }).manifests, '/root/.cache').emptyDir)
      .toEqual({ sizeLimit: '5Gi' });
  });

  test('--gpu-memory-utilization is 0.6 by default and can be set', () => {
    expect(args(lab().manifests)['--gpu-memory-utilization']).toBe('0.6');
    expect(args(synth({ runtime: { gpuMemoryUtilization: 0.8 } }).manifests)['--gpu-memory-utilization']).toBe('0.8');
  });

  test('--enforce-eager is on in lab and off in production, and can be overridden', () => {
    expect(args(lab().manifests)['--enforce-eager']).toBe(true);
    expect(args(prod().manifests)['--enforce-eager']).toBeUndefined();
    expect(args(prod({ runtime: { enforceEager: true } }).manifests)['--enforce-eager']).toBe(true);
    expect(args(synth({ runtime: { enforceEager: false } }).manifests)['--enforce-eager']).toBeUndefined();
  });

  test('service links are off (a Service named vllm would break VLLM_PORT)', () => {
    expect(predictor(lab().manifests).enableServiceLinks).toBe(false);
  });

  test('readiness and liveness probe the runtime health path', () => {
    const c = container(lab().manifests);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health', port: 8080 });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 8080 });
  });

  test('the startup probe allows at least 5 minutes', () => {
    const c = container(lab().manifests);
    expect(c.startupProbe.exec.command.slice(0, 2)).toEqual(['python3', '-c']);
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(300);
  });

  test('the startup budget grows with the model size', () => {
    const budget = (gib: number) => {
      const p = container(synth({ size: ModelSize.of(Size.gibibytes(gib)) }).manifests).startupProbe;
      return p.periodSeconds * p.failureThreshold;
    };
    expect(budget(140)).toBeGreaterThan(budget(40));
    expect(budget(40)).toBeGreaterThan(budget(1));
    // 140 GiB at 250 MB/s is ~600 s of reading alone; the budget doubles the expectation.
    expect(budget(140)).toBeGreaterThanOrEqual(1200);
  });

  test('compile and graph capture (not eager) lengthen the budget', () => {
    const size = ModelSize.of(Size.gibibytes(60));
    const eager = synth({ size, runtime: { enforceEager: true } }).model.startupBudget.toSeconds();
    const graphs = synth({ size, runtime: { enforceEager: false } }).model.startupBudget.toSeconds();
    expect(graphs).toBeGreaterThan(eager);
  });

  test('the startup budget can be set', () => {
    const c = container(synth({ runtime: { startupBudget: Duration.minutes(40) } }).manifests);
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(2400);
  });

  test('memory request = limit = shm + engine RSS + streamer buffer', () => {
    const { manifests, model } = lab();
    const r = container(manifests).resources;
    expect(r.requests.memory).toBe(r.limits.memory);
    // 16 GiB shm + 8 GiB engine + 1e9 B streamer buffer (rounded up to Mi)
    expect(bytes(r.limits.memory)).toBe(24 * GI + Math.ceil(1e9 / 1024 ** 2) * 1024 ** 2);
    expect(model.memoryLimit.toMebibytes()).toBe(bytes(r.limits.memory) / 1024 ** 2);
  });

  test('engine memory grows with the GPU count (one worker per GPU)', () => {
    const one = bytes(container(synth({ gpu: { count: 1 } }).manifests).resources.limits.memory);
    const four = bytes(container(synth({ gpu: { count: 4 } }).manifests).resources.limits.memory);
    expect(four - one).toBe(6 * GI);
  });

  test('a memory limit above the need is kept', () => {
    const r = container(synth({ runtime: { memoryLimit: Size.gibibytes(64) } }).manifests).resources;
    expect(r.limits.memory).toBe('64Gi');
    expect(r.requests.memory).toBe('64Gi');
  });

  test('cpu is 4 per GPU by default, request = limit', () => {
    const r = container(synth({ gpu: { count: 2 } }).manifests).resources;
    expect(r.requests.cpu).toBe('8');
    expect(r.limits.cpu).toBe('8');
    expect(container(synth({ runtime: { cpu: 6 } }).manifests).resources.limits.cpu).toBe('6');
  });

  test('extra engine args and env are appended', () => {
    const m = synth({ engine: Engine.vllm({ image: VLLM, extraArgs: ['--max-model-len=4096', '--disable-log-requests'], extraEnv: { VLLM_LOGGING_LEVEL: 'INFO' } }) }).manifests;
    expect(args(m)['--max-model-len']).toBe('4096');
    expect(args(m)['--disable-log-requests']).toBe(true);
    expect(env(m).VLLM_LOGGING_LEVEL).toBe('INFO');
  });
});

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
    expect(build({ runtime: { gpuMemoryUtilization: 0.85 } }))
      .toThrow(/\[CS-RT-001\] serving\/qwen\/InferenceService \(InferenceService\/qwen\): vLLM container "kserve-container" sets --gpu-memory-utilization=0.85, outside \(0, 0.8\]/);
    const app = Testing.app();
    const chart = new Chart(app, 'serving');
    const model = new ColdStartOptimizedModel(chart, 'qwen', baseProps({ runtime: { gpuMemoryUtilization: 0.9 } }));
    RuleSuppressions.add(model, [{ id: 'CS-RT-001', reason: 'dedicated H100, no co-tenant, measured headroom' }]);
    expect(container(Testing.synth(chart))).toBeDefined();
  });

  test.each([[0], [-1], [1.5]])('GPU count %p', (count) => {
    expect(build({ gpu: { count } })).toThrow(/^serving\/qwen\/NodeCapacity: \[CS-IN-002\] GPU count .* is not an integer >= 1.*Fix: set gpu.count/);
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
