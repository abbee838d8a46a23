import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { synth, VLLM } from './util';
import {
  Backend, CacheAccessMode, CacheNodeGroup, CacheStorage, Cloud, ColdStartError, ColdStartErrors, ColdStartOptimizedModel,
  ColdStartOptimizedModelProps, Engine, ModelSize, ObjectStorageCredentials, Profile, SharedVolume, WeightPath, WeightSource,
} from '../src';
import { ERROR_CATALOGUE, RETIRED_ERROR_IDS } from '../src/private/error-catalogue';
import { fail } from '../src/private/errors';
import { errorsMarkdown, withErrorsTable } from '../src/private/errors-markdown';
import { BASELINE_RULES } from '../src/rules';

const SRC = join(__dirname, '..', 'src');
const README = join(__dirname, '..', 'README.md');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(f => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every `fail(` call in src, with the id it passes (undefined when not a literal). */
function callSites(): Array<{ file: string; id?: string }> {
  return sources(SRC).flatMap(file => {
    // Comments may name fail() without calling it.
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    return [...text.matchAll(/(?<![\w.])fail\(/g)]
      .filter(m => !text.slice(Math.max(0, m.index! - 9), m.index).endsWith('function '))
      .map(m => ({ file, id: /^fail\(\s*[^,()]+(?:\([^()]*\))?,\s*'([A-Z]+-[A-Z]+-\d{3})'/.exec(text.slice(m.index!))?.[1] }));
  });
}

const catalogued = Object.keys(ERROR_CATALOGUE);
/** A made-up Hugging Face token. */
const HF_TOKEN = 'hf_' + 'xY7'.repeat(12);

/** Runs `f` and returns what it threw. */
function thrown(f: () => unknown): any {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('nothing was thrown');
}

describe('the catalogue and the call sites agree', () => {
  const sites = callSites();

  test('src has fail() call sites, each passing a literal catalogued id', () => {
    expect(sites.length).toBeGreaterThan(80);
    const bad = sites.filter(s => s.id === undefined || !catalogued.includes(s.id)).map(s => `${s.file}: ${s.id}`);
    expect(bad).toEqual([]);
  });

  test('every catalogued id is thrown by at least one call site', () => {
    const used = new Set(sites.map(s => s.id));
    expect(catalogued.filter(id => !used.has(id))).toEqual([]);
  });

  test('a retired id is never catalogued again, and points at the id that took its meaning, if any', () => {
    for (const [retired, now] of Object.entries(RETIRED_ERROR_IDS)) {
      expect(catalogued).not.toContain(retired);
      if (now !== null) expect(catalogued).toContain(now);
    }
  });

  test('an id that mirrors a rule is that rule\'s id, and the rule exists', () => {
    const rules = new Set(BASELINE_RULES.map(r => r.id));
    for (const [id, kind] of Object.entries(ERROR_CATALOGUE) as Array<[string, { rule?: string }]>) {
      if (kind.rule !== undefined) {
        expect(kind.rule).toBe(id);
        expect(rules.has(kind.rule)).toBe(true);
      } else {
        expect(id).toMatch(/^CS-IN-\d{3}$/);
      }
    }
  });

  test('fail() refuses an id that is not catalogued (a JavaScript caller or a cast)', () => {
    const e = thrown(() => fail('WeightSource.modelcar', 'CS-IN-030' as any, 'p', 'f'));
    expect(e).not.toBeInstanceOf(ColdStartError);
    expect(e.message).toMatch(/error id "CS-IN-030" is not in src\/private\/error-catalogue.ts/);
  });
});

describe('errors are ColdStartErrors', () => {
  test('a construction error carries code, constructPath, problem and fix, and keeps the message format', () => {
    const e = thrown(() => synth({ gpu: { count: 0 } }));
    expect(e).toBeInstanceOf(ColdStartError);
    expect(e).toBeInstanceOf(Error);
    expect(ColdStartErrors.isColdStartError(e)).toBe(true);
    expect(e.name).toBe('ColdStartError');
    expect(e.code).toBe('CS-IN-002');
    expect(e.constructPath).toBe('serving/qwen');
    expect(e.problem).toBe('GPU count 0 is not an integer >= 1');
    expect(e.fix).toBe('set gpu.count to the GPUs per replica (tensor parallel size), e.g. 1');
    expect(e.message).toBe(`${e.constructPath}: [${e.code}] ${e.problem}. Fix: ${e.fix}`);
  });

  test('a factory error names the factory as its path', () => {
    const e = thrown(() => WeightSource.objectStorage('/models/qwen'));
    expect(e).toBeInstanceOf(ColdStartError);
    expect(e).toMatchObject({ code: 'CS-IN-017', constructPath: 'WeightSource.objectStorage' });
    expect(e.message).toMatch(/^WeightSource\.objectStorage: \[CS-IN-017\] object storage URI "\/models\/qwen" is not s3:\/\/.* Fix: pass the directory/);
  });

  test('the construct path of an error under a nested scope is the full path', () => {
    const chart = new Chart(Testing.app(), 'c');
    const e = thrown(() => fail(new Construct(new Construct(chart, 'team-a'), 'm'), 'CS-IN-001', 'p', 'f'));
    expect(e.constructPath).toBe('c/team-a/m');
  });

  test('other errors are not ColdStartErrors', () => {
    expect(ColdStartErrors.isColdStartError(new Error('x'))).toBe(false);
    expect(ColdStartErrors.isColdStartError(undefined)).toBe(false);
    expect(ColdStartErrors.isColdStartError('CS-IN-001')).toBe(false);
  });
});

describe('a factory checks its own arguments when it is called', () => {
  const REPO = { repoId: 'Qwen/Qwen2.5-0.5B-Instruct' };
  test.each<[string, () => unknown, string]>([
    ['WeightSource.modelcar', () => WeightSource.modelcar('registry.example.com/m:v1'), 'CS-IMG-001'],
    ['WeightSource.modelcar', () => WeightSource.modelcar('registry.example.com/m@sha256:' + 'b'.repeat(64), { streamer: { concurrency: 0 } }), 'CS-IN-005'],
    ['WeightSource.existingClaim', () => WeightSource.existingClaim('Bad_Name'), 'CS-IN-021'],
    ['WeightSource.existingClaim', () => WeightSource.existingClaim('ok', { subPath: '../etc' }), 'CS-IN-011'],
    ['WeightSource.huggingFace', () => WeightSource.huggingFace({ repoId: 'not a repo' }, { volume: SharedVolume.newClaim() }), 'CS-IN-018'],
    ['WeightSource.objectStorage', () => WeightSource.objectStorage('gs://models/qwen', { region: 'us-east-1' }), 'CS-IN-025'],
    ['WeightSource.objectStorage', () => WeightSource.objectStorage('s3://models/qwen', { region: 'Not A Region' }), 'CS-IN-026'],
    ['WeightSource.objectStorage', () => WeightSource.objectStorage('s3://models/qwen', { streamer: { memoryLimit: Size.kibibytes(0) } }), 'CS-IN-005'],
    ['WeightSource.localModelCache', () => WeightSource.localModelCache('not-a-uri', { nodeGroup: CacheNodeGroup.existing('g') }), 'CS-IN-017'],
    ['WeightSource.localModelCache', () => WeightSource.localModelCache('gs://m/qwen', { nodeGroup: CacheNodeGroup.existing('g'), sourceModelUri: 'gs://m/other' }), 'CS-IN-012'],
    ['WeightSource.localModelCache', () => WeightSource.localModelCache('gs://m/qwen', { nodeGroup: CacheNodeGroup.existing('g'), cacheName: 'Bad_Name' }), 'CS-IN-021'],
    ['WeightSource.hostPathCache', () => WeightSource.hostPathCache(REPO, { hostPath: 'models' }), 'CS-IN-019'],
    ['WeightSource.prefetch', () => WeightSource.prefetch({ ...REPO, revision: '../main' }), 'CS-IN-018'],
    ['WeightSource.hyperdiskMl', () => WeightSource.hyperdiskMl({ snapshotName: 's', throughputMiBps: 0 }), 'CS-IN-029'],
    // Decided with the bad-input corpus: Compute Engine provisions 400 to 1,200,000 MiB/s per Hyperdisk ML volume; 1e12 passed.
    ['WeightSource.hyperdiskMl', () => WeightSource.hyperdiskMl({ snapshotName: 's', throughputMiBps: 1e12 }), 'CS-IN-087'],
    ['WeightSource.hyperdiskMl', () => WeightSource.hyperdiskMl({ snapshotName: 's', throughputMiBps: 399 }), 'CS-IN-087'],
    ['WeightSource.gcsFuse', () => WeightSource.gcsFuse('gs://bucket'), 'CS-IN-027'],
    ['WeightSource.gcsFuse', () => WeightSource.gcsFuse('bucket', { sidecarCpuLimit: 0 }), 'CS-IN-009'],
    // Found by the bad-input corpus: Infinity and a string were written into the sidecar's CPU annotation.
    ['WeightSource.gcsFuse', () => WeightSource.gcsFuse('bucket', { sidecarCpuLimit: Infinity }), 'CS-IN-009'],
    ['WeightSource.gcsFuse', () => WeightSource.gcsFuse('bucket', { sidecarCpuLimit: '4' as any }), 'CS-IN-009'],
    ['WeightSource.fsxLustre', () => WeightSource.fsxLustre({ fileSystemId: 'fsx-1', dnsName: 'x.amazonaws.com', mountName: 'abc' }), 'CS-IN-028'],
    ['WeightSource.mountpointS3', () => WeightSource.mountpointS3('my-models', { prefix: 'a b' }), 'CS-IN-011'],
    ['SharedVolume.newClaim', () => SharedVolume.newClaim({ accessMode: CacheAccessMode.READ_WRITE_ONCE }), 'CS-IN-013'],
    ['SharedVolume.existingClaim', () => SharedVolume.existingClaim('Bad_Name', { accessMode: CacheAccessMode.READ_WRITE_MANY }), 'CS-IN-021'],
    ['SharedVolume.efs', () => SharedVolume.efs({ fileSystemId: 'fs-1', directoryPerms: '700' }), 'CS-IN-028'],
    ['CacheNodeGroup.existing', () => CacheNodeGroup.existing('Bad_Name'), 'CS-IN-021'],
    ['CacheNodeGroup.localNvme', () => CacheNodeGroup.localNvme({ path: 'nvme', storageLimit: Size.gibibytes(100) }), 'CS-IN-019'],
    ['ObjectStorageCredentials.fromSecret', () => ObjectStorageCredentials.fromSecret({ secretName: 'AKIAABCDEFGHIJKLMNOP' }), 'CS-IN-015'],
    ['ObjectStorageCredentials.fromSecret', () => ObjectStorageCredentials.fromSecret({ secretName: 'keys', accessKeyIdKey: 'a key' }), 'CS-IN-022'],
    ['ObjectStorageCredentials.workloadIdentity', () => ObjectStorageCredentials.workloadIdentity('Bad_Name'), 'CS-IN-021'],
    ['CacheStorage.existingClaim', () => CacheStorage.existingClaim('Bad_Name'), 'CS-IN-021'],
    // Found by the bad-input corpus: null read as the name "null", and 254 characters passed.
    ['CacheStorage.existingClaim', () => CacheStorage.existingClaim(null as any), 'CS-IN-021'],
    ['CacheStorage.existingClaim', () => CacheStorage.existingClaim('a'.repeat(254)), 'CS-IN-021'],
    ['Backend.kserveKnative', () => Backend.kserveKnative({ initialScale: -1 }), 'CS-IN-051'],
    // Decided with the bad-input corpus: Knative's autoscaler reads initial-scale as an int32 and ignores what it cannot parse.
    ['Backend.kserveKnative', () => Backend.kserveKnative({ initialScale: 1e12 }), 'CS-IN-086'],
    ['Backend.kserveKnative', () => Backend.kserveKnative({ scaleDownDelay: Duration.hours(2) }), 'CS-IN-051'],
    ['Engine.vllm', () => Engine.vllm({ image: 'vllm/vllm-openai:latest' }), 'CS-IMG-001'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraArgs: ['max-model-len 4096'] }), 'CS-IN-043'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraArgs: ['--api-key=opaque-key'] }), 'CS-IN-015'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraArgs: [`--chat-template=${'hf_' + 'Kq4'.repeat(12)}`] }), 'CS-IN-015'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraEnv: { HF_TOKEN: 'opaque-token' } }), 'CS-IN-015'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraEnv: { '1ST': 'x' } }), 'CS-IN-058'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraEnv: { 'A=B': 'x' } }), 'CS-IN-058'],
    // Found by the bad-input corpus: the API server also refuses '.', '..' and a name starting with '..' (IsEnvVarName, hasChDirPrefix).
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraEnv: { '..': 'x' } }), 'CS-IN-058'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraEnv: { '..A': 'x' } }), 'CS-IN-058'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraEnv: { '.': 'x' } }), 'CS-IN-058'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraEnv: { A: 1 as any } }), 'CS-IN-058'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraEnv: { NOTES: `key ${'AKIA' + 'IOSFODNN7EXAMPLE'}` } }), 'CS-IN-015'],
    ['WeightSource.objectStorage', () => WeightSource.objectStorage('s3://b/m?X-Amz-Signature=abc123'), 'CS-IN-015'],
    ['WeightSource.localModelCache', () => WeightSource.localModelCache(`hf://org/m-${'hf_' + 'Kq4'.repeat(12)}`, { nodeGroup: CacheNodeGroup.existing('g') }), 'CS-IN-015'],
    ['WeightSource.localModelCache', () => WeightSource.localModelCache('gs://m/qwen', { nodeGroup: CacheNodeGroup.existing('g'), sourceModelUri: 'https://u:pw@h/m' }), 'CS-IN-015'],
    ['ModelSize.of', () => ModelSize.of(Size.kibibytes(0)), 'CS-IN-048'],
    ['ModelSize.of', () => ModelSize.of(Size.gibibytes(NaN)), 'CS-IN-048'],
    ['ModelSize.of', () => ModelSize.of(Size.gibibytes(Infinity)), 'CS-IN-048'],
    ['ModelSize.of', () => ModelSize.of(null as any), 'CS-IN-048'],
    ['Engine.vllm', () => Engine.vllm(null as any), 'CS-IN-059'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraArgs: '--x' as any }), 'CS-IN-059'],
    ['Engine.vllm', () => Engine.vllm({ image: VLLM, extraEnv: null as any }), 'CS-IN-059'],
    ['CacheNodeGroup.localNvme', () => CacheNodeGroup.localNvme(null as any), 'CS-IN-059'],
    ['SharedVolume.efs', () => SharedVolume.efs(null as any), 'CS-IN-059'],
    ['WeightSource.hyperdiskMl', () => WeightSource.hyperdiskMl(null as any), 'CS-IN-059'],
    ['WeightSource.fsxLustre', () => WeightSource.fsxLustre(null as any), 'CS-IN-059'],
    ['ObjectStorageCredentials.fromSecret', () => ObjectStorageCredentials.fromSecret(null as any), 'CS-IN-059'],
    ['WeightSource.modelcar', () => WeightSource.modelcar(`oci://oci://registry.example.com/m@sha256:${'b'.repeat(64)}`), 'CS-IMG-001'],
    ['CacheStorage.persistentVolumeClaim', () => CacheStorage.persistentVolumeClaim({ size: Size.gibibytes(NaN) }), 'CS-IN-056'],
    ['CacheStorage.emptyDir', () => CacheStorage.emptyDir({ sizeLimit: Size.gibibytes(Infinity) }), 'CS-IN-056'],
    ['Backend.kserveKnative', () => Backend.kserveKnative({ scaleDownDelay: Duration.seconds(NaN) }), 'CS-IN-051'],
    ['Backend.kserveKnative', () => Backend.kserveKnative({ scaleDownDelay: Duration.millis(1500) }), 'CS-IN-051'],
    ['Backend.kserveKnative', () => Backend.kserveKnative({ scaleDownDelay: {} as any }), 'CS-IN-051'],
    ['Cloud.gke', () => Cloud.gke({ region: 'Not A Region' }), 'CS-IN-026'],
  ])('%s refuses its argument (%#)', (factory, call, code) => {
    const e = thrown(call);
    expect(e).toBeInstanceOf(ColdStartError);
    expect(e).toMatchObject({ code, constructPath: factory });
    expect(e.message).toMatch(new RegExp(`^${factory.replace('.', '\\.')}: \\[${code}\\] .+\\. Fix: .+`));
  });

  test('a refused credential is never in the message', () => {
    const secrets = ['opaque-key', 'hf_' + 'Kq4'.repeat(12), 'opaque-token', 'abc123', 'pw@'];
    const calls = [
      () => Engine.vllm({ image: VLLM, extraArgs: ['--api-key=opaque-key'] }),
      () => Engine.vllm({ image: VLLM, extraArgs: [`--chat-template=${secrets[1]}`] }),
      () => Engine.vllm({ image: VLLM, extraEnv: { HF_TOKEN: 'opaque-token' } }),
      () => WeightSource.objectStorage('s3://b/m?X-Amz-Signature=abc123'),
      () => WeightSource.localModelCache('gs://m/qwen', { nodeGroup: CacheNodeGroup.existing('g'), sourceModelUri: 'https://u:pw@h/m' }),
    ];
    for (const call of calls) for (const secret of secrets) expect(thrown(call).message).not.toContain(secret);
  });

  test('ordinary values pass: a path for a credential-named variable, model names, flags that only look alike', () => {
    expect(() => Engine.vllm({
      image: VLLM,
      extraArgs: ['--max-num-batched-tokens=8192', '--tokenizer=org/tok', '--response-role=sk-learn'],
      extraEnv: { GOOGLE_APPLICATION_CREDENTIALS: '/var/run/secrets/key.json', HF_TOKEN_PATH: '/var/run/hf' },
    })).not.toThrow();
  });

  test('a check that needs the model still runs at construction, under the lever', () => {
    const weights = WeightSource.gcsFuse('bucket');
    expect(thrown(() => synth({ weights }))).toMatchObject({ code: 'CS-IN-014', constructPath: 'serving/qwen/WeightLoad' });
  });
});

