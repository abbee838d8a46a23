import { AdapterVolume, Backend, ColdStartError, Engine, Findings, WeightSource } from '../../src';
import { BlueprintConflict, LeverKind, PodBlueprint } from '../../src/blueprint';
import { COLDSTART_REPORT_FILE, ColdStartReportWriter } from '../../src/estimate/cold-start-report';
import { assessColdStart } from '../../src/estimate/estimate';
import { defaultColdStartFacts } from '../../src/estimate/facts';
import { RUNTIME } from '../../src/estimate/runtime-model';
import { fmt } from '../../src/estimate/waterfall-svg';
import { readArgv } from '../../src/private/vllm-argv';
import { find, synth, thrown, VLLM } from '../util';

const PROXY = 'docker.io/nginxinc/nginx-unprivileged@sha256:' + 'c'.repeat(64);
const VOLUME = AdapterVolume.existingClaim('qwen-adapters');
const deployment = { weights: WeightSource.existingClaim('qwen-weights'), backend: Backend.deployment() };

const podOf = (m: any[]) => find(m, 'Deployment').find(d => d.metadata.labels['app.kubernetes.io/component'] === 'model-server').spec.template.spec;
const engineOf = (m: any[]) => podOf(m).containers.find((c: any) => c.name !== 'api-proxy');
const envOf = (c: any): Record<string, string> => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value]));
/** The engine's flags as vLLM's parser reads them. */
const flagsOf = (c: any): Record<string, string | boolean> => Object.fromEntries(readArgv(c.args).map(f => [f.name, f.value]));
const adapters = (o: any = {}) => synth({ ...deployment, adapters: { volume: VOLUME, preload: { 'sql-expert': 'sql-expert' }, ...o } });

