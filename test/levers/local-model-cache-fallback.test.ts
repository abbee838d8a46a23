import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import {
  Backend, CacheNodeGroup, CapacityOptions, ColdStartOptimizedModel, Findings, KnativeFeature, LocalModelCacheFallback, StandardAutoscaler,
  WeightSource,
} from '../../src';
import { COLDSTART_REPORT_FILE } from '../../src/estimate/cold-start-report';
import { cacheCheckScript } from '../../src/levers/weights/local-model-cache-fallback';
import { schemaErrors } from '../schema';
import { args, AUX_CONTAINER_SECURITY, baseProps, container, find, predictor, synth, VLLM } from '../util';

/** A safetensors file: 8-byte little-endian header length, the JSON header, then the tensor bytes. */
function safetensors(file: string, tensors: Record<string, number>, truncateBy = 0): void {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const [name, bytes] of Object.entries(tensors)) {
    header[name] = { dtype: 'U8', shape: [bytes], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  // safetensors pads the header with spaces to a multiple of 8.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const whole = Buffer.concat([length, Buffer.from(json), Buffer.alloc(offset, 7)]);
  fs.writeFileSync(file, whole.subarray(0, whole.length - truncateBy));
}

/** A sharded checkpoint as the node agent leaves it when done. */
function completeModel(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'config.json'), '{"architectures": ["Qwen2ForCausalLM"]}');
  fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify({
    metadata: { total_size: 3000 },
    weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors', 'c.weight': 'model-00002-of-00002.safetensors' },
  }, null, 2));
  safetensors(path.join(dir, 'model-00001-of-00002.safetensors'), { 'a.weight': 1000 });
  safetensors(path.join(dir, 'model-00002-of-00002.safetensors'), { 'b.weight': 1500, 'c.weight': 500 });
}

interface Run { readonly status: number; readonly out: string; readonly link?: string; readonly fetched: boolean }

