import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Duration, Size, Testing } from 'cdk8s';
import {
  AdapterVolume, Aspects, Backend, BeforeSetup, EbsVolumeType, PersistentDiskType, StorageMedium, WeightStorage, CacheNodeGroup, CacheStorage, Cloud,
  ColdStartBaseline, ColdStartError, ColdStartOptimizedModel,
  ColdStartOptimizedModelProps, DeploymentAutoscaler, Engine, Environment, Findings, KarpenterCapacityType, ModelSize, ObjectStorageCredentials,
  Precision, PreWarmSchedule, Profile, WeightLoader, SharedVolume, TolerationEffect, TolerationOperator, WarmBufferMode, WeightPath, WeightSource,
  CacheAccessMode, ColdStartReport, ReportPictures, RuleSuppressions,
} from '../src';
import { schemaErrors } from './schema';
import { baseProps, MODELCAR, VLLM } from './util';
import { REPORT_FILE } from '../src/aspects/findings-report';
import { COLDSTART_REPORT_FILE } from '../src/estimate/cold-start-report';

/**
 * The bad-input corpus (#15): one table of inputs a new, careless or hostile
 * caller could give, through the public API or as foreign objects under the
 * baseline pack, each with the outcome it must have. A crash (TypeError, an
 * error without an id and a path) fails every row, whatever it expected.
 */

/** What a row must produce. */
type Outcome =
  /** A ColdStartError with this id, its message starting with `at` (a factory, or a construct path prefix). */
  | { readonly error: string; readonly at: string }
  /** A finding of this rule on a foreign object (synth may fail on it, but only with the findings block). */
  | { readonly finding: string }
  /** Synthesizes, every object validates; `without` names a rule that must not fire (a foreign object). */
  | { readonly accepted: string; readonly without?: string; readonly check?: (manifests: any[]) => void };

interface Row {
  readonly family: string;
  readonly name: string;
  /** Builds the input; returns manifests (a model synth) or a finding run. */
  readonly run: () => Result;
  readonly expect: Outcome;
  /** Values that must never appear in a message (credentials the row passes). */
  readonly secrets?: string[];
}

interface Result {
  readonly manifests: any[];
  /** Rule ids of the findings (foreign objects). */
  readonly findings?: string[];
  /** Every text a finding shows: message and value, where a credential must never appear. */
  readonly texts?: string[];
  /** The failed synth's error, if any. */
  readonly error?: unknown;
}

const ROWS: Row[] = [];
const add = (family: string, name: string, run: () => Result, expected: Outcome, secrets?: string[]) =>
  ROWS.push({ family, name, run, expect: expected, secrets });

// ---------------------------------------------------------------------------
// Builders: every input goes through the public API.

/** One model in chart `serving` (namespace llm), synthesized. */
function model(overrides: Partial<ColdStartOptimizedModelProps> | (() => Partial<ColdStartOptimizedModelProps>) = {}): () => Result {
  return () => {
    const o = typeof overrides === 'function' ? overrides() : overrides;
    const app = Testing.app();
    const chart = new Chart(app, 'serving', { namespace: 'llm' });
    new ColdStartOptimizedModel(chart, 'qwen', baseProps(o));
    return { manifests: Testing.synth(chart) };
  };
}

/** Raw props, not merged with the base (null and mistyped model props). */
function rawModel(props: () => any): () => Result {
  return () => {
    const app = Testing.app();
    const chart = new Chart(app, 'serving', { namespace: 'llm' });
    new ColdStartOptimizedModel(chart, 'qwen', props());
    return { manifests: Testing.synth(chart) };
  };
}

/** A factory call alone: its error is the outcome; if it returns, it is used as the model's weights/engine by `use`. */
function factory(call: () => unknown, use?: (made: any) => Partial<ColdStartOptimizedModelProps>): () => Result {
  return () => {
    const made = call();
    return use ? model(use(made))() : { manifests: [] };
  };
}

/** Foreign objects under the baseline pack (production): the rule ids that fired. */
function foreign(objects: () => any[]): () => Result {
  return () => {
    const app: App = Testing.app();
    const chart = new Chart(app, 'c');
    const objs = objects();
    objs.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
    Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
    return judged(app, true);
  };
}

/** Synthesizes the app: the rule ids that fired (unsuppressed ones only, or all), every finding's text, and what synth threw. */
function judged(app: App, unsuppressedOnly: boolean): Result {
  let error: unknown;
  try {
    app.synthYaml();
  } catch (e) {
    error = e;
  }
  const all = Findings.of(app);
  return { manifests: [], findings: all.filter(f => !unsuppressedOnly || !f.suppressed).map(f => f.ruleId), texts: all.flatMap(f => [f.message, f.value ?? '']), error };
}

const DIGEST = '@sha256:' + 'd'.repeat(64);
const IMG = `vllm/vllm-openai${DIGEST}`;
const PROXY = 'nginxinc/nginx-unprivileged@sha256:' + 'c'.repeat(64);
const REPO = { repoId: 'Qwen/Qwen2.5-0.5B-Instruct', revision: 'a8b602d9dafd3a75d382e62757d83d89fca3be54' };
const gke = () => Profile.production({ cloud: Cloud.gke({ region: 'us-central1' }) });
const eks = () => Profile.production({ cloud: Cloud.eks({ region: 'us-east-1' }) });
const vllm = (o: { extraArgs?: any; extraEnv?: any; image?: any } = {}) => Engine.vllm({ image: VLLM, ...o });
const nvme = (o: any = {}) => CacheNodeGroup.localNvme({ path: '/mnt/nvme/models', storageLimit: Size.gibibytes(100), name: 'nvme-l4', ...o });
const M = 'serving/qwen';
const SNAP = 'snap-0123456789abcdef0';

// ---------------------------------------------------------------------------
// 1. vLLM argv: every flag a typed prop owns, in every spelling vLLM's parser accepts.

