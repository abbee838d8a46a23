import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { XMLParser } from 'fast-xml-parser';
import { cli, THIRD_PARTY } from './util';
import { estimateWorkloads, WorkloadEstimate } from '../../src/check/estimate';
import { parseManifests } from '../../src/check/input';

const IMAGE = `vllm/vllm-openai@sha256:${'e'.repeat(64)}`;

interface Server {
  args?: string[];
  env?: Record<string, string>;
  mounts?: Record<string, any>;
  annotations?: Record<string, string>;
  init?: any[];
  container?: any;
}

/** A vLLM Deployment: each mount is `{ path: volume source }`, named v0, v1, ... */
function server(s: Server = {}): any {
  const mounts = Object.entries(s.mounts ?? {});
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'm', annotations: s.annotations },
    spec: {
      template: {
        spec: {
          initContainers: s.init,
          containers: [{
            name: 'vllm',
            image: IMAGE,
            args: s.args ?? ['--model=Qwen/Qwen2.5-0.5B-Instruct'],
            env: Object.entries(s.env ?? {}).map(([name, value]) => ({ name, value })),
            resources: { limits: { 'nvidia.com/gpu': '1' } },
            volumeMounts: mounts.map(([mountPath], i) => ({ name: `v${i}`, mountPath })),
            ...s.container,
          }],
          volumes: mounts.map(([, source], i) => ({ name: `v${i}`, ...source })),
        },
      },
    },
  };
}

function isvc(predictor: any, annotations?: Record<string, string>): any {
  return { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'isvc', annotations }, spec: { predictor } };
}

const yaml = (...objects: any[]) => objects.map(o => JSON.stringify(o)).join('\n---\n');
function estimates(...objects: any[]): WorkloadEstimate[] {
  return estimateWorkloads(parseManifests(yaml(...objects), 'stdin').manifests);
}
function only(...objects: any[]): WorkloadEstimate {
  const all = estimates(...objects);
  expect(all).toHaveLength(1);
  return all[0];
}
const facts = (...objects: any[]) => only(...objects).assessment!.inputs.facts;