describe('a caller that is not TypeScript: null and wrong types get an id, never a TypeError', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e: any) {
      return e instanceof ColdStartError ? e.code : `not a ColdStartError: ${e}`;
    }
    return 'accepted';
  };
  const model = (props: any) => () => synth(props);
  test.each<[string, () => unknown, string]>([
    ['props null', () => new ColdStartOptimizedModel(new Chart(Testing.app(), 'c'), 'm', null as any), 'CS-IN-059'],
    ['engine missing', model({ engine: null }), 'CS-IN-059'],
    ['weights missing', model({ weights: null }), 'CS-IN-059'],
    ['size missing', model({ size: null }), 'CS-IN-059'],
    ['gpu null', model({ gpu: null }), 'CS-IN-059'],
    ['runtime null', model({ runtime: null }), 'CS-IN-059'],
    ['estimate a string', model({ estimate: 'fast' }), 'CS-IN-059'],
    ['servedModelName a number', model({ servedModelName: 5 }), 'CS-IN-020'],
    ['a null toleration', model({ gpu: { count: 1, tolerations: [null] } }), 'CS-IN-003'],
    // Found by the bad-input corpus: a TypeError for null options, and a null volume or node group reached the model.
    ['huggingFace options null', () => WeightSource.huggingFace({ repoId: 'o/m' }, null as any), 'CS-IN-059'],
    ['huggingFace volume null', () => WeightSource.huggingFace({ repoId: 'o/m' }, { volume: null as any }), 'CS-IN-059'],
    ['localModelCache options null', () => WeightSource.localModelCache('gs://m/q', null as any), 'CS-IN-059'],
    ['localModelCache nodeGroup a string', () => WeightSource.localModelCache('gs://m/q', { nodeGroup: 'gpu-nvme' as any }), 'CS-IN-059'],
    ['optional factory options null', () => [Cloud.gke(null as any), Profile.production(null as any), Backend.kserveKnative(null as any),
      CacheStorage.persistentVolumeClaim(null as any), CacheStorage.emptyDir(null as any), WeightSource.existingClaim('w', null as any)], 'accepted'],
  ])('%s', (_, f, id) => {
    expect(code(f)).toBe(id);
  });
});