const OWNED: Array<[string, string]> = [
  ['model', '/models/other'],
  ['served-model-name', 'other'],
  ['port', '9000'],
  ['tensor-parallel-size', '2'],
  ['gpu-memory-utilization', '0.95'],
  ['compilation-config', '{"level":3}'],
  ['config', '/etc/vllm.yaml'],
];
for (const [flag, value] of OWNED) {
  const spellings: Array<[string, string]> = [
    ['exact', `--${flag}=${value}`],
    ['underscores', `--${flag.replace(/-/g, '_')}=${value}`],
    ['a prefix', `--${flag.slice(0, Math.max(flag.length - 2, 5))}=${value}`],
    ['repeated, last wins', `--${flag}=${value}`],
  ];
  for (const [how, arg] of spellings) {
    const args = how.startsWith('repeated') ? ['--max-model-len=4096', arg] : [arg];
    // Only `--[a-z0-9-]` names are merged: an underscore spelling is refused as a shape before it could set anything;
    // `--confi` is ambiguous (--config, --config-format).
    const id = how === 'underscores' && flag.includes('-') ? 'CS-IN-043' : how === 'a prefix' && flag === 'config' ? 'CS-IN-043' : 'CS-IN-006';
    add('argv', `--${flag} (${how}): ${args.join(' ')}`, factory(() => vllm({ extraArgs: args })), { error: id, at: 'Engine.vllm' });
  }
  // `--flag value` as two items: the value item is not a flag.
  add('argv', `--${flag} as two items`, factory(() => vllm({ extraArgs: [`--${flag}`, value] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
for (const [flag, how] of [['enforce-eager', 'exact'], ['no-enforce-eager', '--no- form'], ['enforce_eager', 'underscores'], ['enforce-eag', 'a prefix'],
  ['enable-sleep-mode', 'exact'], ['no-enable-sleep-mode', '--no- form'], ['enable_sleep_mode', 'underscores'], ['enable-sleep', 'a prefix']]) {
  add('argv', `switch --${flag} (${how})`, factory(() => vllm({ extraArgs: [`--${flag}`] })), { error: how === 'underscores' ? 'CS-IN-043' : 'CS-IN-006', at: 'Engine.vllm' });
}
// LoRA: props.adapters owns the switch and the limits (an ambiguous prefix such as --enable-lo is CS-IN-043 like any other).
for (const arg of ['--enable-lora', '--no-enable-lora', '--max-loras=2', '--max-lora-r=32', '--max-cpu-l=4', '--lora-modules=a=/x', '--lora-mod=a=/x']) {
  add('argv', `LoRA flag ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-006', at: 'Engine.vllm' });
}
add('argv', 'LoRA flag --enable-lo (ambiguous with --enable-lora-bias)', factory(() => vllm({ extraArgs: ['--enable-lo'] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
for (const arg of ['--compilation-config.level=3', '--compilation_config.level=3', '--compilation-config.cudagraph_mode=NONE']) {
  // A dotted key is not a `--flag=value` shape the blueprint can merge: refused before it could reach the compilation config.
  add('argv', `dotted JSON key ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
for (const arg of ['-O3', '-O0', '-O']) {
  add('argv', `short optimization level ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
for (const arg of ['-tp=2', '-tp 2', '-h']) {
  add('argv', `short flag ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
// Unknown, abbreviated, ambiguous, a switch with a value, a flag without one, not a flag at all.
for (const arg of ['--hos=0.0.0.0', '--max-model-l=4096', '--chat-templ=x', '--trust-remote=x', '--download=/x', '--api-serv=2']) {
  add('argv', `abbreviation ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
for (const arg of ['--max=1', '--enable=1', '--disable-log=1', '--data-parallel=2', '--tokenizer-=x']) {
  add('argv', `ambiguous ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
for (const arg of ['--not-a-flag=1', '--hostt=0.0.0.0', '--max-model-length=4096', '--model-loader-extra-configs={}', '--kv-cache=fp8']) {
  add('argv', `unknown ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
for (const arg of ['--trust-remote-code=true', '--enable-prefix-caching=1', '--disable-log-stats=false', '--enable-chunked-prefill=']) {
  add('argv', `switch given a value ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
for (const arg of ['--max-model-len', '--chat-template', '--download-dir', '--seed']) {
  add('argv', `missing value ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
// The streamer writes the loader config: an extra arg giving it another value is two values for one setting.
add('argv', 'loader config against the streamer', model(() => ({ engine: vllm({ extraArgs: ['--model-loader-extra-config={"concurrency":8}'] }) })), { error: 'CS-IN-006', at: M });
for (const arg of ['--max_model_len=4096', 'max-model-len=4096', '-', '--', '', ' ', '--max-model-len 4096', '—max-model-len=4096', '--Max-Model-Len=4096', '4096', '--=x']) {
  add('argv', `not a flag ${JSON.stringify(arg)}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-043', at: 'Engine.vllm' });
}
// The engine binds loopback under sleep mode: --host in any spelling would expose /sleep and /wake_up.
for (const arg of ['--host=0.0.0.0', '--host=::']) {
  add('argv', `sleep mode with ${arg}`, model(() => ({ weights: WeightSource.existingClaim('w'), backend: Backend.deployment(), engine: vllm({ extraArgs: [arg] }), runtime: { sleepMode: { proxyImage: PROXY } } })),
    { error: 'CS-IN-006', at: M });
}
for (const [arg, why] of [
  ['--max-model-len=4096', 'a flag of vLLM no typed prop sets'],
  ['--chat-template=x --host=127.0.0.1', 'one argv element is one flag: vLLM reads a chat template of "x --host=127.0.0.1"'],
  ['--enable-prefix-caching', 'a switch alone'],
  ['--no-enable-prefix-caching', 'the --no- form of a switch'],
  ['--kv-cache-dtype=fp8', 'a one-value flag'],
  ['--host=0.0.0.0', 'without sleep mode the engine serves on every interface anyway'],
  ['--chat-template=a\nb', 'a newline inside one argv element stays one value'],
  ['--response-role=sk-learn', 'a value that only looks like a key prefix'],
] as Array<[string, string]>) {
  add('argv', `accepted ${JSON.stringify(arg)}`, model(() => ({ engine: vllm({ extraArgs: [arg] }) })), {
    accepted: why,
    check: m => expect(m.find(o => o.kind === 'InferenceService').spec.predictor.containers[0].args).toContain(arg),
  });
}

// ---------------------------------------------------------------------------
// 2. $(NAME) expansion in command and args.

for (const name of ['$(AWS_SECRET_ACCESS_KEY)', 'qwen-$(HF_TOKEN)', '$$(X)', 'a$$b', '$(X', 'q$(POD_NAME)q']) {
  add('expansion', `servedModelName ${name}`, model(() => ({ servedModelName: name })), { error: 'CS-IN-055', at: M });
}
for (const arg of ['--chat-template=$(HF_TOKEN)', '--api-key=$(VLLM_API_KEY)', '--download-dir=$$(X)', '--tokenizer=a$(B)c', '--root-path=$(', '--seed=$$']) {
  add('expansion', `extraArgs ${arg}`, factory(() => vllm({ extraArgs: [arg] })), { error: 'CS-IN-055', at: 'Engine.vllm' });
}
for (const [name, weights] of [
  ['existing claim subPath with $(', () => WeightSource.existingClaim('w', { subPath: 'm$(X)' })],
  ['object storage prefix with $(', () => WeightSource.objectStorage('s3://models/q$(X)')],
] as Array<[string, () => WeightSource]>) {
  add('expansion', `${name}: escaped in args`, model(() => ({ weights: weights() })), {
    accepted: 'a value the library writes into args is escaped ($( becomes $$(), so vLLM receives it as given',
    check: m => {
      const c = m.find(o => o.kind === 'InferenceService').spec.predictor.containers[0];
      const text = JSON.stringify([c.command, c.args]);
      expect(text).not.toMatch(/(^|[^$])\$\(X\)/);
    },
  });
}
add('expansion', 'extraEnv value $(HF_TOKEN)', model(() => ({ engine: vllm({ extraEnv: { ALIAS: '$(OTHER)' } }) })),
  { accepted: 'env values are not command or args: the kubelet expands them from the same container\'s env, nothing reaches the command line' });

// ---------------------------------------------------------------------------
// 3. Literal credentials, by value, in every place.

const TOKENS: Array<[string, string]> = [
  ['Hugging Face', 'hf_' + 'Kq4xZ'.repeat(7)],
  ['OpenAI', 'sk-' + 'Ab3dE'.repeat(8)],
  ['OpenAI project', 'sk-proj-' + 'Ab3dE'.repeat(8)],
  ['GitHub', 'ghp_' + 'Zx9Yw'.repeat(7)],
  ['GitHub PAT', 'github_pat_' + 'Zx9Yw'.repeat(8)],
  ['AWS access key id', 'AKIA' + 'IOSFODNN7EXAMPL1'],
  ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl'],
];
for (const [kind, token] of TOKENS) {
  add('credentials', `${kind} in an extraEnv value`, factory(() => vllm({ extraEnv: { NOTES: `see ${token}` } })), { error: 'CS-IN-015', at: 'Engine.vllm' }, [token]);
  add('credentials', `${kind} in an extra arg value`, factory(() => vllm({ extraArgs: [`--chat-template=${token}`] })), { error: 'CS-IN-015', at: 'Engine.vllm' }, [token]);
  add('credentials', `${kind} as --api-key`, factory(() => vllm({ extraArgs: [`--api-key=${token}`] })), { error: 'CS-IN-015', at: 'Engine.vllm' }, [token]);
  add('credentials', `${kind} in an object storage URI`, factory(() => WeightSource.objectStorage(`s3://models/qwen/${token}`)), { error: 'CS-IN-015', at: 'WeightSource.objectStorage' }, [token]);
  add('credentials', `${kind} in a LocalModelCache storageUri`, factory(() => WeightSource.localModelCache(`gs://models/${token}`, { nodeGroup: CacheNodeGroup.existing('g') })),
    { error: 'CS-IN-015', at: 'WeightSource.localModelCache' }, [token]);
  add('credentials', `${kind} as a Secret key`, factory(() => WeightSource.prefetch({ ...REPO, token: { name: 'hf', key: token } })),
    { error: 'CS-IN-015', at: 'WeightSource.prefetch' }, [token]);
  add('credentials', `${kind} as the object storage Secret name`, factory(() => ObjectStorageCredentials.fromSecret({ secretName: token })),
    { error: 'CS-IN-015', at: 'ObjectStorageCredentials.fromSecret' }, [token]);
  add('credentials', `${kind} as servedModelName`, model(() => ({ servedModelName: token })), { error: 'CS-IN-015', at: M }, [token]);
}
for (const [name, value] of [['HF_TOKEN', 'opaque-value-1'], ['OPENAI_API_KEY', 'opaque-value-2'], ['AWS_SECRET_ACCESS_KEY', 'opaque-value-3'],
  ['VLLM_API_KEY', 'opaque-value-4'], ['DB_PASSWORD', 'opaque-value-5'], ['hf_token', 'opaque-value-6']]) {
  add('credentials', `credential-named extraEnv ${name}`, factory(() => vllm({ extraEnv: { [name]: value } })), { error: 'CS-IN-015', at: 'Engine.vllm' }, [value]);
}
for (const arg of ['--api-key=opaque-key-1', '--api_key=opaque-key-2', '--ssl-keyfile=opaque-key-3']) {
  const secret = arg.split('=')[1];
  add('credentials', `credential-named flag ${arg.split('=')[0]}`, factory(() => vllm({ extraArgs: [arg] })),
    arg.startsWith('--ssl') ? { accepted: 'a key file path flag', check: () => undefined }
      : { error: arg.startsWith('--api_') ? 'CS-IN-043' : 'CS-IN-015', at: 'Engine.vllm' }, arg.startsWith('--ssl') ? [] : [secret]);
}
for (const [name, uri] of [
  ['a password in an object storage URL', 's3://user:pa55word@models/qwen'],
  ['X-Amz-Signature', 's3://models/qwen?X-Amz-Signature=deadbeefcafe'],
  ['X-Amz-Credential', 's3://models/qwen?X-Amz-Credential=AKIDEXAMPLE%2F20260101'],
  ['X-Goog-Signature', 'gs://models/qwen?X-Goog-Signature=deadbeefcafe'],
] as Array<[string, string]>) {
  add('credentials', `${name} in object storage`, factory(() => WeightSource.objectStorage(uri)), { error: 'CS-IN-015', at: 'WeightSource.objectStorage' }, ['pa55word', 'deadbeefcafe', 'AKIDEXAMPLE']);
  add('credentials', `${name} in a LocalModelCache sourceModelUri`,
    factory(() => WeightSource.localModelCache('gs://models/qwen', { nodeGroup: CacheNodeGroup.existing('g'), sourceModelUri: uri.replace(/^s3/, 'gs') })),
    { error: 'CS-IN-015', at: 'WeightSource.localModelCache' }, ['pa55word', 'deadbeefcafe', 'AKIDEXAMPLE']);
}
add('credentials', 'a password in the object storage endpoint', factory(() => WeightSource.objectStorage('s3://models/qwen', { endpoint: 'https://u:pa55word@minio.example.com' })),
  { error: 'CS-IN-015', at: 'WeightSource.objectStorage' }, ['pa55word']);
add('credentials', 'a token in a modelcar reference', factory(() => WeightSource.modelcar(`registry.example.com/${'hf_' + 'kq4xz'.repeat(7)}${DIGEST}`)),
  { error: 'CS-IN-015', at: 'WeightSource.modelcar' }, ['hf_' + 'kq4xz'.repeat(7)]);
add('credentials', 'an AWS key id as the object storage Secret name', factory(() => ObjectStorageCredentials.fromSecret({ secretName: 'AKIAIOSFODNN7EXAMPL2' })),
  { error: 'CS-IN-015', at: 'ObjectStorageCredentials.fromSecret' }, ['AKIAIOSFODNN7EXAMPL2']);
for (const [name, value] of [['GOOGLE_APPLICATION_CREDENTIALS', '/var/run/secrets/key.json'], ['HF_TOKEN_PATH', '/var/run/hf'], ['HF_TOKEN', '']]) {
  add('credentials', `${name}=${JSON.stringify(value)}`, model(() => ({ engine: vllm({ extraEnv: { [name]: value } }) })),
    { accepted: value ? 'a path to a mounted secret is not a secret' : 'an empty value carries nothing' });
}

// ---------------------------------------------------------------------------
// 4. Paths, mounts and node reach.

const SYSTEM = ['/', '/.', '//', '/./', '/etc', '/etc/', '/proc', '/sys', '/dev', '/boot', '/root', '/usr', '/bin', '/sbin', '/lib', '/lib64',
  '/var/lib/kubelet', '/var/lib/kubelet/pods', '/var/run', '/run', '/var', '/var/lib', '/opt/../etc', 'models', './models', '/mnt/../..', ''];
for (const path of SYSTEM) {
  add('paths', `hostPathCache hostPath ${JSON.stringify(path)}`, factory(() => WeightSource.hostPathCache(REPO, { hostPath: path })), { error: 'CS-IN-019', at: 'WeightSource.hostPathCache' });
}
for (const path of ['/', '/.', '/etc', '/var/lib/kubelet', '/run', 'rel', '/a/../..', '/proc/self']) {
  add('paths', `prefetch hostPath ${JSON.stringify(path)}`, factory(() => WeightSource.prefetch(REPO, { hostPath: path })), { error: 'CS-IN-019', at: 'WeightSource.prefetch' });
  add('paths', `local NVMe path ${JSON.stringify(path)}`, factory(() => nvme({ path })), { error: 'CS-IN-019', at: 'CacheNodeGroup.localNvme' });
}
const SUBPATHS = ['/abs', '.', '..', 'a/../b', 'a/', 'a//b', 'a b', 'a\nb', './a', 'a/.', '\t'];
for (const subPath of SUBPATHS) {
  add('paths', `existingClaim subPath ${JSON.stringify(subPath)}`, factory(() => WeightSource.existingClaim('w', { subPath })), { error: 'CS-IN-011', at: 'WeightSource.existingClaim' });
}
for (const subPath of ['/abs', '..', 'a/', 'a b']) {
  add('paths', `hyperdiskMl subPath ${JSON.stringify(subPath)}`, factory(() => WeightSource.hyperdiskMl({ snapshotName: 's', subPath })), { error: 'CS-IN-011', at: 'WeightSource.hyperdiskMl' });
  add('paths', `fsxLustre subPath ${JSON.stringify(subPath)}`, factory(() => WeightSource.fsxLustre({ fileSystemId: 'fs-0123456789abcdef0', dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountName: 'abcdefgh', subPath })),
    { error: 'CS-IN-011', at: 'WeightSource.fsxLustre' });
}
for (const onlyDir of ['a,b', 'qwen,implicit-dirs', 'a b', 'a\nb', '/qwen', '../x', 'a/', 'a\tb']) {
  add('paths', `gcsFuse onlyDir ${JSON.stringify(onlyDir)}`, factory(() => WeightSource.gcsFuse('bucket', { onlyDir })), { error: 'CS-IN-011', at: 'WeightSource.gcsFuse' });
}
add('paths', 'mountpointS3 prefix without the trailing /', model(() => ({ profile: eks(), weights: WeightSource.mountpointS3('my-models', { prefix: 'qwen' }) })), {
  accepted: 'the library writes the one trailing / mount-s3 needs',
  check: m => expect(m.find(o => o.kind === 'PersistentVolume').spec.mountOptions).toContain('prefix qwen/'),
});
for (const prefix of ['a,b/', 'a b/', '/qwen/', '../x/', 'a//b/']) {
  add('paths', `mountpointS3 prefix ${JSON.stringify(prefix)}`, factory(() => WeightSource.mountpointS3('my-models', { prefix })), { error: 'CS-IN-011', at: 'WeightSource.mountpointS3' });
}
for (const directory of SUBPATHS) {
  add('paths', `ebsSnapshot directory ${JSON.stringify(directory)}`, factory(() => WeightSource.ebsSnapshot(SNAP, { directory })), { error: 'CS-IN-011', at: 'WeightSource.ebsSnapshot' });
}
for (const revision of ['main/', '../main', 'a/./b', 'a//b', '', ' ', 'main b', '.']) {
  add('paths', `revision ${JSON.stringify(revision)}`, factory(() => WeightSource.prefetch({ ...REPO, revision })), { error: 'CS-IN-018', at: 'WeightSource.prefetch' });
}
for (const repoId of ['', 'a', 'a/b/c', 'a b/c', '../x', 'org/../x', '/org/m', 'org/m/', 'org/$(X)']) {
  add('paths', `repoId ${JSON.stringify(repoId)}`, factory(() => WeightSource.hostPathCache({ repoId })), { error: 'CS-IN-018', at: 'WeightSource.hostPathCache' });
}
// Node reach: node-level helpers must target the GPU nodes; tolerations must not tolerate every taint by accident.
const noSelector = { count: 1 };
add('node reach', 'hostPath cache without a GPU nodeSelector', model(() => ({ gpu: noSelector, weights: WeightSource.hostPathCache(REPO) })), { error: 'CS-IN-044', at: M });
add('node reach', 'prefetch DaemonSet without a GPU nodeSelector', model(() => ({ gpu: noSelector, weights: WeightSource.prefetch(REPO) })), { error: 'CS-IN-044', at: M });
for (const [name, make] of [['hostPathCache', (o: any) => WeightSource.hostPathCache(REPO, o)], ['prefetch', (o: any) => WeightSource.prefetch(REPO, o)]] as const) {
  for (const [how, sizeLimit] of [['zero', Size.kibibytes(0)], ['a string', '1Ti'], ['a number', 1e12], ['an empty object', {}]] as Array<[string, any]>) {
    add('sizes', `${name} sizeLimit ${how}`, factory(() => make({ sizeLimit })), { error: 'CS-IN-082', at: `WeightSource.${name}` });
  }
  add('sizes', `${name} sizeLimit below the model`, model(() => ({ weights: make({ sizeLimit: Size.mebibytes(100) }) })), { error: 'CS-IN-082', at: M });
  add('sizes', `${name} sizeLimit of the model's size`, model(() => ({ weights: make({ sizeLimit: Size.gibibytes(1) }) })), { accepted: 'the bound holds the current model' });
}
add('sizes', 'two models share a hostPath with different sizeLimits', () => {
  const chart = new Chart(Testing.app(), 'serving', { namespace: 'llm' });
  new ColdStartOptimizedModel(chart, 'qwen', baseProps({ weights: WeightSource.prefetch(REPO, { sizeLimit: Size.gibibytes(300) }) }));
  new ColdStartOptimizedModel(chart, 'other', baseProps({ weights: WeightSource.hostPathCache(REPO) }));
  return { manifests: Testing.synth(chart) };
}, { error: 'CS-IN-083', at: 'serving/other' });
add('sizes', 'two models\' hostPath caches nest', () => {
  const chart = new Chart(Testing.app(), 'serving', { namespace: 'llm' });
  new ColdStartOptimizedModel(chart, 'qwen', baseProps({ weights: WeightSource.prefetch(REPO, { hostPath: '/data/models' }) }));
  new ColdStartOptimizedModel(chart, 'other', baseProps({ weights: WeightSource.hostPathCache(REPO, { hostPath: '/data' }) }));
  return { manifests: Testing.synth(chart) };
}, { error: 'CS-IN-083', at: 'serving/other' });
add('node reach', 'local NVMe cache without a nodeSelector', model(() => ({ gpu: noSelector, weights: WeightSource.localModelCache('gs://models/qwen', { nodeGroup: nvme() }) })), { error: 'CS-IN-044', at: M });
add('node reach', 'pre-pull DaemonSet without a GPU nodeSelector', model(() => ({ gpu: noSelector, imagePull: { prePull: true } })), { error: 'CS-IN-044', at: M });
const gpuWith = (tolerations: any[], extra: any = {}) => ({ count: 1, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' }, tolerations, ...extra });
for (const [name, t] of [
  ['empty key Exists', { key: '', operator: TolerationOperator.EXISTS }],
  ['Exists with a value', { key: 'nvidia.com/gpu', operator: TolerationOperator.EXISTS, value: 'present' }],
  ['unknown operator', { key: 'nvidia.com/gpu', operator: 'Matches' }],
  ['unknown effect', { key: 'nvidia.com/gpu', effect: 'NoRun' }],
  ['malformed key', { key: 'bad key!' }],
  ['null entry', null],
  ['a string entry', 'nvidia.com/gpu'],
  ['a value Kubernetes refuses', { key: 'nvidia.com/gpu', operator: TolerationOperator.EQUAL, value: 'not valid!' }],
] as Array<[string, any]>) {
  add('node reach', `toleration: ${name}`, model(() => ({ gpu: gpuWith([t]) })), { error: 'CS-IN-003', at: M });
}
add('node reach', 'tolerations: null', model(() => ({ gpu: { ...gpuWith([]), tolerations: null as any } })), { error: 'CS-IN-003', at: M });
add('node reach', 'empty-key Exists with tolerateEveryTaint', model(() => ({ gpu: gpuWith([{ key: '', operator: TolerationOperator.EXISTS }], { tolerateEveryTaint: true }) })),
  { accepted: 'tolerating every taint, stated explicitly' });
add('node reach', 'a GPU toleration with an effect', model(() => ({ gpu: gpuWith([{ key: 'nvidia.com/gpu', operator: TolerationOperator.EXISTS, effect: TolerationEffect.NO_SCHEDULE }]) })),
  { accepted: 'the usual GPU-taint toleration' });
for (const path of ['/var/lib/cdk8s-coldstart/models', '/mnt/models', '/data/hf/']) {
  add('paths', `hostPath ${path}`, model(() => ({ weights: WeightSource.hostPathCache(REPO, { hostPath: path }) })), { accepted: 'a data directory outside system locations, on the GPU nodes' });
}

// ---------------------------------------------------------------------------
// 5. Kubernetes values: names, labels, numbers, sizes, durations.

for (const name of ['Bad_Name', 'a'.repeat(46), '-a', 'a-', '1abc', 'a.b', 'A', 'a b', 'ä', 'a\n']) {
  add('k8s values', `model name ${JSON.stringify(name)}`, model(() => ({ name })), { error: 'CS-IN-001', at: M });
}
add('k8s values', 'model name of 45 characters', model(() => ({ name: 'a'.repeat(45) })), { accepted: 'the longest name whose derived object names stay valid' });
for (const served of ['', ' ', 'a b', 'a\nb', '\t', 'qwen ']) {
  add('k8s values', `servedModelName ${JSON.stringify(served)}`, model(() => ({ servedModelName: served })), { error: 'CS-IN-020', at: M });
}
add('k8s values', 'servedModelName of 300 characters', model(() => ({ servedModelName: 'q'.repeat(300) })), { accepted: 'vLLM takes any non-blank name; it is an argument, not an object name' });
add('k8s values', 'gpu.count 1e12', model(() => ({ gpu: { count: 1e12, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } } })),
  { accepted: 'an integer count is a valid quantity and tensor parallel size; the pod stays Pending with the scheduler\'s reason' });
for (const v of [0, -1, 1.5, NaN, Infinity, -Infinity]) {
  add('k8s values', `gpu.count ${v}`, model(() => ({ gpu: { count: v, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } } })), { error: 'CS-IN-002', at: M });
}
for (const [name, sel] of [
  ['bad key', { 'bad key!': 'x' }], ['bad value', { a: 'bad value!' }], ['value of 64 characters', { a: 'x'.repeat(64) }], ['empty key', { '': 'x' }],
  ['two slashes', { 'a/b/c': 'x' }], ['numeric value', { a: 1 }], ['null value', { a: null }], ['prefix not DNS', { 'Bad_Prefix/name': 'x' }],
  ['name of 64', { ['n'.repeat(64)]: 'x' }], ['value ending in -', { a: 'x-' }],
] as Array<[string, any]>) {
  add('k8s values', `gpu.nodeSelector ${name}`, model(() => ({ gpu: { count: 1, nodeSelector: sel } })), { error: 'CS-IN-058', at: M });
}
for (const resourceName of ['nvidia gpu', '', 'nvidia.com/', '/gpu', 'Nvidia.com/GPU!']) {
  add('k8s values', `gpu.resourceName ${JSON.stringify(resourceName)}`, model(() => ({ gpu: { count: 1, resourceName, nodeSelector: { a: 'b' } } })), { error: 'CS-IN-058', at: M });
}
for (const p of [-1, 1.5, 2e9, NaN, Infinity]) {
  add('k8s values', `capacity.priority ${p}`, model(() => ({ capacity: { priority: p } })), { error: 'CS-IN-004', at: M });
}
add('k8s values', 'priority and priorityClassName', model(() => ({ capacity: { priority: 10, priorityClassName: 'x' } })), { error: 'CS-IN-042', at: M });
for (const [min, max] of [[-1, 1], [2, 1], [0, 0], [1.5, 2], [0, 1.5], [NaN, 1], [0, NaN], [0, Infinity], [Infinity, Infinity]]) {
  add('k8s values', `scaling ${min}..${max}`, model(() => ({ scaling: { minReplicas: min, maxReplicas: max } })), { error: 'CS-IN-007', at: M });
}
for (const v of [0, 1, 1.5, -0.1, NaN, Infinity, '0.5' as any, null as any]) {
  add('k8s values', `gpuMemoryUtilization ${String(v)}`, model(() => ({ runtime: { gpuMemoryUtilization: v } })), { error: 'CS-RT-001', at: M });
}
for (const v of [0, -1, NaN, Infinity, '4' as any]) {
  add('k8s values', `runtime.cpu ${String(v)}`, model(() => ({ runtime: { cpu: v } })), { error: 'CS-IN-009', at: M });
}
for (const [name, d] of [['0 s', Duration.seconds(0)], ['25 h', Duration.hours(25)], ['NaN', Duration.seconds(NaN)], ['1e12 s', Duration.seconds(1e12)],
  ['1.5 s', Duration.millis(1500)], ['Infinity', Duration.seconds(Infinity)], ['a number', 300], ['a string', '300s'], ['an object', {}]] as Array<[string, any]>) {
  add('k8s values', `startupBudget ${name}`, model(() => ({ runtime: { startupBudget: d } })), { error: 'CS-IN-057', at: M });
}
for (const [name, s] of [['0', Size.gibibytes(0)], ['NaN', Size.gibibytes(NaN)], ['Infinity', Size.gibibytes(Infinity)], ['a string', '16Gi' as any]] as Array<[string, Size]>) {
  add('k8s values', `shmSize ${name}`, model(() => ({ runtime: { shmSize: s } })), { error: 'CS-SHM-001', at: M });
  add('k8s values', `memoryLimit ${name}`, model(() => ({ runtime: { memoryLimit: s } })), { error: 'CS-SHM-002', at: M });
  add('k8s values', `engineMemory ${name}`, model(() => ({ runtime: { engineMemory: s } })), { error: 'CS-SHM-002', at: M });
  add('k8s values', `streamer memoryLimit ${name}`, factory(() => WeightSource.modelcar(MODELCAR, { streamer: { memoryLimit: s } })), { error: 'CS-IN-005', at: 'WeightSource.modelcar' });
  add('k8s values', `emptyDir cache sizeLimit ${name}`, factory(() => CacheStorage.emptyDir({ sizeLimit: s })), { error: 'CS-IN-056', at: 'CacheStorage.emptyDir' });
  add('k8s values', `claim cache size ${name}`, factory(() => CacheStorage.persistentVolumeClaim({ size: s })), { error: 'CS-IN-056', at: 'CacheStorage.persistentVolumeClaim' });
  add('k8s values', `shared claim size ${name}`, model(() => ({ weights: WeightSource.huggingFace(REPO, { volume: SharedVolume.newClaim({ size: s }) }) })), { error: 'CS-IN-016', at: M });
  add('k8s values', `GCS FUSE sidecar memory ${name}`, model(() => ({ profile: gke(), weights: WeightSource.gcsFuse('bucket', { sidecarMemoryLimit: s }) })), { error: 'CS-IN-056', at: M });
  add('k8s values', `estimate imageSize ${name}`, model(() => ({ estimate: { imageSize: s } })), { error: 'CS-IN-071', at: M });
  add('k8s values', `estimate bandwidth ${name}`, model(() => ({ estimate: { bandwidths: [{ path: WeightPath.OCI_MODELCAR, perSecond: s }] } })), { error: 'CS-IN-070', at: M });
}
add('k8s values', 'memoryLimit below shm + engine', model(() => ({ runtime: { memoryLimit: Size.gibibytes(4) } })), { error: 'CS-SHM-002', at: M });
add('k8s values', 'shm larger than the memory limit', model(() => ({ runtime: { shmSize: Size.gibibytes(64), memoryLimit: Size.gibibytes(32) } })), { error: 'CS-SHM-002', at: M });
add('k8s values', 'engineMemory lowered', model(() => ({ runtime: { engineMemory: Size.gibibytes(1) } })), { error: 'CS-SHM-002', at: M });
for (const c of [0, 257, 1.5, NaN, -1, Infinity]) {
  add('k8s values', `streamer concurrency ${c}`, factory(() => WeightSource.modelcar(MODELCAR, { streamer: { concurrency: c } })), { error: 'CS-IN-005', at: 'WeightSource.modelcar' });
}
for (const v of [-1, NaN, Infinity, 1.5]) {
  add('k8s values', `Knative initialScale ${v}`, factory(() => Backend.kserveKnative({ initialScale: v })), { error: 'CS-IN-051', at: 'Backend.kserveKnative' });
}
for (const [name, d] of [['2 h', Duration.hours(2)], ['NaN', Duration.seconds(NaN)], ['1.5 s', Duration.millis(1500)], ['a number', 30]] as Array<[string, any]>) {
  add('k8s values', `Knative scaleDownDelay ${name}`, factory(() => Backend.kserveKnative({ scaleDownDelay: d })), { error: 'CS-IN-051', at: 'Backend.kserveKnative' });
}
for (const [name, env] of [['.', { '.': 'x' }], ['..', { '..': 'x' }], ['..A', { '..A': 'x' }], ['1ST', { '1ST': 'x' }], ['A=B', { 'A=B': 'x' }], ['empty', { '': 'x' }], ['space', { 'A B': 'x' }], ['number value', { A: 1 }],
  ['null value', { A: null }], ['newline', { 'A\nB': 'x' }]] as Array<[string, any]>) {
  add('k8s values', `extraEnv name ${name}`, factory(() => vllm({ extraEnv: env })), { error: 'CS-IN-058', at: 'Engine.vllm' });
}
for (const claim of ['Bad_Name', '', 'a'.repeat(254), '-a', 'a.', 'a b', 'ä']) {
  add('k8s values', `existingClaim ${JSON.stringify(claim.slice(0, 20))}`, factory(() => WeightSource.existingClaim(claim)), { error: 'CS-IN-021', at: 'WeightSource.existingClaim' });
  add('k8s values', `cache existingClaim ${JSON.stringify(claim.slice(0, 20))}`, factory(() => CacheStorage.existingClaim(claim)), { error: 'CS-IN-021', at: 'CacheStorage.existingClaim' });
}
for (const n of ['Bad_Name', '', 'a b']) {
  add('k8s values', `workload identity SA ${JSON.stringify(n)}`, factory(() => ObjectStorageCredentials.workloadIdentity(n)), { error: 'CS-IN-021', at: 'ObjectStorageCredentials.workloadIdentity' });
  add('k8s values', `cache node group ${JSON.stringify(n)}`, factory(() => CacheNodeGroup.existing(n)), { error: 'CS-IN-021', at: 'CacheNodeGroup.existing' });
  add('k8s values', `LocalModelCache cacheName ${JSON.stringify(n)}`, factory(() => WeightSource.localModelCache('gs://m/q', { nodeGroup: CacheNodeGroup.existing('g'), cacheName: n })),
    { error: 'CS-IN-021', at: 'WeightSource.localModelCache' });
  add('k8s values', `shared existing claim ${JSON.stringify(n)}`, factory(() => SharedVolume.existingClaim(n, { accessMode: CacheAccessMode.READ_WRITE_MANY })), { error: 'CS-IN-021', at: 'SharedVolume.existingClaim' });
}
for (const [name, ref] of [['empty name', { name: '', key: 'k' }], ['key with a space', { name: 's', key: 'a key' }], ['bad name', { name: 'Bad_Name', key: 'k' }],
  ['empty key', { name: 's', key: '' }], ['key with a slash', { name: 's', key: 'a/b' }]] as Array<[string, any]>) {
  add('k8s values', `HF token Secret ${name}`, factory(() => WeightSource.prefetch({ ...REPO, token: ref })), { error: 'CS-IN-022', at: 'WeightSource.prefetch' });
}
add('k8s values', 'object storage Secret key with a space', factory(() => ObjectStorageCredentials.fromSecret({ secretName: 'keys', accessKeyIdKey: 'a key' })), { error: 'CS-IN-022', at: 'ObjectStorageCredentials.fromSecret' });
for (const region of ['Not A Region', '', 'us-east-1 ', 'US-EAST-1', 'us_east_1']) {
  add('k8s values', `Cloud.eks region ${JSON.stringify(region)}`, factory(() => Cloud.eks({ region })), { error: 'CS-IN-026', at: 'Cloud.eks' });
  add('k8s values', `object storage region ${JSON.stringify(region)}`, factory(() => WeightSource.objectStorage('s3://models/q', { region })), { error: 'CS-IN-026', at: 'WeightSource.objectStorage' });
}
for (const bucket of ['gs://b', 'B', 'a', 'bucket/x', 'a b', '']) {
  add('k8s values', `gcsFuse bucket ${JSON.stringify(bucket)}`, factory(() => WeightSource.gcsFuse(bucket)), { error: 'CS-IN-027', at: 'WeightSource.gcsFuse' });
  add('k8s values', `mountpointS3 bucket ${JSON.stringify(bucket)}`, factory(() => WeightSource.mountpointS3(bucket)), { error: 'CS-IN-027', at: 'WeightSource.mountpointS3' });
}
for (const [name, o] of [['fs id', { fileSystemId: 'fs-1' }], ['perms 800', { fileSystemId: 'fs-0123456789abcdef0', directoryPerms: '800' }],
  ['perms 0999', { fileSystemId: 'fs-0123456789abcdef0', directoryPerms: '0999' }], ['empty id', { fileSystemId: '' }]] as Array<[string, any]>) {
  add('k8s values', `EFS ${name}`, factory(() => SharedVolume.efs(o)), { error: 'CS-IN-028', at: 'SharedVolume.efs' });
}
for (const [name, o] of [['fs id', { fileSystemId: 'fsx-1' }], ['dnsName', { dnsName: 'not a host' }], ['mountName', { mountName: 'a b' }]] as Array<[string, any]>) {
  add('k8s values', `FSx ${name}`, factory(() => WeightSource.fsxLustre({ fileSystemId: 'fs-0123456789abcdef0', dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountName: 'abcdefgh', ...o })),
    { error: 'CS-IN-028', at: 'WeightSource.fsxLustre' });
}
for (const t of [0, -1, 1.5, NaN, Infinity]) {
  add('k8s values', `hyperdisk throughput ${t}`, factory(() => WeightSource.hyperdiskMl({ snapshotName: 's', throughputMiBps: t })), { error: 'CS-IN-029', at: 'WeightSource.hyperdiskMl' });
}
for (const t of [1, 399, 1_200_001, 2 ** 31]) {
  add('k8s values', `hyperdisk throughput ${t} (outside 400 to 1,200,000 MiB/s)`, factory(() => WeightSource.hyperdiskMl({ snapshotName: 's', throughputMiBps: t })), { error: 'CS-IN-087', at: 'WeightSource.hyperdiskMl' });
}
for (const t of [400, 1_200_000]) {
  add('k8s values', `hyperdisk throughput ${t}`, model(() => ({ profile: gke(), weights: WeightSource.hyperdiskMl({ snapshotName: 's', throughputMiBps: t }) })), {
    accepted: 'the bounds of one Hyperdisk ML volume',
    check: m => expect(m.find(o => o.kind === 'StorageClass').parameters['provisioned-throughput-on-create']).toBe(`${t}Mi`),
  });
}
for (const [scale, max, id] of [[2, 1, 'CS-IN-086'], [5, 4, 'CS-IN-086'], [2 ** 31, 1, 'CS-IN-086']] as Array<[number, number, string]>) {
  add('k8s values', `Knative initialScale ${scale} with maxReplicas ${max}`, model(() => ({ backend: Backend.kserveKnative({ initialScale: scale }), scaling: { minReplicas: 0, maxReplicas: max } })),
    { error: id, at: scale > 2 ** 31 - 1 ? 'Backend.kserveKnative' : M });
}
add('k8s values', 'Knative initialScale at maxReplicas', model(() => ({ backend: Backend.kserveKnative({ initialScale: 2 }), scaling: { minReplicas: 0, maxReplicas: 2 } })), {
  accepted: 'the revision can reach it',
  check: m => expect(m.find(o => o.kind === 'InferenceService').metadata.annotations['autoscaling.knative.dev/initial-scale']).toBe('2'),
});
for (const uri of ['http://x/m', 's3://', 's3:///x', 'S3://b/p', 'models/qwen', 's3://b/p\n', 's3://b p/q', 'gs://', 'oci://x']) {
  add('k8s values', `object storage URI ${JSON.stringify(uri)}`, factory(() => WeightSource.objectStorage(uri)), { error: 'CS-IN-017', at: 'WeightSource.objectStorage' });
}
for (const uri of ['not-a-uri', '', 'gs://', '://x']) {
  add('k8s values', `LocalModelCache URI ${JSON.stringify(uri)}`, factory(() => WeightSource.localModelCache(uri, { nodeGroup: CacheNodeGroup.existing('g') })), { error: 'CS-IN-017', at: 'WeightSource.localModelCache' });
}
add('k8s values', 'endpoint without scheme', factory(() => WeightSource.objectStorage('s3://models/q', { endpoint: 'minio.local' })), { error: 'CS-IN-017', at: 'WeightSource.objectStorage' });
add('k8s values', 'S3 option with gs://', factory(() => WeightSource.objectStorage('gs://models/q', { endpoint: 'https://minio.local' })), { error: 'CS-IN-025', at: 'WeightSource.objectStorage' });
add('k8s values', 'sourceModelUri that does not cover the storage URI', factory(() => WeightSource.localModelCache('gs://m/qwen', { nodeGroup: CacheNodeGroup.existing('g'), sourceModelUri: 'gs://m/other' })),
  { error: 'CS-IN-012', at: 'WeightSource.localModelCache' });
for (const image of ['vllm/vllm-openai:latest', 'vllm/vllm-openai@sha256:abc', '', 'oci://oci://r/x' + DIGEST, 'vllm/vllm-openai' + DIGEST.toUpperCase(), ' ' + IMG]) {
  add('k8s values', `engine image ${JSON.stringify(image.slice(0, 40))}`, factory(() => vllm({ image })), { error: 'CS-IMG-001', at: 'Engine.vllm' });
  add('k8s values', `modelcar ${JSON.stringify(image.slice(0, 40))}`, factory(() => WeightSource.modelcar(image)), { error: 'CS-IMG-001', at: 'WeightSource.modelcar' });
}
add('k8s values', 'sleep proxy not pinned', model(() => ({ weights: WeightSource.existingClaim('w'), backend: Backend.deployment(), runtime: { sleepMode: { proxyImage: 'nginx:1.27' } } })), { error: 'CS-IMG-001', at: M });
for (const route of ['relative', '/sleep', '/wake_up', '/a b', '/*', '/a/../sleep', '/v1/load_lora_adapter', '/x;', '/$x', '', '//sleep']) {
  add('k8s values', `sleep extraRoutes ${JSON.stringify(route)}`,
    model(() => ({ weights: WeightSource.existingClaim('w'), backend: Backend.deployment(), runtime: { sleepMode: { proxyImage: PROXY, extraRoutes: [route] } } })), { error: 'CS-IN-062', at: M });
}
for (const snap of ['snap-1', 'snap-xyz', '', 'snap-0123456789abcdef', 'vol-01234567']) {
  add('k8s values', `EBS snapshot id ${JSON.stringify(snap)}`, model(() => ({
    profile: eks(),
    capacity: { eks: { nodePool: { instanceTypes: ['g6.xlarge'], nodeRole: 'KarpenterNodeRole', selectorTags: { 'karpenter.sh/discovery': 'c' } } } },
    imagePull: { eks: { dataVolumeSnapshotId: snap } },
  })), { error: 'CS-IN-038', at: M });
}
const pool = (o: any = {}) => ({ profile: eks(), capacity: { eks: { nodePool: { instanceTypes: ['g6.xlarge'], nodeRole: 'KarpenterNodeRole', selectorTags: { 'karpenter.sh/discovery': 'c' }, ...o } } } });
for (const [name, o] of [['no instance types', { instanceTypes: [] }], ['no node role', { nodeRole: '' }], ['no selector tags', { selectorTags: {} }],
  ['bad AMI alias', { amiAlias: 'ubuntu' }], ['empty capacity types', { capacityTypes: [] }]] as Array<[string, any]>) {
  add('k8s values', `Karpenter ${name}`, model(() => pool(o)), { error: 'CS-IN-041', at: M });
}
for (const [name, d] of [['NaN', Duration.seconds(NaN)], ['a number', 30]] as Array<[string, any]>) {
  add('k8s values', `Karpenter consolidateAfter ${name}`, model(() => pool({ consolidateAfter: d })), { error: 'CS-IN-057', at: M });
}
add('k8s values', 'Karpenter spot and on-demand', model(() => pool({ capacityTypes: [KarpenterCapacityType.SPOT, KarpenterCapacityType.ON_DEMAND] })), { accepted: 'both capacity types are valid Karpenter values' });
for (const n of [0, 33, 1.5, NaN]) {
  add('k8s values', `queued provisioning count ${n}`, model(() => ({ profile: gke(), capacity: { gke: { queuedProvisioning: { count: n } } } })), { error: 'CS-IN-039', at: M });
}
for (const [name, wb, id] of [['0 replicas', { replicas: 0 }, 'CS-IN-045'], ['-1 replicas', { replicas: -1 }, 'CS-IN-045'], ['priority -11', { priority: -11 }, 'CS-IN-036'],
  ['priority at the model\'s', { priority: 1_000_000_000 }, 'CS-IN-036'], ['CapacityBuffer on generic', { mode: WarmBufferMode.CAPACITY_BUFFER }, 'CS-IN-034'],
  ['another GPU shape', { gpu: { count: 2 } }, 'CS-IN-035'], ['image not pinned', { image: 'registry.k8s.io/pause:3.10' }, 'CS-IMG-001']] as Array<[string, any, string]>) {
  add('k8s values', `warm buffer ${name}`, model(() => ({ capacity: { warmBuffer: { enabled: true, ...wb } } })), { error: id, at: M });
}
for (const [name, o] of [['port 0', { interceptorPort: 0 }], ['port 70000', { interceptorPort: 70000 }], ['host *', { hosts: ['*'] }], ['host with a space', { hosts: ['a b'] }],
  ['concurrency 0', { targetConcurrency: 0 }], ['namespace Bad_NS', { namespace: 'Bad_NS' }], ['cluster domain', { clusterDomain: 'a..b' }], ['scaler port 1.5', { scalerPort: 1.5 }]] as Array<[string, any]>) {
  add('k8s values', `KEDA add-on ${name}`, factory(() => DeploymentAutoscaler.kedaHttpAddOn(o)), { error: 'CS-IN-060', at: 'DeploymentAutoscaler.kedaHttpAddOn' });
}
// Scheduled pre-warm: what no autoscaler carries, what changes nothing, and what is not a schedule.
const office = (o: any) => PreWarmSchedule.daily({ timeZone: 'Europe/Paris', start: '08:00', end: '18:00', ...o });
const CLAIM_W = WeightSource.existingClaim('w');
for (const [name, props, id] of [
  ['replicas on Knative', () => ({ scaling: { minReplicas: 1, maxReplicas: 2, preWarm: office({ replicas: 2 }) } }), 'CS-IN-067'],
  ['replicas on KServe Standard', () => ({ backend: Backend.kserveStandard(), scaling: { minReplicas: 1, maxReplicas: 2, preWarm: office({ replicas: 2 }) } }), 'CS-IN-067'],
  ['replicas on a Deployment without autoscaler', () => ({ weights: CLAIM_W, backend: Backend.deployment(), scaling: { minReplicas: 1, maxReplicas: 1, preWarm: office({ replicas: 2 }) } }), 'CS-IN-067'],
  ['replicas above maxReplicas', () => ({ weights: CLAIM_W, backend: Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn() }), scaling: { minReplicas: 0, maxReplicas: 1, preWarm: office({ replicas: 2 }) } }), 'CS-IN-066'],
  ['warmNodes at the standing buffer', () => ({ capacity: { warmBuffer: { enabled: true, replicas: 2 } }, scaling: { preWarm: office({ warmNodes: 2 }) } }), 'CS-IN-066'],
  ['warmNodes on a CapacityBuffer', () => ({ profile: gke(), capacity: { warmBuffer: { enabled: true, mode: WarmBufferMode.CAPACITY_BUFFER } }, scaling: { preWarm: office({ warmNodes: 2 }) } }), 'CS-IN-067'],
  ['preWarm a string', () => ({ scaling: { preWarm: 'weekdays' as any } }), 'CS-IN-065'],
] as Array<[string, () => any, string]>) {
  add('k8s values', `pre-warm ${name}`, model(props), { error: id, at: M });
}
add('k8s values', 'pre-warm warmNodes on Knative', model(() => ({ scaling: { preWarm: office({ warmNodes: 1 }) } })), { accepted: 'a held GPU node works with every backend' });
for (const [name, call, at] of [
  ['daily(null)', () => PreWarmSchedule.daily(null as any), 'PreWarmSchedule.daily'],
  ['daily days a string', () => office({ days: 'mon-fri', replicas: 1 }), 'PreWarmSchedule.daily'],
  ['cron windows a string', () => PreWarmSchedule.cron({ timeZone: 'UTC', windows: 'x' as any }), 'PreWarmSchedule.cron'],
  ['cron window null', () => PreWarmSchedule.cron({ timeZone: 'UTC', windows: [null as any] }), 'PreWarmSchedule.cron'],
  ['cron start a number', () => PreWarmSchedule.cron({ timeZone: 'UTC', windows: [{ start: 8 as any, end: '0 18 * * *', replicas: 1 }] }), 'PreWarmSchedule.cron'],
  ['daily timeZone a number', () => office({ timeZone: 1, replicas: 1 }), 'PreWarmSchedule.daily'],
] as Array<[string, () => unknown, string]>) {
  add('jsii', `PreWarmSchedule.${name}`, factory(call), { error: 'CS-IN-065', at });
}

// What sits under the weight path, the "before" setup and the layer count: refused with the factory or the model's path.
for (const [name, s] of [['0', Size.gibibytes(0)], ['NaN', Size.gibibytes(NaN)], ['Infinity', Size.gibibytes(Infinity)], ['a string', '500Gi' as any], ['null', null as any]] as Array<[string, Size]>) {
  add('k8s values', `WeightStorage.persistentDisk size ${name}`, factory(() => WeightStorage.persistentDisk(PersistentDiskType.SSD, s)), { error: 'CS-IN-084', at: 'WeightStorage.persistentDisk' });
  add('k8s values', `WeightStorage.ebsVolume size ${name}`, factory(() => WeightStorage.ebsVolume(EbsVolumeType.GP3, s)), { error: 'CS-IN-084', at: 'WeightStorage.ebsVolume' });
  add('k8s values', `WeightStorage.ebsVolume throughput ${name}`, factory(() => WeightStorage.ebsVolume(EbsVolumeType.IO2, Size.gibibytes(100), s ?? Size.gibibytes(0))), { error: 'CS-IN-084', at: 'WeightStorage.ebsVolume' });
  add('k8s values', `WeightStorage.measured rate ${name}`, factory(() => WeightStorage.measured(StorageMedium.BLOCK_DISK, s)), { error: 'CS-IN-084', at: 'WeightStorage.measured' });
}
add('jsii', 'WeightStorage.persistentDisk an unknown type', factory(() => WeightStorage.persistentDisk('pd-extreme' as PersistentDiskType, Size.gibibytes(100))), { error: 'CS-IN-084', at: 'WeightStorage.persistentDisk' });
add('jsii', 'WeightStorage.ebsVolume an unknown type', factory(() => WeightStorage.ebsVolume('st1' as EbsVolumeType, Size.gibibytes(100))), { error: 'CS-IN-084', at: 'WeightStorage.ebsVolume' });
add('k8s values', 'WeightStorage.ebsVolume gp2 with a throughput', factory(() => WeightStorage.ebsVolume(EbsVolumeType.GP2, Size.gibibytes(100), Size.mebibytes(250))), { error: 'CS-IN-084', at: 'WeightStorage.ebsVolume' });
add('k8s values', 'WeightStorage.ebsVolume io2 without a throughput', factory(() => WeightStorage.ebsVolume(EbsVolumeType.IO2, Size.gibibytes(100))), { error: 'CS-IN-084', at: 'WeightStorage.ebsVolume' });
add('jsii', 'WeightStorage.measured an unknown medium', factory(() => WeightStorage.measured('tape' as StorageMedium, Size.mebibytes(100))), { error: 'CS-IN-084', at: 'WeightStorage.measured' });
for (const [name, estimate] of [
  ['estimate.storage a plain object', { storage: { medium: StorageMedium.BLOCK_DISK, _link: [1, 1, 1] } as any }],
  ['estimate.storage a string', { storage: 'pd-ssd' as any }],
  ['estimate.before an unknown setup', { before: 'yesterday' as BeforeSetup }],
  ['estimate.before a number', { before: 1 as any }],
  ['estimate.layers 0', { layers: 0 }],
  ['estimate.layers a fraction', { layers: 32.5 }],
  ['estimate.layers NaN', { layers: NaN }],
  ['estimate.layers Infinity', { layers: Infinity }],
  ['estimate.layers a string', { layers: '32' as any }],
  ['estimate.layers above 1000', { layers: 5000 }],
] as Array<[string, any]>) {
  add('k8s values', name, model(() => ({ estimate })), { error: 'CS-IN-085', at: M });
}

// Streamer options that are not an options object (jsii callers): refused, never read as the defaults.
for (const [name, streamer] of [['a string', 'fast'], ['a list', [16]], ['a number', 16]] as Array<[string, any]>) {
  add('jsii', `WeightLoader.shardedState streamer ${name}`, factory(() => WeightLoader.shardedState({ streamer })), { error: 'CS-IN-005', at: 'WeightLoader.shardedState' });
  add('jsii', `objectStorage streamer ${name}`, factory(() => WeightSource.objectStorage('s3://models/llama', { streamer })), { error: 'CS-IN-005', at: 'WeightSource.objectStorage' });
}
add('jsii', 'objectStorage streamer null (the defaults)', model(() => ({ weights: WeightSource.objectStorage('s3://models/llama', { streamer: null as any }) })), { accepted: 'null is how a jsii caller leaves an optional struct out' });

// cdk8s refuses a negative Duration itself; NaN and a non-Duration reach the check.
add('k8s values', 'estimate nodeProvisioning NaN', model(() => ({ estimate: { nodeProvisioning: Duration.seconds(NaN) } })), { error: 'CS-IN-071', at: M });
add('k8s values', 'estimate nodeProvisioning a number', model(() => ({ estimate: { nodeProvisioning: 30 as any } })), { error: 'CS-IN-071', at: M });
add('k8s values', 'estimate bandwidth twice', model(() => ({
  estimate: {
    bandwidths: [100, 200].map(mib => ({ path: WeightPath.OCI_MODELCAR, perSecond: Size.mebibytes(mib) })),
  },
})), { error: 'CS-IN-072', at: M });
for (const [name, p] of [['0', 0], ['NaN', NaN], ['-1', -1], ['Infinity', Infinity]] as Array<[string, number]>) {
  add('k8s values', `ModelSize.fromParameters ${name}`, factory(() => ModelSize.fromParameters(p, Precision.BF16)), { error: 'CS-IN-048', at: 'ModelSize.fromParameters' });
}
add('k8s values', 'ModelSize precision not a Precision', factory(() => ModelSize.fromParameters(1e9, 'float' as any)), { error: 'CS-IN-048', at: 'ModelSize.fromParameters' });
add('k8s values', 'a cache smaller than the model', model(() => ({
  size: ModelSize.of(Size.gibibytes(200)),
  gpu: { count: 8, nodeSelector: { a: 'b' } },
  weights: WeightSource.localModelCache('gs://m/q', { nodeGroup: nvme({ nodeSelector: { a: 'b' } }) }),
})),
{ error: 'CS-IN-016', at: M });
add('k8s values', 'RWO cache claim with 2 replicas', model(() => ({ runtime: { cache: CacheStorage.persistentVolumeClaim({ accessMode: CacheAccessMode.READ_WRITE_ONCE }) }, scaling: { minReplicas: 0, maxReplicas: 2 } })),
  { error: 'CS-IN-008', at: M });
add('k8s values', 'RWO shared weights volume', factory(() => SharedVolume.newClaim({ accessMode: CacheAccessMode.READ_WRITE_ONCE })), { error: 'CS-IN-013', at: 'SharedVolume.newClaim' });
add('k8s values', 'GKE weights on EKS', model(() => ({ profile: eks(), weights: WeightSource.gcsFuse('bucket') })), { error: 'CS-IN-014', at: M });
add('k8s values', 'EKS capacity on GKE', model(() => ({ ...pool(), profile: gke() })), { error: 'CS-IN-014', at: M });
add('k8s values', 'imagePull.gke without a ComputeClass', model(() => ({ profile: gke(), imagePull: { gke: { imageStreaming: true } } })), { error: 'CS-IN-032', at: M });
add('k8s values', 'ebsSnapshot without a NodePool', model(() => ({ profile: eks(), weights: WeightSource.ebsSnapshot(SNAP) })), { error: 'CS-IN-090', at: M });
add('k8s values', 'ebsSnapshot outside EKS', model(() => ({ profile: gke(), weights: WeightSource.ebsSnapshot(SNAP) })), { error: 'CS-IN-014', at: M });
for (const amiAlias of ['al2023@latest', 'bottlerocket@v1.33.9', 'bottlerocket@stable']) {
  add('k8s values', `ebsSnapshot on amiAlias ${amiAlias}`, model(() => ({
    profile: eks(), capacity: { eks: { nodePool: { instanceTypes: ['g6.xlarge'], nodeRole: 'r', selectorTags: { a: 'b' }, amiAlias } } }, weights: WeightSource.ebsSnapshot(SNAP),
  })), { error: 'CS-IN-090', at: M });
}
add('k8s values', 'ebsSnapshot size below the model', model(() => ({
  profile: eks(), capacity: { eks: { nodePool: { instanceTypes: ['g6.xlarge'], nodeRole: 'r', selectorTags: { a: 'b' } } } }, weights: WeightSource.ebsSnapshot(SNAP, { size: Size.mebibytes(10) }),
})), { error: 'CS-IN-089', at: M });
add('k8s values', 'imagePull.eks without a NodePool', model(() => ({ profile: eks(), imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0' } } })), { error: 'CS-IN-033', at: M });
add('k8s values', 'ComputeClass rule without GPU type', model(() => ({ profile: gke(), capacity: { gke: { computeClass: { priorities: [{ gpuType: '' }] } } } })), { error: 'CS-IN-037', at: M });
add('k8s values', 'ComputeClass machineFamily and machineType', model(() => ({ profile: gke(), capacity: { gke: { computeClass: { priorities: [{ gpuType: 'nvidia-l4', machineFamily: 'g2', machineType: 'g2-standard-8' }] } } } })),
  { error: 'CS-IN-042', at: M });
add('k8s values', 'ComputeClass rule with fewer GPUs than a replica', model(() => ({ profile: gke(), gpu: { count: 2, nodeSelector: { a: 'b' } }, capacity: { gke: { computeClass: { priorities: [{ gpuType: 'nvidia-l4', gpuCount: 1 }] } } } })),
  { error: 'CS-IN-046', at: M });
add('k8s values', 'secondary boot disk image name', model(() => ({ profile: gke(), capacity: { gke: { computeClass: { gpuType: 'nvidia-l4' } } }, imagePull: { gke: { secondaryBootDisks: [{ diskImageName: 'Bad Name' }] } } })),
  { error: 'CS-IN-040', at: M });
add('k8s values', 'Deployment backend with a modelcar', model(() => ({ backend: Backend.deployment() })), { error: 'CS-IN-050', at: M });
add('k8s values', 'Deployment backend floor 0', model(() => ({ weights: WeightSource.existingClaim('w'), backend: Backend.deployment(), scaling: { minReplicas: 0, maxReplicas: 1 } })), { error: 'CS-IN-053', at: M });
add('k8s values', 'Deployment backend max above floor', model(() => ({ weights: WeightSource.existingClaim('w'), backend: Backend.deployment(), scaling: { minReplicas: 1, maxReplicas: 3 } })), { error: 'CS-IN-054', at: M });

// Every string prop with the same bad strings: blank, a kubelet reference, a newline, 300 characters.
const BAD_STRINGS: Array<[string, string]> = [['empty', ''], ['blank', ' '], ['$(X)', '$(X)'], ['a newline', 'a\nb'], ['300 characters', 'x'.repeat(300)]];
const STRING_PROPS: Array<[string, (v: string) => () => Result, string, string]> = [
  ['model name', v => model(() => ({ name: v })), 'CS-IN-001', M],
  ['weights claim', v => factory(() => WeightSource.existingClaim(v)), 'CS-IN-021', 'WeightSource.existingClaim'],
  ['cache claim', v => factory(() => CacheStorage.existingClaim(v)), 'CS-IN-021', 'CacheStorage.existingClaim'],
  ['cache node group', v => factory(() => CacheNodeGroup.existing(v)), 'CS-IN-021', 'CacheNodeGroup.existing'],
  ['workload identity', v => factory(() => ObjectStorageCredentials.workloadIdentity(v)), 'CS-IN-021', 'ObjectStorageCredentials.workloadIdentity'],
  ['object storage Secret', v => factory(() => ObjectStorageCredentials.fromSecret({ secretName: v })), 'CS-IN-022', 'ObjectStorageCredentials.fromSecret'],
  ['hostPath', v => factory(() => WeightSource.hostPathCache(REPO, { hostPath: v })), 'CS-IN-019', 'WeightSource.hostPathCache'],
  ['NVMe path', v => factory(() => nvme({ path: v })), 'CS-IN-019', 'CacheNodeGroup.localNvme'],
  ['GCS bucket', v => factory(() => WeightSource.gcsFuse(v)), 'CS-IN-027', 'WeightSource.gcsFuse'],
  ['S3 bucket', v => factory(() => WeightSource.mountpointS3(v)), 'CS-IN-027', 'WeightSource.mountpointS3'],
  ['object storage URI', v => factory(() => WeightSource.objectStorage(v)), 'CS-IN-017', 'WeightSource.objectStorage'],
  ['LocalModelCache URI', v => factory(() => WeightSource.localModelCache(v, { nodeGroup: CacheNodeGroup.existing('g') })), 'CS-IN-017', 'WeightSource.localModelCache'],
  ['repository id', v => factory(() => WeightSource.prefetch({ repoId: v })), 'CS-IN-018', 'WeightSource.prefetch'],
  ['engine image', v => factory(() => vllm({ image: v })), 'CS-IMG-001', 'Engine.vllm'],
  ['modelcar image', v => factory(() => WeightSource.modelcar(v)), 'CS-IMG-001', 'WeightSource.modelcar'],
  ['GPU resource name', v => model(() => ({ gpu: { count: 1, resourceName: v, nodeSelector: { a: 'b' } } })), 'CS-IN-058', M],
  ['region', v => factory(() => Cloud.gke({ region: v })), 'CS-IN-026', 'Cloud.gke'],
  ['Hyperdisk snapshot', v => factory(() => WeightSource.hyperdiskMl({ snapshotName: v })), 'CS-IN-021', 'WeightSource.hyperdiskMl'],
  ['EBS weights snapshot', v => factory(() => WeightSource.ebsSnapshot(v)), 'CS-IN-089', 'WeightSource.ebsSnapshot'],
  ['LocalModelCache name', v => factory(() => WeightSource.localModelCache('gs://m/q', { nodeGroup: CacheNodeGroup.existing('g'), cacheName: v })), 'CS-IN-021', 'WeightSource.localModelCache'],
  ['extraEnv name', v => factory(() => vllm({ extraEnv: { [v]: 'x' } })), 'CS-IN-058', 'Engine.vllm'],
  ['sleep route', v => model(() => ({ weights: WeightSource.existingClaim('w'), backend: Backend.deployment(), runtime: { sleepMode: { proxyImage: PROXY, extraRoutes: [v] } } })), 'CS-IN-062', M],
  ['KEDA host', v => factory(() => DeploymentAutoscaler.kedaHttpAddOn({ hosts: [v] })), 'CS-IN-060', 'DeploymentAutoscaler.kedaHttpAddOn'],
  ['pre-warm time zone', v => factory(() => PreWarmSchedule.daily({ timeZone: v, start: '08:00', end: '18:00', replicas: 1 })), 'CS-IN-065', 'PreWarmSchedule.daily'],
  ['pre-warm cron start', v => factory(() => PreWarmSchedule.cron({ timeZone: 'UTC', windows: [{ start: v, end: '0 18 * * *', replicas: 1 }] })), 'CS-IN-065', 'PreWarmSchedule.cron'],
];
for (const [prop, build, id, at] of STRING_PROPS) {
  for (const [how, v] of BAD_STRINGS) {
    // IsEnvVarName has no length limit (apimachinery validation.go).
    if (prop === 'extraEnv name' && how === '300 characters') add('strings', `${prop}: ${how}`, model(() => ({ engine: vllm({ extraEnv: { [v]: 'x' } }) })), { accepted: 'an env var name has no length limit' });
    else add('strings', `${prop}: ${how}`, build(v), { error: id, at });
  }
}

// Every numeric prop with the numbers that are never valid for it: not finite, not an integer where it counts, out of range, a string.
const BAD_NUMBERS: Array<[string, any]> = [['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-1', -1], ['1.5', 1.5], ['0', 0], ['a string', '1'], ['1e12', 1e12]];
const NUMERIC_PROPS: Array<[string, (v: any) => () => Result, string, string, string[], Record<string, string>?]> = [
  // prop, builder, id, where, the values above that are valid for it, the values refused with another id
  ['gpu.count', v => model(() => ({ gpu: { count: v, nodeSelector: { a: 'b' } } })), 'CS-IN-002', M, ['1e12']],
  ['capacity.priority', v => model(() => ({ capacity: { priority: v } })), 'CS-IN-004', M, ['0']],
  ['scaling.minReplicas', v => model(() => ({ scaling: { minReplicas: v, maxReplicas: 1 } })), 'CS-IN-007', M, ['0']],
  ['scaling.maxReplicas', v => model(() => ({ scaling: { minReplicas: 0, maxReplicas: v } })), 'CS-IN-007', M, []],
  ['streamer concurrency', v => factory(() => WeightSource.modelcar(MODELCAR, { streamer: { concurrency: v } })), 'CS-IN-005', 'WeightSource.modelcar', []],
  // Knative's autoscaler reads initial-scale as an int32 and ignores what it cannot parse; Compute Engine provisions at most 1,200,000 MiB/s.
  ['Knative initialScale', v => factory(() => Backend.kserveKnative({ initialScale: v })), 'CS-IN-051', 'Backend.kserveKnative', ['0'], { '1e12': 'CS-IN-086' }],
  ['Hyperdisk throughput', v => factory(() => WeightSource.hyperdiskMl({ snapshotName: 's', throughputMiBps: v })), 'CS-IN-029', 'WeightSource.hyperdiskMl', [], { '1e12': 'CS-IN-087' }],
  ['EBS weights throughput', v => factory(() => WeightSource.ebsSnapshot(SNAP, { throughputMiBps: v })), 'CS-IN-089', 'WeightSource.ebsSnapshot', []],
  ['EBS weights IOPS', v => factory(() => WeightSource.ebsSnapshot(SNAP, { iops: v })), 'CS-IN-089', 'WeightSource.ebsSnapshot', []],
  ['EBS weights initialization rate', v => factory(() => WeightSource.ebsSnapshot(SNAP, { initializationRateMiBps: v })), 'CS-IN-089', 'WeightSource.ebsSnapshot', []],
  ['queued provisioning count', v => model(() => ({ profile: gke(), capacity: { gke: { queuedProvisioning: { count: v } } } })), 'CS-IN-039', M, []],
  ['warm buffer replicas', v => model(() => ({ capacity: { warmBuffer: { enabled: true, replicas: v } } })), 'CS-IN-045', M, []],
  ['warm buffer priority', v => model(() => ({ capacity: { priority: 100, warmBuffer: { enabled: true, priority: v } } })), 'CS-IN-036', M, ['-1', '0']],
  ['KEDA interceptorPort', v => factory(() => DeploymentAutoscaler.kedaHttpAddOn({ interceptorPort: v })), 'CS-IN-060', 'DeploymentAutoscaler.kedaHttpAddOn', []],
  ['KEDA scalerPort', v => factory(() => DeploymentAutoscaler.kedaHttpAddOn({ scalerPort: v })), 'CS-IN-060', 'DeploymentAutoscaler.kedaHttpAddOn', []],
  ['KEDA targetConcurrency', v => factory(() => DeploymentAutoscaler.kedaHttpAddOn({ targetConcurrency: v })), 'CS-IN-060', 'DeploymentAutoscaler.kedaHttpAddOn', []],
  ['GCS FUSE sidecarCpuLimit', v => factory(() => WeightSource.gcsFuse('bucket', { sidecarCpuLimit: v })), 'CS-IN-009', 'WeightSource.gcsFuse', ['1.5', '1e12']],
  ['pre-warm replicas', v => factory(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:00', end: '18:00', replicas: v })), 'CS-IN-066', 'PreWarmSchedule.daily', []],
  ['pre-warm warmNodes', v => factory(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:00', end: '18:00', warmNodes: v })), 'CS-IN-066', 'PreWarmSchedule.daily', []],
];
for (const [prop, build, id, at, valid, other] of NUMERIC_PROPS) {
  for (const [how, v] of BAD_NUMBERS) {
    if (valid.includes(how)) continue;
    add('numbers', `${prop}: ${how}`, build(v), { error: other?.[how] ?? id, at });
  }
}

// ---------------------------------------------------------------------------
// 6. Callers that are not TypeScript: null and mistyped values.

const base = () => baseProps();
for (const [name, props] of [['props null', () => null], ['props a string', () => 'qwen'], ['props a number', () => 7]] as Array<[string, () => any]>) {
  add('jsii', name, rawModel(props), { error: 'CS-IN-059', at: M });
}
for (const key of ['servedModelName', 'weights', 'engine', 'size', 'gpu'] as const) {
  for (const [how, v] of [['null', null], ['undefined', undefined], ['a number', 42], ['an empty object', {}], ['a list', []]] as Array<[string, any]>) {
    if (key === 'servedModelName' && how === 'an empty object') continue;
    // The served name and the GPU options are judged by their own checks (CS-IN-020, CS-IN-002 for a missing count).
    const id = key === 'servedModelName' ? 'CS-IN-020' : key === 'gpu' && (how === 'an empty object' || how === 'a list') ? 'CS-IN-002' : 'CS-IN-059';
    add('jsii', `${key} ${how}`, rawModel(() => ({ ...base(), [key]: v })), { error: id, at: M });
  }
}
const SPECIFIC: Record<string, string> = {
  'Engine.vllm({ image: null })': 'CS-IMG-001',
  'Engine.vllm({ image: 42 })': 'CS-IMG-001',
  'WeightSource.modelcar(null)': 'CS-IMG-001',
  'WeightSource.existingClaim(null)': 'CS-IN-021',
  'WeightSource.objectStorage(null)': 'CS-IN-017',
  'WeightSource.objectStorage(42)': 'CS-IN-017',
  'WeightSource.huggingFace(null, ...)': 'CS-IN-018',
  'WeightSource.huggingFace({ repoId: null })': 'CS-IN-018',
  'WeightSource.localModelCache(null, ...)': 'CS-IN-017',
  'WeightSource.hostPathCache(null)': 'CS-IN-018',
  'WeightSource.prefetch(null)': 'CS-IN-018',
  'WeightSource.gcsFuse(null)': 'CS-IN-027',
  'WeightSource.mountpointS3(null)': 'CS-IN-027',
  'WeightSource.hyperdiskMl({ snapshotName: null })': 'CS-IN-021',
  'WeightSource.fsxLustre({})': 'CS-IN-028',
  'WeightSource.ebsSnapshot(null)': 'CS-IN-089',
  'WeightSource.ebsSnapshot(id, "fast")': 'CS-IN-089',
  'WeightSource.ebsSnapshot(id, { fastSnapshotRestore: "true" })': 'CS-IN-089',
  'SharedVolume.existingClaim(name, null)': 'CS-IN-013',
  'SharedVolume.existingClaim(null, ...)': 'CS-IN-021',
  'CacheStorage.existingClaim(null)': 'CS-IN-021',
  'CacheNodeGroup.existing(null)': 'CS-IN-021',
  'CacheNodeGroup.localNvme({ path: null })': 'CS-IN-019',
  'ObjectStorageCredentials.workloadIdentity(null)': 'CS-IN-021',
  'ObjectStorageCredentials.fromSecret({ secretName: null })': 'CS-IN-022',
  'ModelSize.fromParameters(null, BF16)': 'CS-IN-048',
  'ModelSize.fromParameters("1e9", BF16)': 'CS-IN-048',
  'ModelSize.of("1Gi")': 'CS-IN-048',
  'Cloud.gke({ region: 42 })': 'CS-IN-026',
  'DeploymentAutoscaler.kedaHttpAddOn({ hosts: "a" })': 'CS-IN-060',
  'Engine.vllm({ extraArgs: [null] })': 'CS-IN-043',
  'Engine.vllm({ extraArgs: [42] })': 'CS-IN-043',
};
for (const [name, call, at] of [
  ['Engine.vllm({ image: null })', () => Engine.vllm({ image: null as any }), 'Engine.vllm'],
  ['Engine.vllm({ image: 42 })', () => Engine.vllm({ image: 42 as any }), 'Engine.vllm'],
  ['WeightSource.modelcar(null)', () => WeightSource.modelcar(null as any), 'WeightSource.modelcar'],
  ['WeightSource.existingClaim(null)', () => WeightSource.existingClaim(null as any), 'WeightSource.existingClaim'],
  ['WeightSource.objectStorage(null)', () => WeightSource.objectStorage(null as any), 'WeightSource.objectStorage'],
  ['WeightSource.objectStorage(42)', () => WeightSource.objectStorage(42 as any), 'WeightSource.objectStorage'],
  ['WeightSource.huggingFace(null, ...)', () => WeightSource.huggingFace(null as any, { volume: SharedVolume.newClaim() }), 'WeightSource.huggingFace'],
  ['WeightSource.huggingFace({ repoId: null })', () => WeightSource.huggingFace({ repoId: null as any }, { volume: SharedVolume.newClaim() }), 'WeightSource.huggingFace'],
  ['WeightSource.huggingFace(repo, null)', () => WeightSource.huggingFace(REPO, null as any), 'WeightSource.huggingFace'],
  ['WeightSource.localModelCache(uri, null)', () => WeightSource.localModelCache('gs://m/q', null as any), 'WeightSource.localModelCache'],
  ['WeightSource.localModelCache(null, ...)', () => WeightSource.localModelCache(null as any, { nodeGroup: CacheNodeGroup.existing('g') }), 'WeightSource.localModelCache'],
  ['WeightSource.hostPathCache(null)', () => WeightSource.hostPathCache(null as any), 'WeightSource.hostPathCache'],
  ['WeightSource.prefetch(null)', () => WeightSource.prefetch(null as any), 'WeightSource.prefetch'],
  ['WeightSource.gcsFuse(null)', () => WeightSource.gcsFuse(null as any), 'WeightSource.gcsFuse'],
  ['WeightSource.mountpointS3(null)', () => WeightSource.mountpointS3(null as any), 'WeightSource.mountpointS3'],
  ['WeightSource.hyperdiskMl({ snapshotName: null })', () => WeightSource.hyperdiskMl({ snapshotName: null as any }), 'WeightSource.hyperdiskMl'],
  ['WeightSource.fsxLustre({})', () => WeightSource.fsxLustre({} as any), 'WeightSource.fsxLustre'],
  ['WeightSource.ebsSnapshot(null)', () => WeightSource.ebsSnapshot(null as any), 'WeightSource.ebsSnapshot'],
  ['WeightSource.ebsSnapshot(id, "fast")', () => WeightSource.ebsSnapshot(SNAP, 'fast' as any), 'WeightSource.ebsSnapshot'],
  ['WeightSource.ebsSnapshot(id, { fastSnapshotRestore: "true" })', () => WeightSource.ebsSnapshot(SNAP, { fastSnapshotRestore: 'true' as any }), 'WeightSource.ebsSnapshot'],
  ['SharedVolume.existingClaim(name, null)', () => SharedVolume.existingClaim('c', null as any), 'SharedVolume.existingClaim'],
  ['SharedVolume.existingClaim(null, ...)', () => SharedVolume.existingClaim(null as any, { accessMode: CacheAccessMode.READ_WRITE_MANY }), 'SharedVolume.existingClaim'],
  ['CacheStorage.existingClaim(null)', () => CacheStorage.existingClaim(null as any), 'CacheStorage.existingClaim'],
  ['CacheNodeGroup.existing(null)', () => CacheNodeGroup.existing(null as any), 'CacheNodeGroup.existing'],
  ['CacheNodeGroup.localNvme({ path: null })', () => CacheNodeGroup.localNvme({ path: null as any, storageLimit: Size.gibibytes(1) }), 'CacheNodeGroup.localNvme'],
  ['ObjectStorageCredentials.workloadIdentity(null)', () => ObjectStorageCredentials.workloadIdentity(null as any), 'ObjectStorageCredentials.workloadIdentity'],
  ['ObjectStorageCredentials.fromSecret({ secretName: null })', () => ObjectStorageCredentials.fromSecret({ secretName: null as any }), 'ObjectStorageCredentials.fromSecret'],
  ['ModelSize.fromParameters(null, BF16)', () => ModelSize.fromParameters(null as any, Precision.BF16), 'ModelSize.fromParameters'],
  ['ModelSize.fromParameters("1e9", BF16)', () => ModelSize.fromParameters('1e9' as any, Precision.BF16), 'ModelSize.fromParameters'],
  ['ModelSize.of("1Gi")', () => ModelSize.of('1Gi' as any), 'ModelSize.of'],
  ['Cloud.gke({ region: 42 })', () => Cloud.gke({ region: 42 as any }), 'Cloud.gke'],
  ['DeploymentAutoscaler.kedaHttpAddOn({ hosts: "a" })', () => DeploymentAutoscaler.kedaHttpAddOn({ hosts: 'a' as any }), 'DeploymentAutoscaler.kedaHttpAddOn'],
  ['Engine.vllm({ extraArgs: [null] })', () => Engine.vllm({ image: VLLM, extraArgs: [null as any] }), 'Engine.vllm'],
  ['Engine.vllm({ extraArgs: [42] })', () => Engine.vllm({ image: VLLM, extraArgs: [42 as any] }), 'Engine.vllm'],
] as Array<[string, () => unknown, string]>) {
  // A null or mistyped argument is judged by the argument's own check where it has one (a name, a URI, a repository id).
  const id = SPECIFIC[name] ?? 'CS-IN-059';
  add('jsii', name, factory(call), { error: id, at });
}
for (const [name, props] of [
  ['huggingFace volume null', () => ({ weights: WeightSource.huggingFace(REPO, { volume: null as any }) })],
  ['localModelCache nodeGroup null', () => ({ weights: WeightSource.localModelCache('gs://m/q', { nodeGroup: null as any }) })],
  ['Knative enabledFeatures a string', () => ({ backend: Backend.kserveKnative({ enabledFeatures: 'x' as any }) })],
] as Array<[string, () => any]>) {
  add('jsii', name, model(props), { error: 'CS-IN-059', at: /volume|nodeGroup/.test(name) ? `WeightSource.${name.split(' ')[0]}` : /Knative/.test(name) ? 'Backend.kserveKnative' : M });
}
add('jsii', 'localNvme storageLimit null', model(() => ({ weights: WeightSource.localModelCache('gs://m/q', { nodeGroup: CacheNodeGroup.localNvme({ path: '/mnt/nvme', storageLimit: null as any }) }) })),
  { error: 'CS-IN-016', at: M });
// An optional prop given null is refused with the fix "leave it out": jsii sends an unset optional as undefined, so null is a plain JavaScript mistake.
for (const [name, props] of [
  ['runtime: null', { runtime: null }], ['capacity: null', { capacity: null }], ['scaling: null', { scaling: null }], ['estimate: null', { estimate: null }],
  ['imagePull: null', { imagePull: null }], ['profile: null', { profile: null }], ['backend: null', { backend: null }], ['name: null', { name: null }],
] as Array<[string, any]>) {
  add('jsii', name, model(props), name === 'name: null' ? { accepted: 'the name is derived from the construct id when unset' } : { error: 'CS-IN-059', at: M });
}
for (const [name, props, id] of [
  ['runtime a string', { runtime: 'fast' }, 'CS-IN-059'],
  ['gpu.count a string', { gpu: { count: '1', nodeSelector: { a: 'b' } } }, 'CS-IN-002'],
  ['gpu.nodeSelector a list', { gpu: { count: 1, nodeSelector: ['a'] } }, 'CS-IN-058'],
  ['scaling.minReplicas a string', { scaling: { minReplicas: '0' } }, 'CS-IN-007'],
  ['capacity.priority a string', { capacity: { priority: '10' } }, 'CS-IN-004'],
  ['runtime.shmSize a string', { runtime: { shmSize: '16Gi' } }, 'CS-SHM-001'],
  ['runtime.memoryLimit a number', { runtime: { memoryLimit: 1024 } }, 'CS-SHM-002'],
  ['estimate.bandwidths a string', { estimate: { bandwidths: 'fast' } }, 'CS-IN-070'],
  ['profile a string', { profile: 'lab' }, 'CS-IN-059'],
  ['backend a string', { backend: 'knative' }, 'CS-IN-059'],
  ['servedModelName an object', { servedModelName: { name: 'q' } }, 'CS-IN-020'],
] as Array<[string, any, string]>) {
  add('jsii', name, model(props), { error: id, at: M });
}

// ---------------------------------------------------------------------------
// 7. Foreign objects for the rule engine.

const server = (extra: any = {}) => ({
  name: 'vllm', image: IMG, command: ['vllm', 'serve', '/m'], args: ['--gpu-memory-utilization=0.6'], ...extra,
});
const deployment = (spec: any, name = 'd') => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { template: { spec } } });
for (const [name, obj] of [
  ['containers: [null]', deployment({ containers: [null] })],
  ['containers: "x"', deployment({ containers: 'x' })],
  ['containers: {}', deployment({ containers: {} })],
  ['a container that is a string', deployment({ containers: ['vllm'] })],
  ['a container that is a number', deployment({ containers: [7] })],
  ['command: 123', deployment({ containers: [server({ command: 123 })] })],
  ['command: [null]', deployment({ containers: [server({ command: [null] })] })],
  ['args: "x"', deployment({ containers: [server({ args: '--port 8000' })] })],
  ['args with null and numbers', deployment({ containers: [server({ args: [null, 5, '--model', '/m'] })] })],
  ['env: {}', deployment({ containers: [server({ env: {} })] })],
  ['env: [null]', deployment({ containers: [server({ env: [null] })] })],
  ['env: [{ value: 1 }]', deployment({ containers: [server({ env: [{ name: 'A', value: 1 }] })] })],
  ['env valueFrom: 3', deployment({ containers: [server({ env: [{ name: 'A', valueFrom: 3 }] })] })],
  ['volumeMounts: {}', deployment({ containers: [server({ volumeMounts: {} })] })],
  ['volumeMounts: [null]', deployment({ containers: [server({ volumeMounts: [null] })] })],
  ['resources: 7', deployment({ containers: [server({ resources: 7 })] })],
  ['resources.limits a list', deployment({ containers: [server({ resources: { limits: ['x'] } })] })],
  ['resources.limits.memory a map', deployment({ containers: [server({ resources: { limits: { memory: { x: 1 } } } })] })],
  ['volumes: "x"', deployment({ containers: [server()], volumes: 'x' })],
  ['volumes: [null]', deployment({ containers: [server()], volumes: [null] })],
  ['initContainers: {}', deployment({ containers: [server()], initContainers: {} })],
  ['startupProbe: "x"', deployment({ containers: [server({ startupProbe: 'x' })] })],
  ['securityContext: []', deployment({ containers: [server({ securityContext: [] })] })],
  ['image: 42', deployment({ containers: [server({ image: 42 })] })],
  ['ports: "8000"', deployment({ containers: [server({ ports: '8000' })] })],
  ['template.spec: 5', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: 5 } } }],
  ['tolerations: "x"', deployment({ containers: [server()], tolerations: 'x' })],
  ['nodeSelector: []', deployment({ containers: [server()], nodeSelector: [] })],
] as Array<[string, any]>) {
  add('rule engine', name, foreign(() => [obj]), { finding: 'CS-WL-002' });
}
const withArgs = (args: any, env: any[] = []) => () => [deployment({ containers: [server({ args, env })] })];
for (const args of [['--gpu-memory-utilization=0.95'], ['--gpu-memory-utilization', '0.95'], ['--gpu_memory_utilization=0.95'], ['--gpu-memory-util=0.95'],
  ['--gpu-memory-utilization=0.5', '--gpu-memory-utilization=0.95'], ['--gpu-memory=0.95']]) {
  add('rule engine', `foreign ${args.join(' ')}`, foreign(withArgs(args)), { finding: 'CS-RT-001' });
}
add('rule engine', 'foreign one element "--chat-template=x --gpu-memory-utilization=0.95"', foreign(withArgs(['--gpu-memory-utilization=0.6', '--chat-template=x --gpu-memory-utilization=0.95'])),
  { accepted: 'one argv element is one flag: vLLM reads a chat template', without: 'CS-RT-001' });
add('rule engine', 'foreign sh -c with 0.95', foreign(() => [deployment({ containers: [server({ command: ['sh', '-c', 'exec vllm serve /m --gpu-memory-utilization 0.95'], args: undefined })] })]),
  { finding: 'CS-RT-001' });
add('rule engine', 'foreign sh -c with the flag quoted inside a value', foreign(() => [deployment({
  containers: [server({ command: ['sh', '-c', 'exec vllm serve /m --gpu-memory-utilization 0.6 --chat-template "--gpu-memory-utilization 0.95"'], args: undefined })],
})]), { accepted: 'a quoted shell word is one argument, the value of --chat-template', without: 'CS-RT-001' });
const DEV = [{ name: 'VLLM_SERVER_DEV_MODE', value: '1' }];
for (const args of [['--host=0.0.0.0'], ['--hos=0.0.0.0'], ['--host', '0.0.0.0'], []]) {
  add('rule engine', `dev mode with ${JSON.stringify(args)}`, foreign(withArgs(['--gpu-memory-utilization=0.6', ...args], DEV)), { finding: 'CS-SLP-001' });
}
for (const [kind, token] of TOKENS) {
  add('rule engine', `${kind} in a foreign env value`, foreign(withArgs(['--gpu-memory-utilization=0.6'], [{ name: 'NOTES', value: token }])), { finding: 'CS-SEC-001' }, [token]);
  add('rule engine', `${kind} in a foreign arg`, foreign(withArgs(['--gpu-memory-utilization=0.6', `--chat-template=${token}`])), { finding: 'CS-SEC-001' }, [token]);
  add('rule engine', `${kind} in a foreign annotation`, foreign(() => [{ ...deployment({ containers: [server()] }), metadata: { name: 'd', annotations: { note: token } } }]),
    { finding: 'CS-SEC-001' }, [token]);
}
add('rule engine', 'foreign --api-key literal', foreign(withArgs(['--gpu-memory-utilization=0.6', '--api-key=opaque-literal'])), { finding: 'CS-SEC-001' }, ['opaque-literal']);
add('rule engine', 'foreign presigned storageUri', foreign(() => [{
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'm' },
  spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: 's3://b/m?X-Amz-Signature=deadbeefcafe' } } },
}]), { finding: 'CS-SEC-001' }, ['deadbeefcafe']);
const secretEnv = [{ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 's3', key: 'secret' } } }];
for (const args of [['--served-model-name=$(AWS_SECRET_ACCESS_KEY)'], ['--served-model-name', 'x-$(AWS_SECRET_ACCESS_KEY)']]) {
  add('rule engine', `foreign ${args.join(' ')}`, foreign(withArgs(['--gpu-memory-utilization=0.6', ...args], secretEnv)), { finding: 'CS-SEC-003' });
}
add('rule engine', 'foreign escaped $$(AWS_SECRET_ACCESS_KEY)', foreign(withArgs(['--gpu-memory-utilization=0.6', '--served-model-name=$$(AWS_SECRET_ACCESS_KEY)'], secretEnv)),
  { accepted: '$$( is the kubelet\'s escape: vLLM receives the literal text', without: 'CS-SEC-003' });
add('rule engine', 'kind: List with a bad item, null and 3', foreign(() => [{ apiVersion: 'v1', kind: 'List', metadata: { name: 'all' }, items: [deployment({ containers: [server({ image: 'vllm/vllm-openai:latest' })] }), null, 3] }]),
  { finding: 'CS-IMG-001' });
add('rule engine', 'a DeploymentList', foreign(() => [{ apiVersion: 'apps/v1', kind: 'DeploymentList', metadata: {}, items: [deployment({ containers: [server({ image: 'vllm/vllm-openai:latest' })] })] }]),
  { finding: 'CS-IMG-001' });
add('rule engine', 'a CronJob', foreign(() => [{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [server({ image: 'vllm/vllm-openai:latest' })] } } } } } }]),
  { finding: 'CS-IMG-001' });
add('rule engine', 'a custom resource', foreign(() => [{ apiVersion: 'example.com/v1', kind: 'ModelServer', metadata: { name: 'x' }, spec: { deep: { pod: { spec: { containers: [server({ image: 'vllm/vllm-openai:latest' })] } } } } }]),
  { finding: 'CS-IMG-001' });
add('rule engine', 'an InferenceService transformer', foreign(() => [{
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'i' },
  spec: { predictor: { model: { modelFormat: { name: 'huggingface' } } }, transformer: { containers: [server({ image: 'vllm/vllm-openai:latest' })] } },
}]), { finding: 'CS-IMG-001' });

// ---------------------------------------------------------------------------
// 7b. Pod templates wherever a workload API keeps them: each is found and judged.

const gpuServer = (extra: any = {}) => server({ resources: { limits: { 'nvidia.com/gpu': '1', 'memory': '30Gi' } }, ...extra });
const template = (spec: any) => ({ metadata: { labels: { app: 'm' } }, spec });
const selector = { matchLabels: { app: 'm' } };
const inferenceService = (components: any) => ({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'i' }, spec: components });
const hfModel = { modelFormat: { name: 'huggingface' }, storageUri: 'pvc://models/qwen' };
const statefulSet = (spec: any) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { serviceName: 's', selector, template: template(spec) } });
const servingRuntime = (kind: string) => (spec: any) => ({ apiVersion: 'serving.kserve.io/v1alpha1', kind, metadata: { name: 'sr' }, spec: { supportedModelFormats: [{ name: 'huggingface' }], ...spec } });
const unnamed = (c: any) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'name'));
const idle = { containers: [{ name: 'idle', image: `registry.k8s.io/pause${DIGEST}` }] };
const LOCATIONS: Array<[string, (spec: any) => any]> = [
  ['a Pod', spec => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec })],
  ['a Deployment', spec => deployment(spec)],
  ['a StatefulSet', statefulSet],
  ['a ReplicaSet', spec => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { selector, template: template(spec) } })],
  ['a DaemonSet', spec => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector, template: template(spec) } })],
  ['a Job', spec => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: template({ restartPolicy: 'Never', ...spec }) } })],
  ['a CronJob jobTemplate', spec => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'cj' },
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: template({ restartPolicy: 'Never', ...spec }) } } },
  })],
  ['a Knative Service (serving.knative.dev)', spec => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'ksvc' }, spec: { template: template(spec) } })],
  ['an Argo Rollout', spec => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'ro' }, spec: { selector, strategy: { canary: {} }, template: template(spec) } })],
  ['a LeaderWorkerSet leaderTemplate', spec => ({
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: { name: 'lws' },
    spec: { leaderWorkerTemplate: { size: 2, leaderTemplate: template(spec), workerTemplate: template(idle) } },
  })],
  ['a LeaderWorkerSet workerTemplate', spec => ({
    apiVersion: 'leaderworkerset.x-k8s.io/v1',
    kind: 'LeaderWorkerSet',
    metadata: { name: 'lws' },
    spec: { leaderWorkerTemplate: { size: 2, leaderTemplate: template(idle), workerTemplate: template(spec) } },
  })],
  ['a KServe ServingRuntime', servingRuntime('ServingRuntime')],
  ['a KServe ClusterServingRuntime', servingRuntime('ClusterServingRuntime')],
  ['an InferenceService predictor', spec => inferenceService({ predictor: spec })],
  // The model is a container without a name: KServe merges it into kserve-container at admission.
  ['an InferenceService predictor.model', ({ containers: [c], ...rest }) => inferenceService({ predictor: { ...rest, model: { ...hfModel, ...unnamed(c) } } })],
  ['an InferenceService predictor workerSpec', spec => inferenceService({ predictor: { model: hfModel, workerSpec: spec } })],
  ['an InferenceService transformer', spec => inferenceService({ predictor: { model: hfModel }, transformer: spec })],
  ['an InferenceService explainer', spec => inferenceService({ predictor: { model: hfModel }, explainer: spec })],
  ['a kind: List item', spec => ({ apiVersion: 'v1', kind: 'List', metadata: { name: 'all' }, items: [deployment(spec)] })],
  ['a StatefulSetList item', spec => ({ apiVersion: 'apps/v1', kind: 'StatefulSetList', metadata: { name: 'sets' }, items: [statefulSet(spec)] })],
  ['an unknown CRD\'s spec.template.spec', spec => ({ apiVersion: 'example.com/v1alpha1', kind: 'ModelDeployment', metadata: { name: 'x' }, spec: { replicas: 1, template: template(spec) } })],
];
const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true, runAsUser: 1000 };
for (const [where, wrap] of LOCATIONS) {
  add('pod templates', `${where}: a vLLM image by tag`, foreign(() => [wrap({ containers: [gpuServer({ image: 'vllm/vllm-openai:v0.11.0' })] })]), { finding: 'CS-IMG-001' });
  add('pod templates', `${where}: a vLLM GPU container without /dev/shm`, foreign(() => [wrap({ containers: [gpuServer()] })]), { finding: 'CS-SHM-001' });
  add('pod templates', `${where}: vLLM with a hostPath on /.`, foreign(() => [wrap({ containers: [server()], volumes: [{ name: 'host', hostPath: { path: '/.' } }] })]), { finding: 'CS-SEC-005' });
  add('pod templates', `${where}: vLLM without a securityContext`, foreign(() => [wrap({ containers: [server()] })]), { finding: 'CS-SEC-004' });
  add('pod templates', `${where}: vLLM locked down, no token`, foreign(() => [wrap({ automountServiceAccountToken: false, containers: [server({ securityContext: RESTRICTED })] })]),
    { accepted: 'restricted settings and no token: the pod is found and passes', without: 'CS-SEC-004' });
}