describe('the weight path, from the manifest', () => {
  const vllmIsvc = (extra: any) => isvc({ containers: [{ name: 'kserve-container', image: IMAGE, args: ['--model=/mnt/models', '--served-model-name=llama-3-8b'], ...extra }] });
  test.each([
    ['KServe storageUri oci://', isvc({ model: { modelFormat: { name: 'huggingface' }, storageUri: 'oci://reg/llama-3-8b@sha256:abc' } }), 'oci-modelcar'],
    ['KServe storageUri hf://', isvc({ model: { modelFormat: { name: 'huggingface' }, storageUri: 'hf://meta-llama/Llama-3.1-8B' } }), 'hf-hub'],
    ['KServe STORAGE_URI s3://', vllmIsvc({ env: [{ name: 'STORAGE_URI', value: 's3://b/llama-3-8b' }] }), 'object-storage'],
    ['KServe STORAGE_URI gs://', vllmIsvc({ env: [{ name: 'STORAGE_URI', value: 'gs://b/llama-3-8b' }] }), 'object-storage'],
    ['--model s3://', server({ args: ['--model', 's3://bucket/Llama-3.1-8B'] }), 'object-storage'],
    ['--model gs://', server({ args: ['--model=gs://bucket/Llama-3.1-8B'] }), 'object-storage'],
    ['a Hub id, no volume, online', server(), 'hf-hub'],
    ['vllm serve <Hub id> in a shell string', server({ args: ['vllm serve Qwen/Qwen2.5-0.5B-Instruct --port 8000'], container: { command: ['/bin/sh', '-c'] } }), 'hf-hub'],
    ['a Hub id, its cache (HF_HOME) on a PVC', server({ env: { HF_HOME: '/data' }, mounts: { '/data': { persistentVolumeClaim: { claimName: 'c' } } } }), 'shared-volume'],
    ['a Hub id, its cache on an emptyDir', server({ mounts: { '/root/.cache/huggingface': { emptyDir: {} } } }), 'hf-hub'],
    ['a Hub id offline, no volume: the weights are in the image', server({ env: { HF_HUB_OFFLINE: '1' } }), 'oci-modelcar'],
    ['a path on a PVC', server({ args: ['--model=/models/qwen-0.5b'], mounts: { '/models': { persistentVolumeClaim: { claimName: 'w' } } } }), 'shared-volume'],
    ['a path on a hostPath', server({ args: ['--model=/models/qwen-0.5b'], mounts: { '/models': { hostPath: { path: '/mnt/nvme' } } } }), 'local-nvme'],
    ['a path on the GCS FUSE CSI driver', server({ args: ['--model=/models/qwen-0.5b'], mounts: { '/models': { csi: { driver: 'gcsfuse.csi.storage.gke.io' } } } }), 'gcs-fuse'],
    ['a path on an emptyDir an init container fills', server({
      args: ['--model=/models/qwen-0.5b'],
      mounts: { '/models': { emptyDir: {} } },
      init: [{ name: 'download', image: 'dl', volumeMounts: [{ name: 'v0', mountPath: '/models' }] }],
    }), 'hf-hub'],
    ['a path in no volume: the weights are in the image', server({ args: ['--model=/opt/qwen-0.5b'] }), 'oci-modelcar'],
  ])('%s', (_, object, path) => {
    expect(facts(object).weightPath).toBe(path);
  });

  test('each inference says what it read and what it assumed', () => {
    const e = only(server({ args: ['--model=/models/qwen-0.5b'], mounts: { '/models': { hostPath: { path: '/mnt/nvme' } } } }));
    expect(e.evidence).toEqual(['model /models/qwen-0.5b', 'volume "v0" at /models: hostPath /mnt/nvme', '0.5B parameters in bf16 from the model name']);
    expect(e.assumptions).toContain('the node directory is on local NVMe and already filled');
    const init = only(server({
      args: ['--model=/models/qwen-0.5b'],
      mounts: { '/models': { emptyDir: {} } },
      init: [{ name: 'download', image: 'dl', volumeMounts: [{ name: 'v0', mountPath: '/models' }] }],
    }));
    expect(init.evidence).toContain('volume "v0" at /models: emptyDir filled by init container "download"');
  });

  test('a KServe huggingface predictor told another backend is no vLLM workload', () => {
    const predictor = (args: string[]) => isvc({ model: { modelFormat: { name: 'huggingface' }, args, storageUri: 'hf://Qwen/Qwen2.5-0.5B' } });
    expect(estimates(predictor(['--backend=huggingface']))).toEqual([]);
    expect(estimates(predictor(['--backend=vllm']))).toHaveLength(1);
  });

  test('no model anywhere: no estimate, and why', () => {
    expect(only(server({ args: ['--port=8000'] })).missing).toBe('no model in the command line or storage URI: weight path unknown');
  });
});

