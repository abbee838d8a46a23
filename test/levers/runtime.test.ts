import { Duration, Size, Chart, Testing } from 'cdk8s';
import { Backend, CacheAccessMode, CacheStorage, Engine, Findings, ModelSize, Profile, WeightSource, ColdStartOptimizedModel, ObjectStorageCredentials, RuleSuppressions } from '../../src';
import { args, bytes, container, env, find, GI, predictor, synth, volume, VLLM, baseProps, thrown } from '../util';

const CLAIM = WeightSource.existingClaim('qwen-weights');
const PROXY = 'docker.io/nginxinc/nginx-unprivileged@sha256:' + 'c'.repeat(64);
// The model's Deployment; production also writes the warm buffer's.
const deploymentOf = (m: any[]) => {
  const d = find(m, 'Deployment').filter(o => o.metadata.labels['app.kubernetes.io/component'] === 'model-server');
  expect(d).toHaveLength(1);
  return d[0];
};
const isvcOf = (m: any[]) => { const s = find(m, 'InferenceService'); expect(s).toHaveLength(1); return s[0]; };

const lab = () => synth({ profile: Profile.lab() });
const prod = (o = {}) => synth({ profile: Profile.production(), ...o });

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

  test('the engine HOME (/home/vllm) is an emptyDir in lab', () => {
    const v = volume(lab().manifests, '/home/vllm');
    expect(v.emptyDir).toEqual({ sizeLimit: '20Gi' });
    expect(find(lab().manifests, 'PersistentVolumeClaim')).toHaveLength(0);
  });

  test('the engine HOME (/home/vllm) is a PersistentVolumeClaim in production', () => {
    const { manifests } = prod();
    const v = volume(manifests, '/home/vllm');
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
    expect(volume(existing, '/home/vllm').persistentVolumeClaim).toEqual({ claimName: 'shared-cache' });
    expect(volume(synth({ runtime: { cache: CacheStorage.emptyDir({ sizeLimit: Size.gibibytes(5) }) } }).manifests, '/home/vllm').emptyDir)
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
    const graphs = synth({ size, runtime: { enforceEager: false, compile: true } }).model.startupBudget.toSeconds();
    expect(graphs).toBeGreaterThan(eager);
  });

  test('compile: false (-O0) charges neither compile nor graph capture', () => {
    const size = ModelSize.of(Size.gibibytes(60));
    const on = synth({ size, runtime: { enforceEager: false, compile: true } }).model.estimate;
    const off = synth({ size, runtime: { enforceEager: false, compile: false } }).model.estimate;
    expect(off.runtimeSeconds).toBeLessThan(on.runtimeSeconds);
    expect(synth({ size, runtime: { enforceEager: false, compile: false } }).model.startupBudget.toSeconds())
      .toBeLessThanOrEqual(synth({ size, runtime: { enforceEager: false, compile: true } }).model.startupBudget.toSeconds());
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

  test('engine memory and streamer buffers grow with the GPU count (one worker, one streamer per rank)', () => {
    const one = bytes(container(synth({ gpu: { count: 1 } }).manifests).resources.limits.memory);
    const four = bytes(container(synth({ gpu: { count: 4 } }).manifests).resources.limits.memory);
    // 2 GiB per extra worker, and the 1e9 B streamer buffer (the whole model) per extra rank.
    expect(four - one).toBe(6 * GI + (Math.ceil(4e9 / 2 ** 20) - Math.ceil(1e9 / 2 ** 20)) * 2 ** 20);
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
  const e = (profile: Profile, runtime = {}) =>
    Object.fromEntries(isvcOf(synth({ profile, runtime }).manifests).spec.predictor.containers[0].env.map((x: any) => [x.name, x.value]));

  test('-O0 (no torch.compile) in lab, vLLM\'s compile in production, overridable', () => {
    expect(a(Profile.lab())).toContain('-O0');
    expect(a(Profile.production())).not.toContain('-O0');
    expect(a(Profile.lab(), { compile: true })).not.toContain('-O0');
    expect(a(Profile.production(), { compile: false })).toContain('-O0');
  });

  test('HOME and VLLM_CACHE_ROOT are stable paths on the cache volume, and USER names the user for any uid', () => {
    for (const profile of [Profile.production(), Profile.lab()]) {
      expect(e(profile)).toMatchObject({ HOME: '/home/vllm', USER: 'vllm', VLLM_CACHE_ROOT: '/home/vllm/.cache/vllm' });
    }
  });

  test('NCCL_CUMEM_ENABLE=0 in every profile, unset when cuMem is needed (IMEX, GB200)', () => {
    expect(e(Profile.lab()).NCCL_CUMEM_ENABLE).toBe('0');
    expect(e(Profile.production()).NCCL_CUMEM_ENABLE).toBe('0');
    expect(e(Profile.production(), { ncclCumemEnabled: true }).NCCL_CUMEM_ENABLE).toBeUndefined();
  });
});

// Sleep mode: test/levers/sleep-mode.test.ts.

describe('memory: the construction check and rule CS-SHM-002 do the same math', () => {
  const gpu = (count: number) => ({ count, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } });

  test.each([1, 2, 4, 8])('TP=%p: a limit at the need passes both, 1 MiB less fails at construction', (count) => {
    const need = synth({ gpu: gpu(count) }).model.memoryLimit.toMebibytes();
    // synth() runs the baseline pack: CS-SHM-002 would throw here if it asked for more.
    expect(() => synth({ gpu: gpu(count), runtime: { memoryLimit: Size.mebibytes(need) } })).not.toThrow();
    expect(() => synth({ gpu: gpu(count), runtime: { memoryLimit: Size.mebibytes(need - 1) } }))
      .toThrow(/^serving\/qwen: \[CS-SHM-002\] the memory limit .* is below the pod's need: .*16Gi \/dev\/shm .* engine processes/);
  });

  test('the engine figure and the streamer buffers grow with the GPU count in both', () => {
    const one = synth({ gpu: gpu(1) }).model.memoryLimit.toMebibytes();
    const four = synth({ gpu: gpu(4) }).model.memoryLimit.toMebibytes();
    // 2 GiB per extra worker, and a streamer buffer (here the 1e9 B model, 954Mi) per extra rank.
    expect(four - one).toBe(6 * 1024 + (Math.ceil(4e9 / 2 ** 20) - Math.ceil(1e9 / 2 ** 20)));
  });

  test('engineMemory can only raise the engine figure', () => {
    expect(() => synth({ runtime: { engineMemory: Size.gibibytes(4) } }))
      .toThrow(/^serving\/qwen\/Runtime: \[CS-SHM-002\] engineMemory 4Gi is below 8Gi.*Fix: drop runtime.engineMemory/);
    expect(synth({ runtime: { engineMemory: Size.gibibytes(12) } }).model.memoryLimit.toMebibytes() - synth().model.memoryLimit.toMebibytes())
      .toBe(4 * 1024);
  });
});

describe('bad input fails at construction with the path, the id and the fix', () => {
  const build = (overrides: object) => () => synth(overrides);

  test('shm larger than the memory limit', () => {
    expect(build({ runtime: { shmSize: Size.gibibytes(32), memoryLimit: Size.gibibytes(24) } }))
      .toThrow(/^serving\/qwen: \[CS-SHM-002\] the \/dev\/shm sizeLimit 32Gi is larger than the memory limit 24Gi: 954Mi Run:ai streamer .* \+ 32Gi \/dev\/shm .* \+ 8Gi engine .*Fix: raise runtime.memoryLimit to at least 41914Mi, or lower runtime.shmSize/);
  });

  test('a memory limit below shm + engine + streamer', () => {
    expect(build({ runtime: { memoryLimit: Size.gibibytes(20) } }))
      .toThrow(/\[CS-SHM-002\] the memory limit 20Gi is below the pod's need/);
  });

  // Found by the bad-input corpus: a string passed the comparison and was written as given; Infinity cores were written as the CPU amount.
  test.each([['0.5'], [NaN]])('GPU memory utilization %p that is not a number', (util) => {
    expect(build({ runtime: { gpuMemoryUtilization: util as any } })).toThrow(/^serving\/qwen\/Runtime: \[CS-RT-001\] /);
  });

  test.each([[Infinity], ['4'], [NaN], [0]])('runtime.cpu %p that is not a positive, finite number', (cpu) => {
    expect(build({ runtime: { cpu: cpu as any } })).toThrow(/^serving\/qwen\/Runtime: \[CS-IN-009\] cpu .* is not a positive, finite number of cores.*Fix: /);
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

  test('an extra arg that fights a typed prop', () => {
    expect(() => Engine.vllm({ image: VLLM, extraArgs: ['--gpu-memory-utilization=0.95'] }))
      .toThrow(/^Engine\.vllm: \[CS-IN-006\] engine extra arg "--gpu-memory-utilization=0.95" sets --gpu-memory-utilization, which runtime.gpuMemoryUtilization sets\. Fix: drop it/);
    expect(() => Engine.vllm({ image: VLLM, extraArgs: ['max-model-len 4096'] })).toThrow(/^Engine\.vllm: \[CS-IN-043\] engine extra arg "max-model-len 4096"/);
    expect(build({ engine: Engine.vllm({ image: VLLM, extraEnv: { NCCL_CUMEM_ENABLE: '1' } }) })).toThrow(/\[CS-IN-006\] env NCCL_CUMEM_ENABLE/);
  });

  // Found by the bad-input corpus: a cache moved under /root passed, so the non-root engine crashed writing it (a root one lost it at every wake).
  test.each([
    ['XDG_CACHE_HOME', '/root/.cache'], ['HF_HOME', '/root/.cache/huggingface'], ['TRITON_CACHE_DIR', '/root/.triton'], ['TORCHINDUCTOR_CACHE_DIR', '/root'],
    ['NUMBA_CACHE_DIR', '/tmp/../root/numba'],
  ])('extraEnv %s=%s under /root', (name, value) => {
    expect(build({ engine: Engine.vllm({ image: VLLM, extraEnv: { [name]: value } }) }))
      .toThrow(new RegExp(`^serving/qwen/Runtime: \\[CS-IN-088\\] engine extraEnv ${name}=\\S+ puts a cache under /root.*Fix: drop ${name}, or point it under /home/vllm`));
    for (const runAsRoot of [false, true]) {
      expect(build({ engine: Engine.vllm({ image: VLLM, extraEnv: { [name]: value } }), runtime: { runAsRoot } })).toThrow(/CS-IN-088/);
    }
  });

  test('a cache location under HOME, or a root-looking name that is not one, is the user\'s', () => {
    const envOf = (m: any[]) => container(m).env;
    expect(envOf(synth({ engine: Engine.vllm({ image: VLLM, extraEnv: { TRITON_CACHE_DIR: '/home/vllm/.triton' } }) }).manifests))
      .toContainEqual({ name: 'TRITON_CACHE_DIR', value: '/home/vllm/.triton' });
    expect(envOf(synth({ engine: Engine.vllm({ image: VLLM, extraEnv: { XDG_CACHE_HOME: '/rootfs/cache' } }) }).manifests))
      .toContainEqual({ name: 'XDG_CACHE_HOME', value: '/rootfs/cache' });
  });

  test.each([
    ['--gpu-memory-util=0.95', 'CS-IN-006', 'vLLM reads --gpu-memory-util as --gpu-memory-utilization'],
    ['--tensor-parallel=8', 'CS-IN-006', '--tensor-parallel-size'],
    ['--no-enforce-eager', 'CS-IN-006', 'runtime.enforceEager'],
    ['--enforce-eager', 'CS-IN-006', 'runtime.enforceEager'],
    ['--compilation-config={"level":3}', 'CS-IN-006', 'runtime.compile'],
    ['--optimization-level=3', 'CS-IN-006', 'runtime.compile'],
    ['--enable-sleep', 'CS-IN-006', 'runtime.sleepMode'],
    ['--serve=x', 'CS-IN-006', 'props.servedModelName'],
    ['--po=1', 'CS-IN-006', 'the backend'],
    ['--config=/etc/vllm.yaml', 'CS-IN-006', '--config file'],
    ['--hos=0.0.0.0', 'CS-IN-043', 'abbreviation that vLLM reads as --host'],
    ['--enable=1', 'CS-IN-043', 'ambiguous'],
    ['--max-model-length=4096', 'CS-IN-043', 'not a flag of vLLM'],
    ['--trust-remote-code=true', 'CS-IN-043', 'takes no value'],
    ['--max-model-len', 'CS-IN-043', 'needs a value'],
  ])('extra arg %s is refused in every spelling vLLM accepts', (arg, id, text) => {
    const message = thrown(() => Engine.vllm({ image: VLLM, extraArgs: [arg] }));
    expect(message).toMatch(new RegExp(`^Engine\\.vllm: \\[${id}\\] `));
    expect(message).toContain(text);
  });

  test('flags no typed prop sets pass, in full and as switches', () => {
    expect(() => Engine.vllm({ image: VLLM, extraArgs: ['--max-model-len=4096', '--trust-remote-code', '--no-enable-prefix-caching', '--max-num-seqs=64'] })).not.toThrow();
  });

  test('with sleep mode the engine is on loopback: --host in extraArgs is a conflict naming both sides', () => {
    expect(() => synth({
      weights: WeightSource.existingClaim('w'),
      backend: Backend.deployment(),
      runtime: { sleepMode: { proxyImage: PROXY } },
      engine: Engine.vllm({ image: VLLM, extraArgs: ['--host=0.0.0.0'] }),
    })).toThrow(/\[CS-IN-006\] --host is set to "127.0.0.1" by .* and to "0.0.0.0" by .*extraArgs/);
  });

  test('a ReadWriteOnce cache with more than one replica', () => {
    expect(() => prod({ scaling: { maxReplicas: 2 } })).toThrow(/\[CS-IN-008\] the engine cache claim \(HOME, \/home\/vllm\) is ReadWriteOnce but maxReplicas is 2.*Fix: use CacheStorage.persistentVolumeClaim\(\{ accessMode: CacheAccessMode.READ_WRITE_MANY/);
  });
});

describe('Kubernetes variable expansion: no user string becomes a $(NAME) reference in the engine command line', () => {
  test('a $( in a weights URI reaches vLLM literally: escaped as $$(, so CS-SEC-003 sees no reference', () => {
    const weights = WeightSource.objectStorage('s3://models/qwen$(AWS_SECRET_ACCESS_KEY)/x$$y', {
      credentials: ObjectStorageCredentials.fromSecret({ secretName: 's3-keys' }),
    });
    const { app, manifests } = synth({ weights });
    const c = container(manifests);
    // Secret-backed in this very container: unescaped, the kubelet would put the key into --model.
    expect(c.env).toContainEqual(expect.objectContaining({ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: expect.anything() }));
    expect(c.args).toContain('--model=s3://models/qwen$$(AWS_SECRET_ACCESS_KEY)/x$$$y');
    expect(Findings.of(app).filter(f => f.ruleId === 'CS-SEC-003')).toEqual([]);
  });

  test.each([
    ['a reference', '$(AWS_SECRET_ACCESS_KEY)'],
    ['the escape', 'qwen$$x'],
  ])('servedModelName with %s is refused with CS-IN-055', (_, name) => {
    expect(thrown(() => synth({ servedModelName: name }))).toMatch(/^serving\/qwen: \[CS-IN-055\] servedModelName ".*" contains \$\( or \$\$, which the kubelet rewrites .* Fix: use a plain name/);
  });

  test.each([
    '--api-key=$(VLLM_API_KEY)',
    '--chat-template=$$(x)',
  ])('extra arg %s is refused with CS-IN-055, not escaped into a literal', arg => {
    expect(thrown(() => Engine.vllm({ image: VLLM, extraArgs: [arg] }))).toMatch(/^Engine\.vllm: \[CS-IN-055\] engine extra arg ".*" contains \$\( or \$\$/);
  });

  test('a lone $ is neither refused nor rewritten', () => {
    const c = container(synth({ servedModelName: 'q$1', engine: Engine.vllm({ image: VLLM, extraArgs: ['--chat-template-content-format=$x'] }) }).manifests);
    expect(c.args).toEqual(expect.arrayContaining(['--served-model-name=q$1', '--chat-template-content-format=$x']));
  });
});