// ---------------------------------------------------------------------------
// 7c. Pod Security on foreign vLLM pods (CS-SEC-004) and node directories (CS-SEC-005).

const lockedPod = (c: any = {}, pod: any = {}) => () => [deployment({
  automountServiceAccountToken: false,
  containers: [server({ securityContext: { ...RESTRICTED, ...c } })],
  ...pod,
})];
for (const [name, c, pod] of [
  ['allowPrivilegeEscalation unset', { allowPrivilegeEscalation: undefined }, {}],
  ['allowPrivilegeEscalation true', { allowPrivilegeEscalation: true }, {}],
  ['privileged', { allowPrivilegeEscalation: undefined, privileged: true }, {}],
  ['no capabilities dropped', { capabilities: undefined }, {}],
  ['NET_RAW dropped, not ALL', { capabilities: { drop: ['NET_RAW'] } }, {}],
  ['SYS_ADMIN added back', { capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }, {}],
  ['no seccomp profile', { seccompProfile: undefined }, {}],
  ['an Unconfined seccomp profile', { seccompProfile: { type: 'Unconfined' } }, {}],
  ['Unconfined on the container over RuntimeDefault on the pod', { seccompProfile: { type: 'Unconfined' } }, { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }],
  ['no uid and no runAsNonRoot', { runAsNonRoot: undefined, runAsUser: undefined }, {}],
  ['runAsNonRoot false', { runAsNonRoot: false, runAsUser: undefined }, {}],
  ['runAsUser 0', { runAsNonRoot: undefined, runAsUser: 0 }, {}],
  ['runAsUser 0 beside runAsNonRoot', { runAsUser: 0 }, {}],
  ['runAsUser 0 on the pod', { runAsNonRoot: undefined, runAsUser: undefined }, { securityContext: { runAsUser: 0 } }],
  ['the token mounted', {}, { automountServiceAccountToken: true }],
  ['the token left to its default', {}, { automountServiceAccountToken: undefined }],
  ['the token of the default service account', {}, { automountServiceAccountToken: undefined, serviceAccountName: 'default' }],
  ['hostNetwork', {}, { hostNetwork: true }],
  ['hostPID', {}, { hostPID: true }],
  ['hostIPC', {}, { hostIPC: true }],
] as Array<[string, any, any]>) {
  add('pod security', `foreign vLLM pod: ${name}`, foreign(lockedPod(c, pod)), { finding: 'CS-SEC-004' });
}
for (const [name, c, pod, why] of [
  ['every restricted setting', {}, {}, 'the restricted level, no token'],
  ['settings on the pod', { seccompProfile: undefined, runAsNonRoot: undefined, runAsUser: undefined }, { securityContext: { seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 1000 } }, 'pod-level seccomp and uid apply to the container'],
  ['a Localhost seccomp profile', { seccompProfile: { type: 'Localhost', localhostProfile: 'vllm.json' } }, {}, 'restricted accepts a Localhost profile'],
  ['NET_BIND_SERVICE added back', { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }, {}, 'the one capability restricted allows'],
  ['a named service account', {}, { automountServiceAccountToken: undefined, serviceAccountName: 'vllm-s3-reader' }, 'workload identity needs the token'],
] as Array<[string, any, any, string]>) {
  add('pod security', `foreign vLLM pod: ${name}`, foreign(lockedPod(c, pod)), { accepted: why, without: 'CS-SEC-004' });
}
add('pod security', 'foreign non-vLLM pod as root with the token', foreign(() => [deployment({ containers: [{ name: 'web', image: `nginx${DIGEST}` }] })]),
  { accepted: 'CS-SEC-004 judges vLLM servers; other pods are Pod Security Admission\'s', without: 'CS-SEC-004' });