describe('sizes and durations: any amount cdk8s can hold is either used exactly or refused with an id', () => {
  test('a size that is not a whole number of KiB is a size (rounded up to the byte), not a crash', () => {
    expect(ModelSize.of(Size.gibibytes(3.42)).bytes).toBe(Math.ceil(3.42 * 1024 ** 3));
    expect(ModelSize.of(Size.mebibytes(0.3)).bytes).toBe(Math.ceil(0.3 * 1024 ** 2));
    // Used end to end: the streamer buffer and the memory limit come from it.
    const runtime = { shmSize: Size.gibibytes(1.5), engineMemory: Size.gibibytes(9.3) };
    expect(() => synth({ size: ModelSize.of(Size.gibibytes(3.42)), runtime })).not.toThrow();
  });

  test.each([
    ['runtime.shmSize NaN', { runtime: { shmSize: Size.gibibytes(NaN) } }, 'CS-SHM-001'],
    ['runtime.shmSize zero', { runtime: { shmSize: Size.gibibytes(0) } }, 'CS-SHM-001'],
    ['runtime.engineMemory Infinity', { runtime: { engineMemory: Size.gibibytes(Infinity) } }, 'CS-SHM-002'],
    ['runtime.memoryLimit NaN', { runtime: { memoryLimit: Size.gibibytes(NaN) } }, 'CS-SHM-002'],
    ['runtime.memoryLimit not a Size', { runtime: { memoryLimit: 24 as any } }, 'CS-SHM-002'],
    ['runtime.startupBudget NaN', { runtime: { startupBudget: Duration.seconds(NaN) } }, 'CS-IN-057'],
    ['runtime.startupBudget a fraction', { runtime: { startupBudget: Duration.millis(1500) } }, 'CS-IN-057'],
    ['runtime.startupBudget above a day', { runtime: { startupBudget: Duration.seconds(1e12) } }, 'CS-IN-057'],
    ['estimate.imageSize NaN', { estimate: { imageSize: Size.gibibytes(NaN) } }, 'CS-IN-071'],
    ['estimate.nodeProvisioning Infinity', { estimate: { nodeProvisioning: Duration.seconds(Infinity) } }, 'CS-IN-071'],
  ] as Array<[string, Partial<ColdStartOptimizedModelProps>, string]>)('%s is refused with an id and the construct path', (_, props, code) => {
    const e = thrown(() => synth(props));
    expect(e).toBeInstanceOf(ColdStartError);
    expect(e.code).toBe(code);
    expect(e.constructPath).toMatch(/^serving\/qwen/);
  });

  test('a startup budget derived from an absurd estimate is refused, not written as an int32 overflow', () => {
    const bandwidths = Object.values(WeightPath).map(path => ({ path, perSecond: Size.kibibytes(1) }));
    const e = thrown(() => synth({ size: ModelSize.of(Size.tebibytes(100)), estimate: { bandwidths } }));
    expect(e).toMatchObject({ code: 'CS-IN-057' });
  });
});