describe('the other inputs', () => {
  test('streamer concurrency: from --model-loader-extra-config, else the streamer default (8 on object stores, 16 elsewhere)', () => {
    expect(facts(server({ args: ['--model=Qwen/Qwen2.5-0.5B', '--load-format', 'runai_streamer', '--model-loader-extra-config', '{"concurrency": 32}'] })).streamerConcurrency).toBe(32);
    expect(facts(server({ args: ['--model=Qwen/Qwen2.5-0.5B', '--load-format=runai_streamer'] })).streamerConcurrency).toBe(16);
    expect(facts(server({ args: ['--model=s3://b/Qwen2.5-0.5B', '--load-format=runai_streamer'] })).streamerConcurrency).toBe(8);
    expect(facts(server()).streamerConcurrency).toBeUndefined();
  });

  test('eager, sleep mode', () => {
    expect(facts(server({ args: ['--model=Qwen/Qwen2.5-0.5B', '--enforce-eager', '--enable-sleep-mode'] }))).toMatchObject({ eager: true, sleepMode: true });
    expect(facts(server())).toMatchObject({ eager: false, compile: true, sleepMode: false });
  });

  test('LoRA: --enable-lora in any spelling vLLM reads as on', () => {
    expect(facts(server({ args: ['--model=Qwen/Qwen2.5-0.5B', '--enable-lora'] })).loraAdapters).toBe(true);
    expect(facts(server({ args: ['--model=Qwen/Qwen2.5-0.5B', '--enable-lora', '--no-enable-lora'] })).loraAdapters).toBe(false);
    expect(facts(server()).loraAdapters).toBe(false);
  });

  test('optimization level 0 in any spelling turns compile and graph capture off', () => {
    const m = '--model=Qwen/Qwen2.5-0.5B';
    for (const args of [[m, '-O0'], [m, '-O', '0'], [m, '-O=0'], [m, '--optimization-level', '0'], [m, '--optimization_level=0'],
      [m, '-O.mode=0'], [m, '--compilation-config', '{"level": 0}'], [m, '--compilation-config={"mode":0}']]) {
      expect([args, facts(server({ args })).compile]).toEqual([args, false]);
    }
    for (const args of [[m], [m, '-O2'], [m, '-O', '3'], [m, '--compilation-config', '{"level": 3}'], [m, '-O00x']]) {
      expect([args, facts(server({ args })).compile]).toEqual([args, true]);
    }
    const off = only(server({ args: [m, '-O0'] }));
    expect(off.evidence).toContain('-O0 (no compile, no CUDA graphs)');
    const on = only(server({ args: [m] }));
    expect(on.assessment!.detail.compileSeconds).toBeGreaterThan(0);
    expect(off.assessment!.detail.compileSeconds).toBe(0);
    expect(off.assessment!.detail.graphCaptureSeconds).toBe(0);
  });

  test('persistent compile cache: /root/.cache or VLLM_CACHE_ROOT on a PVC', () => {
    const pvc = { persistentVolumeClaim: { claimName: 'cache' } };
    expect(facts(server({ mounts: { '/root/.cache': pvc } })).persistentCompileCache).toBe(true);
    expect(facts(server({ env: { VLLM_CACHE_ROOT: '/cache/vllm' }, mounts: { '/cache': pvc } })).persistentCompileCache).toBe(true);
    // The Hugging Face cache alone on a claim keeps the weights, not the compile artifacts.
    expect(facts(server({ mounts: { '/root/.cache/huggingface': pvc } })).persistentCompileCache).toBe(false);
    expect(facts(server({ mounts: { '/root/.cache': { emptyDir: {} } } })).persistentCompileCache).toBe(false);
  });

  test('warmup: an exec startup probe that runs a completion', () => {
    const probe = (command: string[]) => server({ container: { startupProbe: { exec: { command }, periodSeconds: 10, failureThreshold: 60 } } });
    expect(facts(probe(['sh', '-c', 'curl -sf localhost:8000/v1/completions -d \'{"prompt":"hi","max_tokens":1}\''])).warmup).toBe(true);
    expect(facts(probe(['sh', '-c', 'curl -sf localhost:8000/health'])).warmup).toBe(false);
    expect(facts(server()).warmup).toBe(false);
  });

  describe('image arrival', () => {
    const ds = (...images: string[]) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'pre-pull' },
      spec: { template: { spec: { initContainers: images.map((image, i) => ({ name: `pull-${i}`, image, command: ['true'] })), containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10' }] } } },
    });
    const pc = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'buffer' }, value: -10 };
    const buffer = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'warm' },
      spec: { template: { spec: { priorityClassName: 'buffer', containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { limits: { 'nvidia.com/gpu': '1' } } }] } } },
    };
    const MODELCAR = `reg/llama-3-8b@sha256:${'c'.repeat(64)}`;
    const modelcar = isvc({ containers: [{ name: 'kserve-container', image: IMAGE, args: ['--model=/mnt/models', '--served-model-name=llama-3-8b'], env: [{ name: 'STORAGE_URI', value: `oci://${MODELCAR}` }] }] });

    test('pre-pulled when a DaemonSet in the input runs the same image on a node a warm buffer holds', () => {
      const e = estimates(server(), ds(IMAGE), pc, buffer)[0];
      expect(e.assessment!.inputs.facts).toMatchObject({ imageArrival: 'pre-pulled', prePull: true });
      expect(e.assessment!.detail.imagePullSeconds).toBe(0);
      expect(e.evidence).toContain('DaemonSet/pre-pull pre-pulls the image');
      expect(estimates(server(), ds('vllm/vllm-openai:v0.11.0'), pc, buffer)[0].assessment!.inputs.facts).toMatchObject({ imageArrival: 'registry', prePull: false });
    });

    test('on a new node the DaemonSet pulls as the node comes up: the registry pull is counted, as synth counts it', () => {
      const e = estimates(server(), ds(IMAGE))[0];
      expect(e.assessment!.inputs.facts).toMatchObject({ imageArrival: 'registry', prePull: true, capacityArrival: 'cold-node' });
      expect(e.assessment!.detail.imagePullSeconds).toBeCloseTo(12e9 / 50e6);
      expect(e.assumptions).toContain('the image is pulled from the registry on a new node (12 GB): the pre-pull helps only a node held before the wake');
    });

    test('a modelcar the DaemonSet pre-pulls onto a held node is read from the node, not pulled again', () => {
      const held = only(modelcar, ds(IMAGE, MODELCAR), pc, buffer);
      expect(held.assessment!.inputs.facts).toMatchObject({ weightPath: 'oci-modelcar', modelcarPrePulled: true });
      expect(held.assessment!.detail.weightFetchSeconds).toBe(0);
      expect(held.evidence).toContain('DaemonSet/pre-pull pre-pulls the weights\' image');
      // The engine image alone in the DaemonSet, or a new node: the modelcar comes from the registry.
      expect(only(modelcar, ds(IMAGE), pc, buffer).assessment!.detail.weightFetchSeconds).toBeCloseTo(16e9 / 160e6);
      expect(only(modelcar, ds(IMAGE, MODELCAR)).assessment!.inputs.facts.modelcarPrePulled).toBe(false);
    });

    test('weights baked into the engine image arrive with it', () => {
      const baked = server({ env: { HF_HUB_OFFLINE: '1' } });
      expect(only(baked, ds(IMAGE), pc, buffer).assessment!.inputs.facts).toMatchObject({ weightPath: 'oci-modelcar', imageArrival: 'pre-pulled', modelcarPrePulled: true });
      expect(only(baked, ds(IMAGE)).assessment!.inputs.facts.modelcarPrePulled).toBe(false);
    });
  });

  test('capacity arrival: a warm buffer when GPU pause pods run at a negative priority', () => {
    const pc = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'buffer' }, value: -10 };
    const pause = (gpu: boolean) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'warm' },
      spec: {
        template: {
          spec: {
            priorityClassName: 'buffer',
            containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: gpu ? { limits: { 'nvidia.com/gpu': '1' } } : {} }],
          },
        },
      },
    });
    const e = estimates(server(), pc, pause(true))[0];
    expect(e.assessment!.inputs.facts.capacityArrival).toBe('warm-buffer');
    expect(e.evidence).toContain('Deployment/warm holds GPU nodes with pause pods at negative priority');
    expect(estimates(server(), pc, pause(false))[0].assessment!.inputs.facts.capacityArrival).toBe('cold-node');
    expect(estimates(server(), pause(true))[0].assessment!.inputs.facts.capacityArrival).toBe('cold-node');
    // Sized by a ScaledObject from 0 (a scheduled pre-warm), the buffer is not always there; from 1 it is.
    const scaled = (min?: number) => ({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'warm-prewarm' },
      spec: { scaleTargetRef: { name: 'warm' }, ...(min === undefined ? {} : { minReplicaCount: min }), triggers: [] },
    });
    const fromZero = estimates(server(), pc, pause(true), scaled())[0];
    expect(fromZero.assessment!.inputs.facts.capacityArrival).toBe('cold-node');
    expect(fromZero.assumptions).toContain('Deployment/warm holds GPU nodes only while its ScaledObject\'s triggers are active (minReplicaCount 0): not counted');
    expect(estimates(server(), pc, pause(true), scaled(1))[0].assessment!.inputs.facts.capacityArrival).toBe('warm-buffer');
  });
});