add('pod security', 'foreign modelcar InferenceService without a uid', foreign(() => [inferenceService({
  predictor: { automountServiceAccountToken: false, model: { ...hfModel, storageUri: `oci://registry.example.com/m${DIGEST}`, image: IMG, securityContext: { ...RESTRICTED, runAsNonRoot: undefined, runAsUser: undefined } } },
})]), { accepted: 'KServe sets the modelcar uid (uidModelcar)', without: 'CS-SEC-004' });

const hostPathPod = (path: string, containers: any[] = [server()]) => () => [deployment({ containers, volumes: [{ name: 'host', hostPath: { path } }] })];
for (const path of ['/', '/.', '//', '/./', '//etc/', '/var/../etc', '/mnt/../..', '/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/usr', '/bin', '/lib64',
  '/var/lib/kubelet', '/var/lib/kubelet/pods', '/var/run', '/run/containerd/containerd.sock', '/var', '/var/lib', '/var/log/pods']) {
  add('node paths', `foreign vLLM pod with hostPath ${JSON.stringify(path)}`, foreign(hostPathPod(path)), { finding: 'CS-SEC-005' });
}
for (const [kind, wrap] of [
  ['DaemonSet', (spec: any) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector, template: template(spec) } })],
  ['InferenceService predictor', (spec: any) => inferenceService({ predictor: spec })],
  ['LeaderWorkerSet worker', LOCATIONS.find(([w]) => w === 'a LeaderWorkerSet workerTemplate')![1]],
] as Array<[string, (spec: any) => any]>) {
  add('node paths', `foreign vLLM ${kind} with hostPath /etc`, foreign(() => [wrap({ containers: [server()], volumes: [{ name: 'host', hostPath: { path: '/etc' } }] })]), { finding: 'CS-SEC-005' });
}
for (const path of ['/var/lib/cdk8s-coldstart/models', '/mnt/models', '/data/hf/', '/var/lib/models', '/etcd-backup', '/opt/models']) {
  add('node paths', `foreign vLLM pod with hostPath ${JSON.stringify(path)}`, foreign(hostPathPod(path)), { accepted: 'a data directory outside system locations', without: 'CS-SEC-005' });
}
const exporter = [{ name: 'node-exporter', image: `quay.io/prometheus/node-exporter${DIGEST}`, args: ['--path.rootfs=/host'] }];
for (const path of ['/', '/proc', '/sys']) {
  add('node paths', `a node exporter (no vLLM) with hostPath ${path}`, foreign(hostPathPod(path, exporter)), { accepted: 'only pods running vLLM are judged: a node agent reads the node by design', without: 'CS-SEC-005' });
}
add('node paths', 'a vLLM-image container running a copy script on hostPath /etc', foreign(hostPathPod('/etc', [
  server({ name: 'copy', command: ['sh', '-c', 'cp /host/x /models'], args: undefined }),
])), { accepted: 'a vLLM image running a script is not a vLLM server (CS-SEC-002 and Pod Security Admission judge it)', without: 'CS-SEC-005' });
add('node paths', 'hostPath /etc on vLLM, suppressed with a reason', () => {
  const app: App = Testing.app();
  const chart = new Chart(app, 'c');
  const [obj] = hostPathPod('/etc')();
  const o = new ApiObject(chart, 'o0', obj);
  Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
  RuleSuppressions.add(o, [{ id: 'CS-SEC-005', reason: 'reads the node\'s CA bundle, reviewed' }]);
  return judged(app, true);
}, { accepted: 'a suppression with a reason silences it (the report keeps it)', without: 'CS-SEC-005' });