describe('the check-or-fetch script', () => {
  let root: string;
  let cache: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lmc-'));
    cache = path.join(root, 'cache');
    fs.mkdirSync(path.join(root, 'pod'));
    // python3 stands in for the engine image's downloader: it records the call and writes the copy the test chose.
    fs.mkdirSync(path.join(root, 'bin'));
    fs.writeFileSync(path.join(root, 'bin', 'python3'), [
      '#!/bin/sh',
      'echo "$2" > "$CS_FETCH_DIR/../python-called"',
      'if [ "$FAKE_FETCH" = complete ]; then cp -R "$FAKE_SOURCE"/. "$CS_FETCH_DIR"/; fi',
      'if [ "$FAKE_FETCH" = partial ]; then cp "$FAKE_SOURCE/config.json" "$CS_FETCH_DIR"/; fi',
    ].join('\n'), { mode: 0o755 });
    completeModel(path.join(root, 'source'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function run(o: { fetch?: 'complete' | 'partial'; waitSeconds?: number; settleSeconds?: number; shell?: string } = {}): Run {
    const env = {
      PATH: `${path.join(root, 'bin')}:${process.env.PATH}`,
      CS_CACHE_DIR: cache,
      CS_CACHE_VIEW: '/mnt/models',
      CS_LINK: path.join(root, 'pod', 'model'),
      CS_FETCH_DIR: path.join(root, 'pod', 'fetched'),
      CS_WAIT_SECONDS: String(o.waitSeconds ?? 0),
      CS_SETTLE_SECONDS: String(o.settleSeconds ?? 0),
      CS_POLL_SECONDS: '1',
      FAKE_FETCH: o.fetch ?? 'complete',
      FAKE_SOURCE: path.join(root, 'source'),
    };
    let status = 0;
    let out: string;
    try {
      out = execFileSync(o.shell ?? 'sh', ['-c', cacheCheckScript('print("fetch")')], { env, encoding: 'utf8', stdio: 'pipe' });
    } catch (e: any) {
      status = e.status;
      out = `${e.stdout}${e.stderr}`;
    }
    const linkPath = path.join(root, 'pod', 'model');
    return {
      status,
      out,
      link: fs.existsSync(linkPath) || isLink(linkPath) ? fs.readlinkSync(linkPath) : undefined,
      fetched: fs.existsSync(path.join(root, 'pod', 'python-called')),
    };
  }

  const isLink = (p: string) => { try { return fs.lstatSync(p).isSymbolicLink(); } catch { return false; } };

  test('a complete copy: the engine reads the node\'s cache, nothing is fetched', () => {
    completeModel(cache);
    const r = run();
    expect(r).toMatchObject({ status: 0, link: '/mnt/models', fetched: false });
    expect(r.out).toContain('cached copy is complete');
  });

  test('a single-file checkpoint (model.safetensors, no index) is checked the same way', () => {
    fs.mkdirSync(cache);
    fs.writeFileSync(path.join(cache, 'config.json'), '{}');
    safetensors(path.join(cache, 'model.safetensors'), { w: 64 });
    expect(run()).toMatchObject({ status: 0, link: '/mnt/models', fetched: false });
    safetensors(path.join(cache, 'model.safetensors'), { w: 64 }, 1);
    expect(run()).toMatchObject({ status: 0, link: path.join(root, 'pod', 'fetched'), fetched: true });
  });

  test.each([
    ['an empty directory (the kubelet created the subPath)', () => fs.mkdirSync(cache)],
    ['no directory at all', () => undefined],
    ['a shard still being written at its final name (GCS)', () => {
      completeModel(cache);
      safetensors(path.join(cache, 'model-00002-of-00002.safetensors'), { 'b.weight': 1500, 'c.weight': 500 }, 700);
    }],
    ['a shard cut inside its header', () => {
      completeModel(cache);
      fs.truncateSync(path.join(cache, 'model-00001-of-00002.safetensors'), 20);
    }],
    ['a shard the index names is missing', () => {
      completeModel(cache);
      fs.rmSync(path.join(cache, 'model-00002-of-00002.safetensors'));
    }],
    ['shards without config.json yet', () => {
      completeModel(cache);
      fs.rmSync(path.join(cache, 'config.json'));
    }],
    ['shards without the index yet', () => {
      completeModel(cache);
      fs.rmSync(path.join(cache, 'model.safetensors.index.json'));
    }],
    ['a Hugging Face download still in progress', () => {
      completeModel(cache);
      fs.mkdirSync(path.join(cache, '.cache', 'huggingface', 'download'), { recursive: true });
      fs.writeFileSync(path.join(cache, '.cache', 'huggingface', 'download', 'tokenizer.json.abc.incomplete'), '');
    }],
  ])('%s: the pod fetches its own copy and the engine reads it', (_, prepare) => {
    prepare();
    const r = run();
    expect(r).toMatchObject({ status: 0, link: path.join(root, 'pod', 'fetched'), fetched: true });
    expect(r.out).toContain('fetching the weights into the pod');
  });

  test('it waits for the node agent up to the bound, then fetches', () => {
    fs.mkdirSync(cache);
    const started = Date.now();
    const r = run({ waitSeconds: 2 });
    expect(r.out).toContain('waiting for the node agent');
    expect(r).toMatchObject({ status: 0, fetched: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  test('a fetched copy that is itself incomplete fails the init container (the kubelet retries it), never links', () => {
    fs.mkdirSync(cache);
    const r = run({ fetch: 'partial' });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('the fetched copy is incomplete');
    expect(r.link).toBeUndefined();
  });

  test('a restarted init container reuses a whole copy it fetched before', () => {
    fs.mkdirSync(cache);
    completeModel(path.join(root, 'pod', 'fetched'));
    expect(run()).toMatchObject({ status: 0, link: path.join(root, 'pod', 'fetched'), fetched: false });
  });

  test('a copy changed in the last minute is trusted only once its listing stays the same over the settle interval', () => {
    completeModel(cache);
    const started = Date.now();
    expect(run({ settleSeconds: 2 })).toMatchObject({ status: 0, link: '/mnt/models', fetched: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  test('a copy nothing changed in for a minute is trusted at once', () => {
    completeModel(cache);
    // ctime cannot be set back: a find that reports no recent change stands in for a minute's quiet.
    fs.writeFileSync(path.join(root, 'bin', 'find'), [
      '#!/bin/sh',
      'for a in "$@"; do [ "$a" = -cmin ] && exit 0; done',
      `exec ${execFileSync('sh', ['-c', 'command -v find'], { encoding: 'utf8' }).trim()} "$@"`,
    ].join('\n'), { mode: 0o755 });
    const started = Date.now();
    expect(run({ settleSeconds: 30 })).toMatchObject({ status: 0, link: '/mnt/models', fetched: false });
    expect(Date.now() - started).toBeLessThan(20000);
  });

  test('it runs under bash as well as sh', () => {
    completeModel(cache);
    expect(run({ shell: 'bash' })).toMatchObject({ status: 0, link: '/mnt/models' });
  });
});

describe('LocalModelCache fallback on the synthesized pod', () => {
  const URI = 'hf://Qwen/Qwen2.5-0.5B-Instruct';
  const nvme = () => CacheNodeGroup.localNvme({ path: '/mnt/nvme/models', storageLimit: Size.gibibytes(100), name: 'nvme-l4' });
  const key = (uri: string) => createHash('sha256').update(uri).digest('hex').slice(0, 16);
  const init = (m: any[]) => predictor(m).initContainers?.find((c: any) => c.name === 'lmc-check');
  const initEnv = (m: any[]) => Object.fromEntries(init(m).env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

  test('by default an init container checks the node\'s copy and the engine reads the link it writes', () => {
    const m = synth({ weights: WeightSource.localModelCache(URI, { nodeGroup: nvme() }) }, 'llm').manifests;
    const c = init(m);
    expect(c.image).toBe(VLLM);
    expect(c.command).toEqual(['sh', '-c']);
    expect(c.securityContext).toEqual(AUX_CONTAINER_SECURITY);
    expect(initEnv(m)).toMatchObject({
      CS_CACHE_DIR: `/mnt/lmc-cache/models/${key(URI)}`,
      CS_CACHE_VIEW: '/mnt/models',
      CS_LINK: '/mnt/lmc/model',
      CS_FETCH_DIR: '/mnt/lmc/fetched',
      CS_WAIT_SECONDS: '30',
      CS_REPO_ID: 'Qwen/Qwen2.5-0.5B-Instruct',
    });
    expect(initEnv(m).CS_REVISION).toBeUndefined();
    expect(initEnv(m).HF_TOKEN).toBeUndefined();
    expect(c.args[0]).toContain('snapshot_download');
    expect(c.volumeMounts).toEqual([
      { name: 'kserve-pvc-source', mountPath: '/mnt/lmc-cache', readOnly: true },
      { name: 'lmc-weights', mountPath: '/mnt/lmc' },
    ]);
    const volumes = predictor(m).volumes;
    // KServe's own volume name, so its webhook mounts this volume into the engine instead of a second one.
    expect(volumes).toContainEqual({ name: 'kserve-pvc-source', persistentVolumeClaim: { claimName: 'qwen-nvme-l4' } });
    expect(volumes.find((v: any) => v.name === 'lmc-weights').emptyDir.sizeLimit).toBe('2Gi');
    // The engine mounts only the link volume; KServe adds /mnt/models at admission.
    expect(container(m).volumeMounts).toContainEqual({ name: 'lmc-weights', mountPath: '/mnt/lmc', readOnly: true });
    expect(container(m).volumeMounts.map((v: any) => v.name)).not.toContain('kserve-pvc-source');
    expect(args(m)['--model']).toBe('/mnt/lmc/model');
    expect(container(m).env.find((e: any) => e.name === 'STORAGE_URI').value).toBe(URI);
  });

  test('a storage URI under the cache source: the check looks under KServe\'s subPath; s3:// and gs:// fetch with the streamer', () => {
    const m = synth({ weights: WeightSource.localModelCache('gs://models/qwen/v1', { nodeGroup: CacheNodeGroup.existing('gpu-nvme'), sourceModelUri: 'gs://models/qwen', cacheName: 'qwen-cache' }) }).manifests;
    expect(initEnv(m)).toMatchObject({ CS_CACHE_DIR: `/mnt/lmc-cache/models/${key('gs://models/qwen')}/v1`, CS_SOURCE_URI: 'gs://models/qwen/v1' });
    expect(init(m).args[0]).toContain('from runai_model_streamer import pull_files');
    expect(predictor(m).volumes).toContainEqual({ name: 'kserve-pvc-source', persistentVolumeClaim: { claimName: 'qwen-cache-gpu-nvme' } });
  });

  test('a revision and a token: the token reaches the init container by Secret reference only', () => {
    const fallback = LocalModelCacheFallback.fetch({ waitFor: Duration.minutes(2), token: { name: 'hf', key: 'token' } });
    const m = synth({ weights: WeightSource.localModelCache('hf://Qwen/Qwen2.5-0.5B-Instruct:a8b602d9', { nodeGroup: nvme(), fallback }) }).manifests;
    expect(initEnv(m)).toMatchObject({ CS_REVISION: 'a8b602d9', CS_WAIT_SECONDS: '120', HF_TOKEN: { secretKeyRef: { name: 'hf', key: 'token' } } });
    expect(container(m).env.map((e: any) => e.name)).not.toContain('HF_TOKEN');
  });

  test('LocalModelCacheFallback.none(): the engine reads KServe\'s mount, no init container, no volume', () => {
    const m = synth({ weights: WeightSource.localModelCache(URI, { nodeGroup: nvme(), fallback: LocalModelCacheFallback.none() }) }).manifests;
    expect(init(m)).toBeUndefined();
    expect(args(m)['--model']).toBe('/mnt/models');
    expect((predictor(m).volumes ?? []).map((v: any) => v.name)).not.toContain('kserve-pvc-source');
  });

  test.each([
    ['KServe Knative', Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature) })],
    ['KServe Standard', Backend.kserveStandard({ autoscaler: StandardAutoscaler.HPA })],
  ])('%s: schema-valid, no findings, the same init container', (_, backend) => {
    const app = Testing.app();
    const chart = new Chart(app, 'serving', { namespace: 'llm' });
    new ColdStartOptimizedModel(chart, 'qwen', baseProps({ backend, weights: WeightSource.localModelCache(URI, { nodeGroup: nvme() }) }));
    const m = Testing.synth(chart);
    expect(m.flatMap(schemaErrors)).toEqual([]);
    expect(Findings.of(app).map(f => f.ruleId)).toEqual([]);
    expect(init(m).name).toBe('lmc-check');
    expect(args(m)['--model']).toBe('/mnt/lmc/model');
  });

  test('Knative: the claim is not read-only at the volume, so the revision needs the persistent-volume write flag', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'serving', { namespace: 'llm' });
    const enabled = Object.values(KnativeFeature).filter(f => f !== KnativeFeature.PERSISTENT_VOLUME_WRITE);
    new ColdStartOptimizedModel(chart, 'qwen', baseProps({ backend: Backend.kserveKnative({ enabledFeatures: enabled }), weights: WeightSource.localModelCache(URI, { nodeGroup: nvme() }) }));
    Testing.synth(chart);
    const f = Findings.of(app).find(x => x.ruleId === 'CS-KSV-002');
    expect(JSON.stringify(f)).toContain('kubernetes.podspec-persistent-volume-write');
  });

  test('the estimate charges a download (plus the wait) on a new node, none on a node a warm buffer held', () => {
    const report = (capacity: CapacityOptions | undefined, fallback?: LocalModelCacheFallback) => {
      const chart = new Chart(Testing.app(), 'serving', { namespace: 'llm' });
      const model = new ColdStartOptimizedModel(chart, 'qwen', baseProps({ capacity, weights: WeightSource.localModelCache(URI, { nodeGroup: nvme(), fallback }) }));
      return model.estimate;
    };
    const cold = report(undefined);
    const warm = report({ warmBuffer: { enabled: true } });
    const noWait = report(undefined, LocalModelCacheFallback.fetch({ waitFor: Duration.seconds(0) }));
    expect(cold.weightLoadSeconds - noWait.weightLoadSeconds).toBeCloseTo(30, 6);
    expect(noWait.weightLoadSeconds).toBeGreaterThan(warm.weightLoadSeconds);
  });

  test('the report names the new node\'s fetch and offers a warm buffer for it; a held node gets neither', () => {
    const report = (capacity?: CapacityOptions) => {
      const { app } = synth({ capacity, weights: WeightSource.localModelCache(URI, { nodeGroup: nvme() }) }, 'llm');
      return fs.readFileSync(path.join(app.outdir, COLDSTART_REPORT_FILE), 'utf8');
    };
    const cold = report();
    expect(cold).toMatch(/a new node has no cached copy: \d+(\.\d+)? s to fetch it first/);
    expect(cold).toMatch(/warm buffer \(a held node keeps its cached copy\): -\d+/);
    const warm = report({ warmBuffer: { enabled: true } });
    expect(warm).not.toContain('a new node has no cached copy');
    expect(warm).not.toContain('a held node keeps its cached copy');
  });

  test.each([
    ['an https:// storage URI', () => WeightSource.localModelCache('https://example.com/qwen.tar', { nodeGroup: nvme() }), 'WeightSource.localModelCache', 'CS-IN-063', 'no downloader for https://'],
    ['an hf:// URI KServe would not read', () => WeightSource.localModelCache('hf://Qwen/Qwen2.5/extra', { nodeGroup: nvme() }), 'WeightSource.localModelCache', 'CS-IN-063', 'not hf://<owner>/<model>'],
    ['a Hugging Face token with gs://', () => WeightSource.localModelCache('gs://models/qwen', { nodeGroup: nvme(), fallback: LocalModelCacheFallback.fetch({ token: { name: 'hf', key: 'token' } }) }), 'WeightSource.localModelCache', 'CS-IN-063', 'token is set'],
    ['a fraction of a second', () => LocalModelCacheFallback.fetch({ waitFor: Duration.millis(1500) }), 'LocalModelCacheFallback.fetch', 'CS-IN-064', 'waitFor'],
    ['a wait over an hour', () => LocalModelCacheFallback.fetch({ waitFor: Duration.hours(2) }), 'LocalModelCacheFallback.fetch', 'CS-IN-064', 'waitFor'],
    ['a token literal as the Secret name', () => LocalModelCacheFallback.fetch({ token: { name: 'hf_abcdefghijklmnopqrstuvwxyz', key: 'token' } }), 'LocalModelCacheFallback.fetch', 'CS-IN-015', ''],
    ['a fallback that is not a LocalModelCacheFallback', () => WeightSource.localModelCache(URI, { nodeGroup: nvme(), fallback: {} as any }), 'WeightSource.localModelCache', 'CS-IN-059', 'not a LocalModelCacheFallback'],
  ])('%s is refused', (_, make, site, id, text) => {
    expect(make).toThrow(new RegExp(`^${site.replace('.', '\\.')}: \\[${id}\\] .*${text}.*Fix: `));
  });

  test('an https:// source with the fallback off is accepted', () => {
    const m = synth({ weights: WeightSource.localModelCache('https://example.com/qwen.tar', { nodeGroup: nvme(), fallback: LocalModelCacheFallback.none() }) }).manifests;
    expect(find(m, 'LocalModelCache')).toHaveLength(1);
  });

  test('no credential in the script, whatever the URI', () => {
    const m = synth({ weights: WeightSource.localModelCache('s3://models/qwen', { nodeGroup: nvme() }) }).manifests;
    expect(init(m).args[0]).not.toContain('s3://models/qwen');
    expect(initEnv(m).CS_SOURCE_URI).toBe('s3://models/qwen');
  });
});