describe('the model size', () => {
  const bytes = (s: Server) => only(server(s)).assessment?.inputs.weightBytes;
  test.each([
    ['Qwen/Qwen2.5-0.5B-Instruct', 0.5e9 * 2],
    ['meta-llama/Llama-3.1-70B-Instruct', 70e9 * 2],
    ['meta-llama/meta-llama-3-8b-instruct', 8e9 * 2],
    ['HuggingFaceTB/SmolLM2-135M', 135e6 * 2],
    ['Qwen/Qwen3-30B-A3B', 30e9 * 2],
    ['hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4', 8e9 * 0.5],
    ['TheBloke/Mistral-7B-Instruct-v0.2-GPTQ', 7e9 * 0.5],
    ['neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8', 70e9],
    ['nvidia/Llama-3.1-8B-Instruct-NVFP4', 8e9 * 4.5 / 8],
    ['org/Qwen3-32B-MXFP4', 32e9 * 4.25 / 8],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', undefined],
    ['microsoft/phi-2', undefined],
  ])('from the model name %s', (model, expected) => {
    expect(bytes({ args: [`--model=${model}`] })).toBe(expected);
  });

  test('from the served model name when the model names no count', () => {
    const e = only(server({ args: ['--model=/models/m', '--served-model-name', 'llama-3.1-8b'], mounts: { '/models': { persistentVolumeClaim: { claimName: 'w' } } } }));
    expect(e.assessment!.inputs.weightBytes).toBe(16e9);
    expect(e.evidence).toContain('8B parameters in bf16 from the served model name llama-3.1-8b');
    expect(e.assumptions).toContain('bf16 weights (no AWQ/GPTQ/int4/MXFP4/NVFP4/int8/fp8 marker in the name)');
  });

  test('from the annotation, which wins over the name: a quantity or parameters/precision', () => {
    expect(bytes({ annotations: { 'coldstart.cdk8s.io/model-size': '140Gi' } })).toBe(140 * 2 ** 30);
    expect(bytes({ annotations: { 'coldstart.cdk8s.io/model-size': '70B/bf16' } })).toBe(140e9);
    expect(bytes({ annotations: { 'coldstart.cdk8s.io/model-size': '0.5B/int4' } })).toBe(0.25e9);
    expect(only(isvc({ model: { modelFormat: { name: 'huggingface' }, storageUri: 'oci://r/m@sha256:abc' } }, { 'coldstart.cdk8s.io/model-size': '16G' }))
      .assessment!.inputs.weightBytes).toBe(16e9);
  });

  test('an invalid annotation stops the check (exit 2) naming file, line and object', () => {
    const r = cli(['check', '-'], yaml(server({ annotations: { 'coldstart.cdk8s.io/model-size': '70B' } })));
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('cdk8s-coldstart: stdin:1: Deployment/m: annotation coldstart.cdk8s.io/model-size: "70B" is neither a quantity of bytes (140Gi) '
      + 'nor parameters/precision (70B/bf16; precision one of fp32, bf16, fp16, fp8, int8, int4, mxfp4, nvfp4)\n');
  });

  test('unknown: no estimate, and the annotation to add', () => {
    const e = only(server({ args: ['--model=/models/m'], mounts: { '/models': { persistentVolumeClaim: { claimName: 'w' } } } }));
    expect(e.assessment).toBeUndefined();
    expect(e.missing).toBe('model size unknown; add the coldstart.cdk8s.io/model-size annotation');
  });
});