// ---------------------------------------------------------------------------
// 7d. Pod Security of the pods the library writes: nothing a prop takes switches it off.

/** One model in chart `serving` (namespace llm), judged by its baseline pack: unsuppressed findings, and the manifests. */
function modelRules(overrides: () => Partial<ColdStartOptimizedModelProps>): () => Result {
  return () => {
    const app = Testing.app();
    const chart = new Chart(app, 'serving', { namespace: 'llm' });
    new ColdStartOptimizedModel(chart, 'qwen', baseProps(overrides()));
    return { ...judged(app, true), manifests: chart.toJson() };
  };
}
/** Every pod spec of the manifests, with its object kind. */
const podSpecs = (m: any[]) => m.flatMap(o => [o.spec?.template?.spec, o.spec?.predictor, o.spec?.jobTemplate?.spec?.template?.spec]
  .filter(Boolean).map(s => [o.kind, s]));
/** Every container of every pod the library wrote keeps escalation off, every capability dropped and a RuntimeDefault profile; no pod mounts an unused token. */
function lockedDown(m: any[]): void {
  const pods = podSpecs(m);
  expect(pods.length).toBeGreaterThan(0);
  for (const [kind, pod] of pods) {
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const sc = c.securityContext ?? {};
      expect([kind, c.name, sc.allowPrivilegeEscalation, sc.capabilities?.drop, sc.privileged ?? false]).toEqual([kind, c.name, false, ['ALL'], false]);
      expect([kind, c.name, sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type]).toEqual([kind, c.name, 'RuntimeDefault']);
    }
    if (!pod.serviceAccountName) expect([kind, pod.automountServiceAccountToken]).toEqual([kind, false]);
    expect([kind, pod.hostNetwork, pod.hostPID, pod.hostIPC]).toEqual([kind, undefined, undefined, undefined]);
  }
}
const CLAIM = () => WeightSource.existingClaim('w');
for (const [name, v] of [['"false"', 'false'], ['"true"', 'true'], ['null', null], ['0', 0], ['1', 1], ['an object', {}]] as Array<[string, any]>) {
  add('pod security', `runtime.runAsRoot ${name}`, model(() => ({ runtime: { runAsRoot: v } })), { error: 'CS-IN-059', at: M });
}
add('pod security', 'runtime.runAsRoot false on a Deployment', modelRules(() => ({ weights: CLAIM(), backend: Backend.deployment(), runtime: { runAsRoot: false } })), {
  accepted: 'the restricted level: uid 1000, no token',
  without: 'CS-SEC-004',
  check: m => {
    lockedDown(m);
    const engine = m.find(o => o.kind === 'Deployment' && o.metadata.name === 'qwen').spec.template.spec.containers[0].securityContext;
    expect([engine.runAsNonRoot, engine.runAsUser]).toEqual([true, 1000]);
  },
});
add('pod security', 'runtime.runAsRoot true keeps seccomp, drop ALL, no escalation and no token', modelRules(() => ({ weights: CLAIM(), backend: Backend.deployment(), runtime: { runAsRoot: true } })), {
  accepted: 'the baseline level the README states for an image that must run as root; CS-SEC-004 is suppressed with that reason',
  without: 'CS-SEC-004',
  check: lockedDown,
});
for (const [name, props] of [
  ['a modelcar on Knative (production)', () => ({ profile: Profile.production() })],
  ['a claim on a Deployment with sleep mode (the proxy too)', () => ({ weights: CLAIM(), backend: Backend.deployment(), runtime: { sleepMode: { proxyImage: PROXY } } })],
  ['a hostPath cache (root init container)', () => ({ weights: WeightSource.hostPathCache(REPO) })],
  ['a prefetch DaemonSet', () => ({ weights: WeightSource.prefetch(REPO) })],
  ['a warm buffer and a pre-pull DaemonSet', () => ({ capacity: { warmBuffer: { enabled: true } }, imagePull: { prePull: true } })],
  ['a Hugging Face loader Job on a shared claim', () => ({ weights: WeightSource.huggingFace(REPO, { volume: SharedVolume.newClaim({ storageClassName: 'nfs' }) }) })],
  ['object storage with workload identity', () => ({ weights: WeightSource.objectStorage('s3://models/qwen', { credentials: ObjectStorageCredentials.workloadIdentity('s3-reader') }) })],
] as Array<[string, () => Partial<ColdStartOptimizedModelProps>]>) {
  add('pod security', `every pod locked down: ${name}`, modelRules(props), { accepted: 'no prop turns off escalation, capabilities, seccomp or the token', without: 'CS-SEC-002', check: lockedDown });
}
add('pod security', 'workloadIdentity("default")', modelRules(() => ({ weights: WeightSource.objectStorage('s3://models/qwen', { credentials: ObjectStorageCredentials.workloadIdentity('default') }) })),
  { finding: 'CS-SEC-004' });