describe('one wrong-cloud check for every lever', () => {
  const eks = Profile.lab({ cloud: Cloud.eks() });
  test.each<[string, Partial<ColdStartOptimizedModelProps>, string, string]>([
    ['a weight source', { profile: eks, weights: WeightSource.hyperdiskMl({ snapshotName: 's' }) }, 'WeightLoad', 'WeightSource.hyperdiskMl is a GKE accelerator'],
    ['capacity', { profile: eks, capacity: { gke: { computeClass: { gpuType: 'nvidia-l4' } } } }, 'NodeCapacity', 'capacity.gke \\(ComputeClass, queued provisioning\\) is a GKE accelerator'],
    ['image pull', { profile: eks, imagePull: { gke: { imageStreaming: true } } }, 'ImagePull', 'imagePull.gke \\(image streaming, secondary boot disks\\) is a GKE accelerator'],
  ])('%s', (_, props, lever, what) => {
    const e = thrown(() => synth(props));
    expect(e).toMatchObject({ code: 'CS-IN-014', constructPath: `serving/qwen/${lever}` });
    expect(e.message).toMatch(new RegExp(`${what}, but the profile's cloud is eks\\. Fix: use Profile\\.production\\(\\{ cloud: Cloud\\.gke\\(\\{ region \\}\\) \\}\\) \\(or Profile\\.lab\\) when the cluster runs on gke, or `));
  });
});