describe('the output', () => {
  // Passes every baseline rule, so the table shows the estimate alone.
  const ok = server({
    args: ['--model=Qwen/Qwen2.5-0.5B-Instruct', '--gpu-memory-utilization=0.6'],
    env: { HF_HOME: '/data' },
    mounts: { '/data': { persistentVolumeClaim: { claimName: 'c' } }, '/dev/shm': { emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } } },
    container: {
      resources: { limits: { 'memory': '24Gi', 'nvidia.com/gpu': '1' } },
      startupProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, failureThreshold: 60 },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 1000 },
    },
  });
  ok.spec.template.spec.enableServiceLinks = false;
  ok.spec.template.spec.automountServiceAccountToken = false;

  test('table: one line per workload after its findings, like synth\'s, with what it read and assumed', () => {
    const r = cli(['check', '-'], yaml(ok));
    expect(r.stdout).toBe([
      'stdin:1  Deployment/m',
      '  estimate: cold start ~379.4 s (capacity 100 s, image 240 s, weights 5.6 s, runtime 33.9 s); startup ~39.4 s vs. startup probe 600 s; physical limit 17 s',
      '    from: model Qwen/Qwen2.5-0.5B-Instruct; Hugging Face cache /data/hub in volume "v0" at /data: PVC c; 0.5B parameters in bf16 from the model name',
      '    assumed: the cache volume already holds the weights (only the first start downloads them); the claim is a shared network volume (NFS-like, ~400 MB/s); '
        + 'bf16 weights (no AWQ/GPTQ/int4/MXFP4/NVFP4/int8/fp8 marker in the name); image pulled from the registry (12 GB); a new GPU node (100 s); '
        + 'no CPU request: 4 cores (4 per GPU) for process start and compile',
      '',
      'No findings.',
      '',
      '0 errors, 0 warnings, 0 suppressed (1 object in 1 file; profile lab, cloud generic)',
      '',
    ].join('\n'));
    expect(r.code).toBe(0);
  });

  test('JSON: an estimates array with the inputs, seconds per lever, the probe, evidence and assumptions; SARIF has none', () => {
    const r = cli(['check', '--format', 'json', '-'], yaml(ok, server({ args: ['--model=/opt/m'] })));
    const [known, unknown] = JSON.parse(r.stdout).estimates;
    expect(known).toMatchObject({
      file: 'stdin',
      line: 1,
      object: 'Deployment/m',
      container: 'vllm',
      probe: { probe: 'startup', seconds: 600 },
      modelSize: '0.5B parameters in bf16',
      inputs: { weightPath: 'shared-volume', imageArrival: 'registry', capacityArrival: 'cold-node', eager: false, weightBytes: 1e9 },
      seconds: { total: 379.4, nodeCapacity: 100, imagePull: 240, weightLoad: 5.6, runtime: 33.9, startup: 39.4, physicalLimit: 17 },
    });
    expect(unknown).toMatchObject({ missing: 'model size unknown; add the coldstart.cdk8s.io/model-size annotation', probe: { probe: 'none' } });
    expect(unknown.seconds).toBeUndefined();
    const sarif = cli(['check', '--format', 'sarif', '-'], yaml(ok)).stdout;
    expect(sarif).not.toMatch(/estimate|cold start ~/);
  });

  test('--report writes coldstart-report.md and one waterfall SVG per workload, as synth does', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'report-')), 'out');
    const r = cli(['check', '--report', dir, THIRD_PARTY]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cdk8s-coldstart: wrote ${join(dir, 'coldstart-report.md')} and 4 waterfall SVGs\n`);
    expect(readdirSync(dir).sort()).toEqual([
      'coldstart-report.md',
      'huggingface-llama3-coldstart.svg',
      'huggingface-llama3-hf-uri-coldstart.svg',
      'mistral-7b-coldstart.svg',
      'vllm-llama3-deployment-vllm-coldstart.svg',
    ]);
    const md = readFileSync(join(dir, 'coldstart-report.md'), 'utf8');
    expect(md).toMatch(/^# Cold-start estimate\n/);
    expect(md).toContain('## mistral-7b (`default/Deployment/mistral-7b`)\n\n![cold-start waterfall of mistral-7b](mistral-7b-coldstart.svg)');
    expect(md).toContain('Startup probe: weight load + runtime = 117.6 (42.5-667.7) s estimated; the probe allows 90 s.');
    expect(md).toContain('Startup probe: weight load + runtime = 141.4 (90.6-343.6) s estimated; no startup or liveness probe limits it.');
    expect(md).not.toContain('Infinity');
    expect(md).toContain('## What the checker read and assumed\n\n- `InferenceService/huggingface-llama3` (');
    for (const svg of readdirSync(dir).filter(f => f.endsWith('.svg'))) {
      expect(() => new XMLParser().parse(readFileSync(join(dir, svg), 'utf8'))).not.toThrow();
    }
    expect(readFileSync(join(dir, 'mistral-7b-coldstart.svg'), 'utf8')).toContain('default/Deployment/mistral-7b: ~457.6 s cold start');
  });

  test('--report with no estimate writes nothing and says so', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'report-')), 'out');
    const r = cli(['check', '--report', dir, '-'], yaml(server({ args: ['--model=/opt/m'] })));
    expect(r.stderr).toBe(`cdk8s-coldstart: --report: no workload with a cold-start estimate; nothing written to ${dir}\n`);
    expect(() => readdirSync(dir)).toThrow();
  });

  test('credentials in a model URI or storage URI are never printed', () => {
    const objects = yaml(
      server({ args: ['--model=s3://AKIAFIXTURE:secretFixture@bucket/Llama-3.1-8B', '--served-model-name=https://u:pw0rdFixture@x/llama-3.1-8b'] }),
      isvc({ model: { modelFormat: { name: 'huggingface' }, storageUri: 'hf://hfuser:hf_TokenFixture@meta-llama/Llama-3.1-8B' } }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const outputs = ['table', 'json', 'sarif'].map(format => cli(['check', '--format', format, '--report', dir, '-'], objects));
    const written = readdirSync(dir).map(f => readFileSync(join(dir, f), 'utf8'));
    for (const text of [...outputs.map(o => o.stdout + o.stderr), ...written]) {
      expect(text).not.toMatch(/AKIAFIXTURE|secretFixture|pw0rdFixture|hfuser|hf_TokenFixture/);
    }
    expect(outputs[0].stdout).toContain('model s3://***@bucket/Llama-3.1-8B');
    expect(outputs[0].stdout).toContain('storage URI hf://***@meta-llama/Llama-3.1-8B');
  });
});

describe('published configurations (test/fixtures/third-party)', () => {
  const of = (file: string) => JSON.parse(cli(['check', '--format', 'json', join(THIRD_PARTY, file)]).stdout).estimates;

  test('vLLM docs GPU example: Mistral-7B (14 GB bf16, from the name) from the HF cache on its PVC, assumed filled; the liveness probe restarts at 90 s', () => {
    const [e] = of('vllm-docs-k8s-gpu.yaml');
    expect(e).toMatchObject({
      object: 'Deployment/mistral-7b',
      probe: { probe: 'liveness', seconds: 90 },
      inputs: { weightPath: 'shared-volume', imageArrival: 'registry', capacityArrival: 'cold-node', eager: false, persistentCompileCache: false, weightBytes: 14e9 },
      seconds: { total: 457.6, startup: 117.6 },
    });
    expect(e.assumptions).toEqual([
      'the cache volume already holds the weights (only the first start downloads them)',
      'the claim is a shared network volume (NFS-like, ~400 MB/s)',
      'bf16 weights (no AWQ/GPTQ/int4/MXFP4/NVFP4/int8/fp8 marker in the name)',
      'image pulled from the registry (12 GB)',
      'a new GPU node (100 s)',
    ]);
  });

  test('production-stack basic values: Llama-3.1-8B (16 GB) from HF_HOME on the PVC, assumed filled; startup ~129 s (748 s in the slow case) against the 615 s startup probe', () => {
    const [e] = of('production-stack-helm-basic.yaml');
    expect(e).toMatchObject({
      object: 'Deployment/vllm-llama3-deployment-vllm',
      probe: { probe: 'startup', seconds: 615 },
      inputs: { weightPath: 'shared-volume', persistentCompileCache: false, weightBytes: 16e9 },
      seconds: { total: 468.8, startup: 128.8 },
    });
    expect(e.evidence).toContain('Hugging Face cache /data/hub in volume "vllm-storage" at /data: PVC vllm-llama3-storage-claim');
    expect(e.assumptions).toContain('the cache volume already holds the weights (only the first start downloads them)');
  });

  test('KServe Hugging Face runtime: both InferenceServices download Llama 3 8B from the Hub at every start (vLLM backend and runtime image assumed)', () => {
    const all = of('kserve-huggingface-llama3.yaml');
    expect(all.map((e: any) => [e.object, e.inputs.weightPath, e.inputs.weightBytes, e.probe.probe, e.seconds.total])).toEqual([
      ['InferenceService/huggingface-llama3', 'hf-hub', 16e9, 'none', 481.4],
      ['InferenceService/huggingface-llama3-hf-uri', 'hf-hub', 16e9, 'none', 481.4],
    ]);
    expect(all[0].evidence[0]).toBe('model meta-llama/meta-llama-3-8b-instruct');
    expect(all[1].evidence[0]).toBe('storage URI hf://meta-llama/meta-llama-3-8b-instruct');
    for (const e of all) {
      expect(e.assumptions).toContain('the KServe Hugging Face runtime serves it with vLLM (its default backend)');
      expect(e.assumptions).toContain('image pulled from the registry (12 GB, the runtime\'s image is not in the input)');
    }
  });
});