for (const [name, env] of [['USER=root', { USER: 'root' }], ['HOME=/root', { HOME: '/root' }], ['VLLM_CACHE_ROOT under /root', { VLLM_CACHE_ROOT: '/root/.cache/vllm' }]] as Array<[string, any]>) {
  add('pod security', `extraEnv ${name} against the non-root engine`, model(() => ({ engine: vllm({ extraEnv: env }) })), { error: 'CS-IN-006', at: M });
}
for (const [name, value] of [['XDG_CACHE_HOME', '/root/.cache'], ['HF_HOME', '/root/.cache/huggingface'], ['HF_HUB_CACHE', '/root/hub'], ['TRITON_CACHE_DIR', '/root/.triton'],
  ['TORCHINDUCTOR_CACHE_DIR', '/root//inductor/'], ['NUMBA_CACHE_DIR', '/tmp/../root'], ['OUTLINES_CACHE_DIR', '/root'], ['VLLM_CONFIG_ROOT', '/root/.config/vllm']]) {
  add('pod security', `extraEnv ${name}=${value}`, model(() => ({ engine: vllm({ extraEnv: { [name]: value } }) })), { error: 'CS-IN-088', at: M });
}
add('pod security', 'extraEnv TRITON_CACHE_DIR under HOME', model(() => ({ engine: vllm({ extraEnv: { TRITON_CACHE_DIR: '/home/vllm/.triton' } }) })),
  { accepted: 'under HOME, on the cache volume the engine writes' });