describe('credentials never reach a message', () => {
  test.each<[string, () => unknown, string]>([
    ['a URL refused for its shape', () => WeightSource.objectStorage('s3://KEY:sec/ret@Bad_Bucket/x'), 'sec/ret'],
    ['an endpoint with a user and password', () => WeightSource.objectStorage('s3://models/qwen', { endpoint: 'https://user:p4ss@minio:9000' }), 'p4ss'],
    ['a storage URI the cache cannot cover', () => WeightSource.localModelCache('https://u:p4ss@host/qwen', { nodeGroup: CacheNodeGroup.existing('g'), sourceModelUri: 'https://host/other' }), 'p4ss'],
    ['a Secret key that is not a key', () => ObjectStorageCredentials.fromSecret({ secretName: 'keys', secretAccessKeyKey: 'wJalr XUtnFEMI' }), 'XUtnFEMI'],
    // CS-IN-006: an extra arg that conflicts with a typed prop echoed both values.
    ['an extra arg that conflicts with a typed prop', () => synth({ engine: Engine.vllm({ image: VLLM, extraArgs: [`--served-model-name=${HF_TOKEN}`] }) }), HF_TOKEN],
    // CS-IN-043: `--api-key <key>` as one item is malformed, and was echoed whole.
    ['a malformed extra arg that carries a key', () => Engine.vllm({ image: VLLM, extraArgs: ['--api-key opaque-key-no-shape'] }), 'opaque-key-no-shape'],
    ['a malformed extra arg that is a token', () => Engine.vllm({ image: VLLM, extraArgs: [HF_TOKEN] }), HF_TOKEN],
    // CS-IN-020: a refused name echoes the name, which may be a pasted token.
    ['a servedModelName that is a pasted token', () => synth({ servedModelName: `${HF_TOKEN} ` }), HF_TOKEN],
  ])('%s', (_, call, secret) => {
    const e = thrown(call);
    expect(e).toBeInstanceOf(ColdStartError);
    expect(e.message).not.toContain(secret);
  });

  test('the masked message still names the flag and the length of what was given', () => {
    expect(thrown(() => Engine.vllm({ image: VLLM, extraArgs: ['--api-key opaque-key-no-shape'] })).message)
      .toContain('engine extra arg "--api-key <19 characters>" is not --flag or --flag=value');
    // A token is refused where it is given (CS-IN-015); a value masked only in part still shows in a conflict, masked.
    expect(thrown(() => Engine.vllm({ image: VLLM, extraArgs: [`--served-model-name=${HF_TOKEN}`] })).message)
      .toBe('Engine.vllm: [CS-IN-015] engine extra arg "--served-model-name" holds a Hugging Face token (not shown). '
        + 'Fix: keep credentials out of manifests: store it in a Secret and pass it by Secret reference, or use workload identity');
    expect(thrown(() => synth({ engine: Engine.vllm({ image: VLLM, extraArgs: ['--served-model-name=https://someuser@h/x'] }) })).message)
      .toMatch(/^Engine\.vllm: \[CS-IN-006\] engine extra arg "--served-model-name=https:\/\/\*\*\*@h\/x" sets --served-model-name/);
  });

  test('fail() masks a credential whatever the caller passes', () => {
    const e = thrown(() => fail('X.y', 'CS-IN-017', `uri https://u:secretpw@h/x?X-Amz-Signature=abc123 and ${HF_TOKEN}`, `not HF_TOKEN=${HF_TOKEN}`));
    expect(e.message).not.toMatch(/secretpw|abc123|xY7xY7/);
    expect(e.problem).toBe(`uri https://***@h/x?X-Amz-Signature=<6 characters> and <${HF_TOKEN.length} characters>`);
  });
});

describe('README', () => {
  test('the Errors table matches the catalogue (regenerate with npx projen errors)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toContain(errorsMarkdown());
    expect(withErrorsTable(readme)).toBe(readme);
  });

  test('the table lists every catalogued id once', () => {
    const ids = errorsMarkdown().match(/^\| CS-[A-Z]+-\d{3} /gm)!.map(s => s.slice(2).trim());
    expect(ids).toEqual(catalogued);
  });
});