describe('LoRA adapters', () => {
  test('preloaded adapters: --enable-lora, the limits given, one --lora-modules with a name=path per adapter, the claim mounted read-only', () => {
    const { manifests } = adapters({ preload: { 'sql-expert': 'sql/v2', 'support': 'support' }, maxLoras: 4, maxLoraRank: 64, maxCpuLoras: 8 });
    const engine = engineOf(manifests);
    expect(engine.args).toEqual(expect.arrayContaining(['--enable-lora', '--max-loras=4', '--max-lora-rank=64', '--max-cpu-loras=8']));
    // vLLM keeps only the last --lora-modules: every adapter follows one flag, as its own element.
    const at = engine.args.indexOf('--lora-modules');
    expect(engine.args.slice(at, at + 3)).toEqual(['--lora-modules', 'sql-expert=/mnt/lora-adapters/sql/v2', 'support=/mnt/lora-adapters/support']);
    expect(engine.args.filter((a: string) => a.startsWith('--lora-modules'))).toHaveLength(1);
    expect(flagsOf(engine)['--lora-modules']).toBe('sql-expert=/mnt/lora-adapters/sql/v2 support=/mnt/lora-adapters/support');
    expect(engine.volumeMounts).toContainEqual({ name: 'lora-adapters', mountPath: '/mnt/lora-adapters', readOnly: true });
    expect(podOf(manifests).volumes).toContainEqual({ name: 'lora-adapters', persistentVolumeClaim: { claimName: 'qwen-adapters', readOnly: true } });
  });

  test('limits left out keep vLLM\'s defaults (no flag); a subPath is the mount\'s', () => {
    const { manifests } = adapters({ volume: AdapterVolume.existingClaim('qwen-adapters', { subPath: 'qwen/adapters' }) });
    const engine = engineOf(manifests);
    expect(engine.args.filter((a: string) => /^--max-(cpu-)?lora/.test(a))).toEqual([]);
    expect(engine.volumeMounts).toContainEqual({ name: 'lora-adapters', mountPath: '/mnt/lora-adapters', readOnly: true, subPath: 'qwen/adapters' });
  });

  test('preloading alone needs no runtime updating and no proxy: the engine serves the public port itself', () => {
    const { manifests } = adapters();
    const engine = engineOf(manifests);
    expect(envOf(engine).VLLM_ALLOW_RUNTIME_LORA_UPDATING).toBeUndefined();
    expect(podOf(manifests).containers.map((c: any) => c.name)).toEqual([engine.name]);
    expect(flagsOf(engine)['--host']).toBeUndefined();
  });

  test('loading on first use: the filesystem resolver on the volume, and the engine on loopback behind the API proxy', () => {
    const { manifests } = adapters({ preload: undefined, loadOnFirstUse: true, proxyImage: PROXY });
    const engine = engineOf(manifests);
    expect(envOf(engine)).toMatchObject({ VLLM_ALLOW_RUNTIME_LORA_UPDATING: 'true', VLLM_LORA_RESOLVER_CACHE_DIR: '/mnt/lora-adapters' });
    expect(flagsOf(engine)).toMatchObject({ '--enable-lora': true, '--host': '127.0.0.1', '--port': '8001' });
    expect(flagsOf(engine)['--lora-modules']).toBeUndefined();
    const proxy = podOf(manifests).containers.find((c: any) => c.name === 'api-proxy');
    expect(proxy.image).toBe(PROXY);
    expect(proxy.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    const conf: string = find(manifests, 'ConfigMap').find(c => c.metadata.name === 'qwen-api-proxy').data['nginx.conf'];
    expect(conf).toContain('location = /v1/chat/completions {');
    expect(conf).not.toContain('lora_adapter');
    expect(conf).toMatch(/location \/ \{\s+return 404;/);
  });

  test('with sleep mode, its proxy serves both: one proxy, one ConfigMap', () => {
    const { manifests } = synth({
      ...deployment,
      runtime: { sleepMode: { proxyImage: PROXY } },
      adapters: { volume: VOLUME, loadOnFirstUse: true },
    });
    expect(podOf(manifests).containers.filter((c: any) => c.name === 'api-proxy')).toHaveLength(1);
    expect(find(manifests, 'ConfigMap').map(c => c.metadata.name)).toEqual(['qwen-sleep-proxy']);
    expect(envOf(engineOf(manifests))).toMatchObject({ VLLM_SERVER_DEV_MODE: '1', VLLM_ALLOW_RUNTIME_LORA_UPDATING: 'true' });
  });

  test('the baseline pack passes the library\'s own output (CS-LORA-001 and CS-SLP-001 included)', () => {
    for (const s of [adapters(), adapters({ loadOnFirstUse: true, proxyImage: PROXY })]) {
      expect(Findings.of(s.app)).toEqual([]);
    }
  });

  test('on KServe Knative too: the flags land on the predictor\'s engine', () => {
    const { manifests } = synth({ adapters: { volume: VOLUME, preload: { a: 'a' } } });
    const engine = find(manifests, 'InferenceService')[0].spec.predictor.containers[0];
    expect(engine.args).toEqual(expect.arrayContaining(['--enable-lora', '--lora-modules', 'a=/mnt/lora-adapters/a']));
  });

  test('extraEnv VLLM_ALLOW_RUNTIME_LORA_UPDATING without adapters is caught at synth by CS-LORA-001', () => {
    const e = thrown(() => synth({ ...deployment, engine: Engine.vllm({ image: VLLM, extraEnv: { VLLM_ALLOW_RUNTIME_LORA_UPDATING: '1' } }) }));
    expect(e).toContain('CS-LORA-001');
    expect(e).toContain('the pod IP serves /v1/load_lora_adapter');
  });
});

test('the blueprint writes a multi-value flag once, the flag then each value, and refuses another value or a single-value write of it', () => {
  const bp = new PodBlueprint();
  const writer = (path: string) => bp.writer({ kind: LeverKind.RUNTIME, node: { path } } as any);
  writer('x/A').argValues('--lora-modules', ['a=/x', 'b=/y']);
  writer('x/B').argValues('--lora-modules', ['a=/x', 'b=/y']);
  expect(() => writer('x/C').argValues('--lora-modules', ['a=/z'])).toThrow(/--lora-modules is set to "a=\/x b=\/y" by x\/B and to "a=\/z" by x\/C/);
  expect(() => writer('x/C').arg('--lora-modules', 'a=/x')).toThrow(BlueprintConflict);
  expect(bp.renderArgs()).toEqual(['--lora-modules', 'a=/x', 'b=/y']);
});

describe('LoRA adapters: bad input', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ColdStartError);
      return [(e as ColdStartError).code, (e as ColdStartError).problem];
    }
    throw new Error('expected an error');
  };

  test.each([
    ['a missing volume', { volume: undefined }, /adapters.volume is missing/],
    ['nothing to serve', { preload: {} }, /no adapter to preload and loadOnFirstUse is off/],
    ['a name with =', { preload: { 'a=b': 'a' } }, /adapter name "a=b"/],
    ['a name with white space', { preload: { 'a b': 'a' } }, /adapter name "a b"/],
    ['the served model name', { preload: { 'qwen2.5-0.5b-instruct': 'a' } }, /is the served model name/],
    ['an absolute directory', { preload: { a: '/etc' } }, /starts with "\/"/],
    ['a directory that climbs', { preload: { a: '../weights' } }, /has a "\.\." segment/],
    ['a directory with a comma', { preload: { a: 'x,y' } }, /holds "=" or ","/],
    ['a directory with $(', { preload: { a: '$(HF_TOKEN)' } }, /holds \$\( or \$\$/],
    ['maxLoras 0', { maxLoras: 0 }, /maxLoras 0 is not an integer/],
    ['maxLoras 1.5', { maxLoras: 1.5 }, /maxLoras 1.5 is not an integer/],
    ['maxCpuLoras below maxLoras', { maxLoras: 4, maxCpuLoras: 2 }, /maxCpuLoras 2 is below maxLoras 4/],
    ['a rank vLLM refuses', { maxLoraRank: 48 }, /maxLoraRank 48 is not one of 8, 16, 32, 64, 128, 256, 320, 512/],
    ['loadOnFirstUse not a boolean', { loadOnFirstUse: 'yes' }, /loadOnFirstUse is string/],
  ])('%s is CS-IN-075', (_name, o, problem) => {
    const [id, text] = code(() => adapters(o));
    expect(id).toBe('CS-IN-075');
    expect(text).toMatch(problem);
  });

  test('a claim name or subPath Kubernetes rejects is CS-IN-075 at the factory', () => {
    expect(code(() => AdapterVolume.existingClaim('Not_A_Claim'))[0]).toBe('CS-IN-075');
    expect(code(() => AdapterVolume.existingClaim('ok', { subPath: 'a//b' }))[0]).toBe('CS-IN-075');
  });

  test('loading on first use with no proxy in front is CS-IN-076: the loading endpoints would share the public port', () => {
    const [id, text] = code(() => adapters({ loadOnFirstUse: true }));
    expect(id).toBe('CS-IN-076');
    expect(text).toContain('/v1/load_lora_adapter');
  });

  test('VLLM_PLUGINS without the filesystem resolver is CS-IN-077; with it, or unset, it loads', () => {
    const withPlugins = (plugins: string) => () => synth({
      ...deployment,
      engine: Engine.vllm({ image: VLLM, extraEnv: { VLLM_PLUGINS: plugins } }),
      adapters: { volume: VOLUME, loadOnFirstUse: true, proxyImage: PROXY },
    });
    expect(code(withPlugins('other_plugin'))[0]).toBe('CS-IN-077');
    expect(withPlugins('other_plugin,lora_filesystem_resolver')).not.toThrow();
  });

  test('a proxy image not pinned by digest is CS-IMG-001; two different proxy images are CS-IN-006', () => {
    expect(code(() => adapters({ loadOnFirstUse: true, proxyImage: 'nginx:latest' }))[0]).toBe('CS-IMG-001');
    const other = 'docker.io/nginxinc/nginx-unprivileged@sha256:' + 'd'.repeat(64);
    const both = (proxyImage: string) => () => synth({
      ...deployment, runtime: { sleepMode: { proxyImage: PROXY } }, adapters: { volume: VOLUME, loadOnFirstUse: true, proxyImage },
    });
    expect(code(both(other))[0]).toBe('CS-IN-006');
    expect(both(PROXY)).not.toThrow();
  });

  test.each([
    '--enable-lora', '--max-loras=2', '--max-lora-rank=32', '--max-cpu-loras=4', '--lora-modules=a=/x', '--no-enable-lora', '--max-lora-r=32',
  ])('extra arg %s is CS-IN-006: props.adapters owns it', (arg) => {
    const [id, text] = code(() => Engine.vllm({ image: VLLM, extraArgs: [arg] }));
    expect(id).toBe('CS-IN-006');
    expect(text).toContain('props.adapters');
  });

  test('a null adapters prop is CS-IN-059', () => {
    expect(code(() => synth({ adapters: null as any }))[0]).toBe('CS-IN-059');
  });
});

describe('LoRA adapters in the estimate and the report', () => {
  test('the estimate carries the adapter load only with adapters', () => {
    const facts = { ...defaultColdStartFacts(), loraAdapters: true };
    expect(assessColdStart({ weightBytes: 1e9, facts }).detail.adapterLoadSeconds).toBe(RUNTIME.adapterLoad[1]);
    expect(assessColdStart({ weightBytes: 1e9, facts: defaultColdStartFacts() }).detail.adapterLoadSeconds).toBeUndefined();
  });

  test('the report says a new fine-tune is an adapter load, not a cold start, next to the cold start it avoids', () => {
    const withAdapters = adapters();
    const report = ColdStartReportWriter.of(withAdapters.app).files()[COLDSTART_REPORT_FILE];
    const total = withAdapters.model.estimate.totalSeconds;
    expect(report).toContain(`LoRA adapters: a new fine-tune of these weights is an adapter load on a running replica (~3 s), not a model of its own with a ${fmt(total)} s cold start.`);
    const plain = synth(deployment);
    expect(ColdStartReportWriter.of(plain.app).files()[COLDSTART_REPORT_FILE]).not.toContain('LoRA adapters');
  });
});