for (const name of ['Default', 'default ', 'system:serviceaccount:llm:x', 'a_b']) {
  add('pod security', `workloadIdentity(${JSON.stringify(name)})`, factory(() => ObjectStorageCredentials.workloadIdentity(name)), { error: 'CS-IN-021', at: 'ObjectStorageCredentials.workloadIdentity' });
}
for (const [name, v] of [['0', 0], ['""', ''], ['"false"', 'false'], ['null', null]] as Array<[string, any]>) {
  add('pod security', `enforceBaseline ${name}`, model(() => ({ enforceBaseline: v })), { error: 'CS-IN-059', at: M });
  add('pod security', `argoCdSyncWaves ${name}`, model(() => ({ argoCdSyncWaves: v })), { error: 'CS-IN-059', at: M });
}

// ---------------------------------------------------------------------------
// 7e. Compile-cache seeding and the loaders (CS-IN-068, 069, 073, 074).

const REPO70 = { repoId: 'meta-llama/Llama-3.1-70B-Instruct', revision: '945c8663693130f8be2ee66210e062158b2a9693' };
const GPU4 = { count: 4, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } };
const RWX = () => CacheStorage.persistentVolumeClaim({ accessMode: CacheAccessMode.READ_WRITE_MANY, storageClassName: 'nfs' });
const shared = (loader?: WeightLoader) => WeightSource.huggingFace(REPO70, { volume: SharedVolume.newClaim({ storageClassName: 'nfs' }), loader });
const seeded = (o: any = {}) => ({
  profile: Profile.production(),
  backend: Backend.deployment(),
  weights: shared(),
  size: ModelSize.fromParameters(70e9, Precision.BF16),
  gpu: GPU4,
  scaling: { minReplicas: 2, maxReplicas: 2 },
  ...o,
  runtime: { cache: RWX(), compileCacheSeed: {}, ...o.runtime },
});
for (const [name, props] of [
  ['in the lab profile (compile off)', () => seeded({ profile: Profile.lab() })],
  ['with enforceEager', () => seeded({ runtime: { enforceEager: true } })],
  ['with compile off', () => seeded({ runtime: { compile: false } })],
  ['on a ReadWriteOnce cache claim', () => seeded({ scaling: { minReplicas: 1, maxReplicas: 1 }, runtime: { cache: CacheStorage.persistentVolumeClaim({ accessMode: CacheAccessMode.READ_WRITE_ONCE }) } })],
  ['on an emptyDir cache', () => seeded({ runtime: { cache: CacheStorage.emptyDir() } })],
  ['with modelcar weights', () => seeded({ backend: Backend.kserveStandard(), weights: WeightSource.modelcar(MODELCAR) })],
  ['with LocalModelCache weights', () => seeded({ backend: Backend.kserveStandard(), weights: WeightSource.localModelCache('gs://models/llama', { nodeGroup: CacheNodeGroup.existing('g') }) })],
] as Array<[string, () => any]>) {
  add('loaders', `compileCacheSeed ${name}`, model(props), { error: 'CS-IN-068', at: M });
}
add('loaders', 'compileCacheSeed a string', model(() => seeded({ runtime: { compileCacheSeed: 'yes' } })), { error: 'CS-IN-059', at: M });
add('loaders', 'compileCacheSeed on a shared RWX cache, compile on', model(() => seeded()), {
  accepted: 'the seed can hit: same pod, artifacts on a claim every node reads',
  check: m => expect(m.filter(o => o.kind === 'Job').map(j => j.metadata.labels['app.kubernetes.io/component'])).toContain('compile-cache-seeder'),
});
for (const [name, call, at] of [
  ['an existing claim', () => WeightSource.existingClaim('w', { loader: WeightLoader.shardedState() }), 'WeightSource.existingClaim'],
  ['a hostPath cache', () => WeightSource.hostPathCache(REPO, { loader: WeightLoader.shardedState() }), 'WeightSource.hostPathCache'],
  ['a prefetch DaemonSet', () => WeightSource.prefetch(REPO, { loader: WeightLoader.shardedState() }), 'WeightSource.prefetch'],
  ['object storage (no loader option: a JavaScript caller)', () => WeightSource.objectStorage('s3://models/llama', { loader: WeightLoader.shardedState() } as any), 'WeightSource.objectStorage'],
  ['Hyperdisk ML (no loader option)', () => WeightSource.hyperdiskMl({ snapshotName: 's', loader: WeightLoader.shardedState() } as any), 'WeightSource.hyperdiskMl'],
] as Array<[string, () => unknown, string]>) {
  add('loaders', `shardedState on ${name}`, factory(call), { error: 'CS-IN-069', at });
}
add('loaders', 'shardedState with one GPU', model(() => ({ weights: shared(WeightLoader.shardedState()) })), { error: 'CS-IN-069', at: M });
add('loaders', 'shardedState on the Hugging Face shared volume with 4 GPUs', model(() => seeded({ weights: shared(WeightLoader.shardedState()), runtime: { compileCacheSeed: undefined } })),
  { accepted: 'the loader Job writes the shards next to the checkpoint' });
for (const [name, call, at] of [
  ['fastsafetensors on object storage (no loader option: a JavaScript caller)', () => WeightSource.objectStorage('s3://models/llama', { loader: WeightLoader.fastsafetensors() } as any), 'WeightSource.objectStorage'],
  ['fastsafetensors on a modelcar (no loader option)', () => WeightSource.modelcar(MODELCAR, { loader: WeightLoader.fastsafetensors() } as any), 'WeightSource.modelcar'],
  ['streamer options beside a loader', () => WeightSource.hostPathCache(REPO, { streamer: { concurrency: 8 }, loader: WeightLoader.fastsafetensors() }), 'WeightSource.hostPathCache'],
  ['streamer options beside the streamer loader', () => WeightSource.existingClaim('w', { streamer: { concurrency: 8 }, loader: WeightLoader.streamer() }), 'WeightSource.existingClaim'],
] as Array<[string, () => unknown, string]>) {
  add('loaders', name, factory(call), { error: 'CS-IN-073', at });
}
const gds = (sel: any) => WeightLoader.fastsafetensors({ gpuDirectStorageNodeSelector: sel });
for (const [name, sel] of [['{}', {}], ['a key with a space', { 'gds enabled': 'true' }], ['a value with a space', { 'example.com/gds': 'yes please' }], ['a list', ['gds']], ['null values', { 'example.com/gds': null }]] as Array<[string, any]>) {
  add('loaders', `GDS node selector ${name}`, factory(() => gds(sel)), { error: 'CS-IN-074', at: 'WeightLoader.fastsafetensors' });
}
for (const [name, call, at] of [
  ['an existing claim', () => WeightSource.existingClaim('w', { loader: gds({ 'example.com/gds': 'true' }) }), 'WeightSource.existingClaim'],
  ['the Hugging Face shared volume', () => WeightSource.huggingFace(REPO, { volume: SharedVolume.newClaim(), loader: gds({ 'example.com/gds': 'true' }) }), 'WeightSource.huggingFace'],
] as Array<[string, () => unknown, string]>) {
  add('loaders', `GDS on ${name}`, factory(call), { error: 'CS-IN-074', at });
}
add('loaders', 'GDS on a hostPath cache', model(() => ({ weights: WeightSource.hostPathCache(REPO, { loader: gds({ 'example.com/gds': 'true' }) }) })), {
  accepted: 'node-local NVMe: GDS can read it; the pod goes to the labelled nodes',
  check: m => expect(m.find(o => o.kind === 'InferenceService').spec.predictor.nodeSelector).toMatchObject({ 'example.com/gds': 'true' }),
});

// ---------------------------------------------------------------------------
// 8. Collisions.

const pc = (value: number, name = 'llama-serving') => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
const cm = (ns: string, data: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: ns }, data });
const sc = (provisioner: string) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner });
add('collisions', 'two PriorityClasses of one name', foreign(() => [pc(1), pc(2)]), { finding: 'CS-WL-003' });
add('collisions', 'three PriorityClasses of one name', foreign(() => [pc(1), pc(2), pc(3)]), { finding: 'CS-WL-003' });
add('collisions', 'two StorageClasses of one name', foreign(() => [sc('a'), sc('b')]), { finding: 'CS-WL-003' });
add('collisions', 'two ConfigMaps in one namespace', foreign(() => [cm('a', { x: '1' }), cm('a', { x: '2' })]), { finding: 'CS-WL-003' });
add('collisions', 'ConfigMaps of one name in two namespaces', foreign(() => [cm('a', { x: '1' }), cm('b', { x: '2' })]), { accepted: 'namespaced objects in different namespaces are different objects', without: 'CS-WL-003' });
add('collisions', 'the same PriorityClass twice', foreign(() => [pc(1), pc(1)]), { accepted: 'identical content: applying both is one object', without: 'CS-WL-003' });
const twoModels = (a: any, b: any, sameChart = false) => (): Result => {
  const app = Testing.app();
  const c1 = new Chart(app, 'one', { namespace: 'llm' });
  const c2 = sameChart ? c1 : new Chart(app, 'two', { namespace: 'llm' });
  new ColdStartOptimizedModel(c1, 'm1', baseProps({ name: 'llama', ...a }));
  if (b) new ColdStartOptimizedModel(c2, 'm2', baseProps({ name: 'llama', ...b }));
  return judged(app, false);
};
add('collisions', 'one model id in two charts, two GPU types (ComputeClass)', twoModels(
  { profile: gke(), capacity: { gke: { computeClass: { gpuType: 'nvidia-l4' } } } },
  { profile: gke(), capacity: { gke: { computeClass: { gpuType: 'nvidia-h100-80gb' } } } }), { finding: 'CS-WL-003' });
add('collisions', 'one model id twice in one namespace, different servedModelName', twoModels({ servedModelName: 'a' }, { servedModelName: 'b' }), { finding: 'CS-WL-003' });
add('collisions', 'one model id in one chart', twoModels({}, { servedModelName: 'b' }, true), { finding: 'CS-WL-003' });
add('collisions', 'two models with different profiles, each adding the baseline', (): Result => {
  const app = Testing.app();
  const c = new Chart(app, 'serving', { namespace: 'llm' });
  new ColdStartOptimizedModel(c, 'a', baseProps({ name: 'a', profile: Profile.lab() }));
  new ColdStartOptimizedModel(c, 'b', baseProps({ name: 'b', profile: Profile.production() }));
  return { manifests: Testing.synth(c) };
}, { error: 'CS-IN-010', at: 'serving/b' });
add('rule engine', 'a Deployment without a spec', foreign(() => [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: null }]),
  { accepted: 'no pod spec, nothing to judge (the API server requires the spec)', without: 'CS-WL-002' });
// Dev mode set by hand, without sleep mode's loopback engine and proxy: the synth-time rule refuses it.
add('collisions', 'extraEnv VLLM_SERVER_DEV_MODE without sleep mode', twoModels({ engine: vllm({ extraEnv: { VLLM_SERVER_DEV_MODE: '1' } }) }, null), { finding: 'CS-SLP-001' });
// Cluster-scoped kinds collide across namespaces; namespaced kinds only within one, and only within one API group.
const named = (apiVersion: string, kind: string, name: string, ns: string | undefined, body: any) =>
  ({ apiVersion, kind, metadata: { name, ...(ns ? { namespace: ns } : {}) }, ...body });
for (const [kind, make] of [
  ['ComputeClass', (v: string) => named('cloud.google.com/v1', 'ComputeClass', 'llama-gpu', undefined, { spec: { priorities: [{ gpu: { type: v, count: 1 } }] } })],
  ['NodePool', (v: string) => named('karpenter.sh/v1', 'NodePool', 'gpu', undefined, { spec: { template: { spec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: v } } } } })],
  ['LocalModelCache', (v: string) => named('serving.kserve.io/v1alpha1', 'LocalModelCache', 'llama', undefined, { spec: { sourceModelUri: `gs://models/${v}`, modelSize: '10Gi', nodeGroups: ['g'] } })],
  ['ClusterServingRuntime', (v: string) => named('serving.kserve.io/v1alpha1', 'ClusterServingRuntime', 'vllm', undefined, { spec: { supportedModelFormats: [{ name: v }], containers: [] } })],
  ['Namespace', (v: string) => named('v1', 'Namespace', 'llm', undefined, { metadata: { name: 'llm', labels: { team: v } } })],
  ['PriorityClass written with a namespace', (v: string) => named('scheduling.k8s.io/v1', 'PriorityClass', 'p', v, { value: v === 'a' ? 1 : 2 })],
] as Array<[string, (v: string) => any]>) {
  add('collisions', `two ${kind}s of one name`, foreign(() => [make('a'), make('b')]), { finding: 'CS-WL-003' });
}
add('collisions', 'two Deployments of one name in one namespace', foreign(() => [{ ...deployment({ containers: [server()] }), metadata: { name: 'd', namespace: 'a' } },
  { ...deployment({ containers: [server({ args: ['--gpu-memory-utilization=0.5'] })] }), metadata: { name: 'd', namespace: 'a' } }]), { finding: 'CS-WL-003' });
add('collisions', 'a Deployment of one name in two namespaces', foreign(() => [{ ...deployment({ containers: [server()] }), metadata: { name: 'd', namespace: 'a' } },
  { ...deployment({ containers: [server({ args: ['--gpu-memory-utilization=0.5'] })] }), metadata: { name: 'd', namespace: 'b' } }]),
{ accepted: 'namespaced objects in different namespaces are different objects', without: 'CS-WL-003' });
add('collisions', 'a core Service and a Knative Service of one name', foreign(() => [
  named('v1', 'Service', 'm', 'a', { spec: { ports: [{ port: 80 }] } }),
  named('serving.knative.dev/v1', 'Service', 'm', 'a', { spec: { template: template({ containers: [{ name: 'x', image: `nginx${DIGEST}` }] }) } }),
]), { accepted: 'different API groups are different resources', without: 'CS-WL-003' });
add('collisions', 'one Deployment as apps/v1 twice, identical', foreign(() => [deployment({ containers: [server()] }), deployment({ containers: [server()] })]),
  { accepted: 'identical content applies as one object', without: 'CS-WL-003' });
const twoNamespaces = (a: any, b: any) => (): Result => {
  const app = Testing.app();
  new ColdStartOptimizedModel(new Chart(app, 'one', { namespace: 'team-a' }), 'm', baseProps({ name: 'llama', ...a }));
  new ColdStartOptimizedModel(new Chart(app, 'two', { namespace: 'team-b' }), 'm', baseProps({ name: 'llama', ...b }));
  return judged(app, false);
};
add('collisions', 'one model id in two namespaces, two GPU types (cluster-scoped ComputeClass)', twoNamespaces(
  { profile: gke(), capacity: { gke: { computeClass: { gpuType: 'nvidia-l4' } } } },
  { profile: gke(), capacity: { gke: { computeClass: { gpuType: 'nvidia-h100-80gb' } } } }), { finding: 'CS-WL-003' });
add('collisions', 'one model id in two namespaces, two LocalModelCache URIs (cluster-scoped)', twoNamespaces(
  { weights: WeightSource.localModelCache('gs://models/llama-a', { nodeGroup: CacheNodeGroup.existing('g') }) },
  { weights: WeightSource.localModelCache('gs://models/llama-b', { nodeGroup: CacheNodeGroup.existing('g') }) }), { finding: 'CS-WL-003' });
add('collisions', 'one model id in two namespaces, two Karpenter instance types (cluster-scoped NodePool)', twoNamespaces(
  { ...pool({ instanceTypes: ['g6.xlarge'] }) }, { ...pool({ instanceTypes: ['p5.48xlarge'] }) }), { finding: 'CS-WL-003' });
add('collisions', 'one model id in two namespaces, same settings', twoNamespaces({}, {}),
  { accepted: 'namespaced objects differ by namespace; nothing cluster-scoped differs', without: 'CS-WL-003' });

// ---------------------------------------------------------------------------
// 8b. Output files: what a synth leaves in its output directory (test/estimate/report-files.test.ts has the same cases in detail).

/** An app writing into a fresh directory (or `dir`); each model made by `add`; stderr kept out of the test output. */
function synthInto(build: (app: App) => void, dir = mkdtempSync(join(tmpdir(), 'corpus-')), pictures?: ReportPictures): { dir: string; error?: Error; stderr: string } {
  const app = new App({ outdir: dir });
  build(app);
  if (pictures) ColdStartReport.configure(app, { pictures });
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    app.synth();
    return { dir, stderr: write.mock.calls.map(c => String(c[0])).join('') };
  } catch (e) {
    return { dir, error: e as Error, stderr: write.mock.calls.map(c => String(c[0])).join('') };
  } finally {
    write.mockRestore();
  }
}
const named2 = (chart: Chart, id: string, props: Partial<ColdStartOptimizedModelProps> = {}) =>
  new ColdStartOptimizedModel(chart, id, baseProps({ name: id, servedModelName: id, ...props }));
const svgs = (dir: string) => readdirSync(dir).filter(f => f.endsWith('.svg')).sort();
/** A row whose run synthesizes into directories and whose check reads them. */
function files(name: string, run: () => void, why: string) {
  add('output files', name, () => {
    run();
    return { manifests: [] };
  }, { accepted: why });
}
files('a synth that fails writes the findings, no cold-start report and no picture', () => {
  const r = synthInto(app => named2(new Chart(app, 'c'), 'm', { runtime: { gpuMemoryUtilization: 0.95 } }));
  expect(r.error?.message).toMatch(/CS-RT-001/);
  expect(existsSync(join(r.dir, REPORT_FILE))).toBe(true);
  expect(existsSync(join(r.dir, COLDSTART_REPORT_FILE))).toBe(false);
  expect(svgs(r.dir)).toEqual([]);
}, 'the report describes manifests that were written; a failed synth wrote none');
files('a picture written earlier and no longer written is removed', () => {
  const { dir } = synthInto(app => { const c = new Chart(app, 'c'); named2(c, 'a'); named2(c, 'b'); });
  expect(svgs(dir)).toEqual(['a-coldstart.svg', 'b-coldstart.svg']);
  synthInto(app => named2(new Chart(app, 'c'), 'a'), dir);
  expect(svgs(dir)).toEqual(['a-coldstart.svg']);
}, 'files the library wrote are tracked; a model removed takes its picture along');
files('a user\'s file of a report\'s name is never overwritten nor removed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
  writeFileSync(join(dir, 'a-coldstart.svg'), '<svg>mine</svg>');
  const r = synthInto(app => named2(new Chart(app, 'c'), 'a'), dir);
  expect(r.stderr).toContain('a-coldstart.svg exists and was not written by cdk8s-coldstart: left as it is');
  synthInto(app => named2(new Chart(app, 'c'), 'a'), dir, ReportPictures.NONE);
  expect(readFileSync(join(dir, 'a-coldstart.svg'), 'utf8')).toBe('<svg>mine</svg>');
}, 'only files the library wrote are replaced or removed');
files('per-model picture names of c1/x, c2/x and c3/c2-x do not collide', () => {
  const { dir } = synthInto(app => { named2(new Chart(app, 'c1'), 'x'); named2(new Chart(app, 'c2'), 'x'); named2(new Chart(app, 'c3'), 'c2-x'); });
  expect(svgs(dir)).toHaveLength(3);
  const report = readFileSync(join(dir, COLDSTART_REPORT_FILE), 'utf8');
  for (const svg of svgs(dir)) expect(report).toContain(`(${svg})`);
}, 'each model gets its own picture, linked from its section');
files('a construct path with | and ` is Markdown code in the report', () => {
  const { dir } = synthInto(app => named2(new Chart(app, 'team|a`b'), 'm'));
  expect(readFileSync(join(dir, COLDSTART_REPORT_FILE), 'utf8')).toContain('## m (`` team\\|a`b/m ``)');
}, 'paths are escaped: a table or heading cannot be broken by a construct id');
files('cdk8s synth --format helm leaves only YAML under templates/', () => {
  const chartDir = mkdtempSync(join(tmpdir(), 'corpus-'));
  const templates = join(chartDir, 'templates');
  mkdirSync(templates);
  synthInto(app => named2(new Chart(app, 'c'), 'a'), templates);
  expect(readdirSync(templates).filter(f => !/\.ya?ml$/.test(f))).toEqual([]);
  expect([existsSync(join(chartDir, COLDSTART_REPORT_FILE)), existsSync(join(chartDir, REPORT_FILE))]).toEqual([true, true]);
}, 'helm install reads every file under templates/: the reports go next to Chart.yaml');

const loraVolume = () => AdapterVolume.existingClaim('adapters');
for (const [name, adapters, id] of [
  ['no adapter at all', () => ({ volume: loraVolume() }), 'CS-IN-075'],
  ['an adapter named like the model', () => ({ volume: loraVolume(), preload: { 'qwen2.5-0.5b-instruct': 'a' } }), 'CS-IN-075'],
  ['an adapter directory that climbs', () => ({ volume: loraVolume(), preload: { a: '../../etc' } }), 'CS-IN-075'],
  ['a volume given as a claim name', () => ({ volume: 'adapters', preload: { a: 'a' } }), 'CS-IN-075'],
  ['maxLoraRank 100', () => ({ volume: loraVolume(), preload: { a: 'a' }, maxLoraRank: 100 }), 'CS-IN-075'],
  ['loadOnFirstUse with no proxy', () => ({ volume: loraVolume(), loadOnFirstUse: true }), 'CS-IN-076'],
] as Array<[string, () => any, string]>) {
  add('lora', name, model(() => ({ adapters: adapters() })), { error: id, at: M });
}
// Runtime LoRA updating set by hand, without adapters' loopback engine and proxy: the synth-time rule refuses it.
add('collisions', 'extraEnv VLLM_ALLOW_RUNTIME_LORA_UPDATING without adapters', twoModels({ engine: vllm({ extraEnv: { VLLM_ALLOW_RUNTIME_LORA_UPDATING: 'True' } }) }, null),
  { finding: 'CS-LORA-001' });
add('collisions', 'extraEnv VLLM_ALLOW_RUNTIME_LORA_UPDATING=false against adapters.loadOnFirstUse', model(() => ({
  engine: vllm({ extraEnv: { VLLM_ALLOW_RUNTIME_LORA_UPDATING: 'false' } }),
  adapters: { volume: AdapterVolume.existingClaim('adapters'), loadOnFirstUse: true, proxyImage: PROXY },
})), { error: 'CS-IN-006', at: M });
for (const [name, env] of [['NCCL_CUMEM_ENABLE', { NCCL_CUMEM_ENABLE: '1' }], ['HOME', { HOME: '/tmp' }], ['HF_HUB_OFFLINE', { HF_HUB_OFFLINE: '0' }]] as Array<[string, any]>) {
  add('collisions', `extraEnv ${name} against the levers`, model(() => ({ engine: vllm({ extraEnv: env }) })), { error: 'CS-IN-006', at: M });
}

// ---------------------------------------------------------------------------

function outcomeOf(row: Row): { error?: unknown; result?: Result } {
  try {
    return { result: row.run() };
  } catch (e) {
    return { error: e };
  }
}

const CRASH = /TypeError|ReferenceError|RangeError|Cannot read|is not a function|is not iterable|undefined/;

describe('the bad-input corpus', () => {
  test('has at least 400 rows, each name unique', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(400);
    const names = ROWS.map(r => `${r.family}: ${r.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(ROWS.map(r => [`${r.family}: ${r.name}`, r] as const))('%s', (_, row) => {
    const { error, result } = outcomeOf(row);
    const e = row.expect;
    const message = error instanceof Error ? error.message : String(error ?? '');
    // No error, failed-synth block or finding ever shows a credential the row passed.
    const shown = [message, (result?.error as Error | undefined)?.message ?? '', ...(result?.texts ?? [])].join('\n');
    for (const secret of row.secrets ?? []) if (secret) expect(shown).not.toContain(secret);
    if ('error' in e) {
      expect(error).toBeInstanceOf(ColdStartError);
      const esc = e.at.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(message).toMatch(new RegExp(`^${esc}(/[^:\\s]*)?: \\[${e.error}\\] .+ Fix: .+`, 's'));
      return;
    }
    if ('finding' in e) {
      if (error) throw error;
      expect(result!.findings).toContain(e.finding);
      if (result!.error) {
        // A failed synth fails with the findings block, never a crash.
        expect((result!.error as Error).message).not.toMatch(CRASH);
        expect((result!.error as Error).message).toContain(e.finding);
      }
      return;
    }
    if (error) throw error;
    if (result!.findings) {
      if (e.without) expect(result!.findings).not.toContain(e.without);
      if (result!.error) expect((result!.error as Error).message).not.toMatch(CRASH);
    } else {
      expect(result!.manifests.flatMap(schemaErrors)).toEqual([]);
    }
    e.check?.(result!.manifests);
  });
});

/** Rows per family and outcome, for the report (printed with CORPUS_STATS=1). */
if (process.env.CORPUS_STATS) {
  const count: Record<string, number> = {};
  for (const r of ROWS) {
    const kind = 'error' in r.expect ? 'error' : 'finding' in r.expect ? 'finding' : 'accepted';
    count[`${r.family} / ${kind}`] = (count[`${r.family} / ${kind}`] ?? 0) + 1;
  }
  // eslint-disable-next-line no-console
  console.log(JSON.stringify({ total: ROWS.length, ...count }, null, 1));
}
