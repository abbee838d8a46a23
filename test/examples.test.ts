import { execFileSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { schemaErrors } from './schema';
import { build as buildEksMistral } from '../examples/eks-mistral-efs/main';
import { build as buildGkeLlama70b } from '../examples/gke-llama-70b/main';
import { build } from '../examples/lab-qwen/main';
import { build as buildMultiModel } from '../examples/multi-model-sleep/main';
import { build as buildNodeHostPathCaches } from '../examples/node-hostpath-caches/main';
import { build as buildSharedSeeded } from '../examples/shared-llama-70b-seeded/main';
import { Aspects, ColdStartBaseline, ColdStartOptimizedModel, Findings } from '../src';
import { COLDSTART_REPORT_FILE, ColdStartReportWriter } from '../src/estimate/cold-start-report';

describe('examples/lab-qwen', () => {
  const app = build();
  const manifests = Testing.synth(app.charts[0]);

  test('passes the baseline pack with zero findings', () => {
    expect(Findings.of(app)).toEqual([]);
  });

  test('carries the baseline of all four levers', () => {
    const isvc = manifests.find(m => m.kind === 'InferenceService');
    const c = isvc.spec.predictor.containers[0];
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'STORAGE_URI', value: expect.stringMatching(/^oci:\/\/.+@sha256:[a-f0-9]{64}$/) },
      { name: 'HF_HUB_OFFLINE', value: '1' },
      { name: 'NCCL_CUMEM_ENABLE', value: '0' },
    ]));
    expect(c.image).toMatch(/@sha256:[a-f0-9]{64}$/);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.args).toEqual(expect.arrayContaining(['--load-format=runai_streamer', '--gpu-memory-utilization=0.6', '--enforce-eager']));
    expect(isvc.spec.predictor.minReplicas).toBe(0);
    expect(isvc.spec.predictor.priorityClassName).toBe('qwen-serving');
    expect(manifests.find(m => m.kind === 'PriorityClass').value).toBeGreaterThanOrEqual(0);
  });

  test('validates against the schemas', () => {
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });

  test('snapshot (safety net only)', () => {
    expect(manifests).toMatchSnapshot();
  });
});

describe('examples/eks-mistral-efs', () => {
  const app = buildEksMistral();
  const manifests = Testing.synth(app.charts[0]);
  const byName = (kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
  const deployment = byName('Deployment', 'mistral');
  const pod = deployment.spec.template.spec;
  const c = pod.containers[0];

  test('passes the baseline pack with zero findings', () => {
    expect(Findings.of(app)).toEqual([]);
  });

  test('a plain Deployment and Service on port 8000, scaled from zero by the KEDA HTTP add-on, after its volume and loader', () => {
    const kinds = manifests.map(m => `${m.kind}/${m.metadata.name}`);
    expect(kinds.sort()).toEqual([
      'DaemonSet/mistral-pre-pull', 'Deployment/mistral', 'Deployment/mistral-warm-buffer', 'EC2NodeClass/mistral-gpu',
      'InterceptorRoute/mistral', 'Job/mistral-weights-e290417c', 'NodePool/mistral-gpu', 'PersistentVolumeClaim/mistral-cache',
      'PersistentVolumeClaim/mistral-hf-cache', 'PriorityClass/mistral-serving', 'PriorityClass/mistral-warm-buffer', 'ScaledObject/mistral',
      'Service/mistral', 'Service/mistral-wake', 'StorageClass/mistral-efs',
    ]);
    const order = manifests.map(m => m.kind);
    expect(order.indexOf('Job')).toBeLessThan(order.lastIndexOf('Deployment'));
    expect(order.indexOf('StorageClass')).toBeLessThan(order.indexOf('Job'));
    // KEDA owns the count, from 0; the interceptor holds the first request for the whole wake.
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(byName('ScaledObject', 'mistral').spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 1, scaleTargetRef: { name: 'mistral' } });
    expect(byName('InterceptorRoute', 'mistral').spec).toMatchObject({
      target: { service: 'mistral', port: 8000 },
      rules: [{ hosts: ['mistral-wake.llm', 'mistral-wake.llm.svc', 'mistral-wake.llm.svc.cluster.local'] }],
      timeouts: { readiness: `${deployment.spec.progressDeadlineSeconds}s` },
    });
    expect(byName('Service', 'mistral-wake').spec.type).toBe('ExternalName');
    expect(c.args).toEqual(expect.arrayContaining(['--port=8000', '--served-model-name=mistral-7b-instruct-v0.2-awq', '--load-format=runai_streamer']));
    expect(c.args).not.toContain('--enforce-eager');
    expect(c.args).not.toContain('-O0');
    expect(byName('Service', 'mistral').spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('weights from EFS filled once by a loader Job, read offline; the pod waits for the completion marker', () => {
    expect(byName('StorageClass', 'mistral-efs')).toMatchObject({ provisioner: 'efs.csi.aws.com', parameters: { provisioningMode: 'efs-ap', fileSystemId: 'fs-0123456789abcdef0' } });
    expect(byName('PersistentVolumeClaim', 'mistral-hf-cache').spec.accessModes).toEqual(['ReadWriteMany']);
    const job = byName('Job', 'mistral-weights-e290417c').spec.template.spec;
    expect(job.automountServiceAccountToken).toBe(false);
    expect(job.containers[0].image).toBe(c.image);
    expect(c.volumeMounts).toContainEqual({ name: 'hf-cache', mountPath: '/mnt/hf', readOnly: true });
    expect(pod.initContainers.map((i: any) => i.name)).toEqual(['await-weights']);
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'HF_HUB_OFFLINE', value: '1' }, { name: 'TRANSFORMERS_OFFLINE', value: '1' }, { name: 'VLLM_CACHE_ROOT', value: '/home/vllm/.cache/vllm' }, { name: 'HOME', value: '/home/vllm' },
    ]));
    expect(pod.volumes).toContainEqual({ name: 'cache', persistentVolumeClaim: { claimName: 'mistral-cache' } });
    expect(c.startupProbe.exec.command).toEqual(expect.arrayContaining(['8000', 'mistral-7b-instruct-v0.2-awq']));
  });

  test('a Karpenter GPU NodePool on a Bottlerocket image snapshot, do-not-disrupt pods and a warm A10G', () => {
    const pool = byName('NodePool', 'mistral-gpu').spec;
    expect(pool.disruption.consolidationPolicy).toBe('WhenEmpty');
    expect(pool.template.spec.expireAfter).toBe('Never');
    expect(pool.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'mistral-gpu' });
    const dataVolume = byName('EC2NodeClass', 'mistral-gpu').spec.blockDeviceMappings.find((b: any) => b.deviceName === '/dev/xvdb');
    expect(dataVolume.ebs.snapshotID).toBe('snap-0123456789abcdef0');
    expect(pod.nodeSelector).toEqual({ 'karpenter.sh/nodepool': 'mistral-gpu' });
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
    const buffer = byName('Deployment', 'mistral-warm-buffer').spec.template.spec;
    expect(buffer.nodeSelector).toEqual(pod.nodeSelector);
    expect(buffer.priorityClassName).toBe('mistral-warm-buffer');
  });

  test('validates against the schemas', () => {
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });

  test('snapshot (safety net only)', () => {
    expect(manifests).toMatchSnapshot();
  });
});

describe('examples/multi-model-sleep', () => {
  const app = buildMultiModel();
  const manifests = Testing.synth(app.charts[0]);
  const deployments = manifests.filter(m => m.kind === 'Deployment' && m.metadata.labels['app.kubernetes.io/component'] === 'model-server');

  test('passes the baseline pack (CS-SLP-001 included) with zero findings', () => {
    expect(Findings.of(app)).toEqual([]);
  });

  test('two models on the same GPU node class, each with sleep mode behind its proxy', () => {
    expect(deployments.map(d => d.metadata.name)).toEqual(['chat', 'coder']);
    const pods = deployments.map(d => d.spec.template.spec);
    expect(pods[0].nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-L4' });
    expect(pods[1].nodeSelector).toEqual(pods[0].nodeSelector);
    expect(pods[1].tolerations).toEqual(pods[0].tolerations);
    for (const pod of pods) {
      const [engine, proxy] = pod.containers;
      expect(engine.args).toEqual(expect.arrayContaining(['--enable-sleep-mode', '--host=127.0.0.1', '--port=8001', '--gpu-memory-utilization=0.4']));
      expect(engine.env).toContainEqual({ name: 'VLLM_SERVER_DEV_MODE', value: '1' });
      expect(proxy.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    }
    expect(manifests.filter(m => m.kind === 'ConfigMap').map(m => m.metadata.name)).toEqual(['chat-sleep-proxy', 'coder-sleep-proxy']);
    expect(manifests.filter(m => m.kind === 'Service').map(s => s.spec.ports[0].targetPort)).toEqual(['http', 'http']);
  });

  test('validates against the schemas', () => {
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });

  test('snapshot (safety net only)', () => {
    expect(manifests).toMatchSnapshot();
  });
});

describe('examples/gke-llama-70b', () => {
  const app = buildGkeLlama70b();
  const manifests: any[] = Testing.synth(app.charts[0]);
  const one = (kind: string) => { const f = manifests.filter(m => m.kind === kind); expect(f).toHaveLength(1); return f[0]; };

  test('passes the baseline pack (with its region) with zero findings', () => {
    expect(Aspects.of(app).all.find((a): a is ColdStartBaseline => a instanceof ColdStartBaseline)?.region).toBe('us-central1');
    expect(Findings.of(app)).toEqual([]);
  });

  test('weights from a LocalModelCache on node-local NVMe, written before the model', () => {
    const cache = one('LocalModelCache');
    expect(cache.metadata).toEqual({ name: 'llama-70b' });
    expect(cache.spec).toMatchObject({ sourceModelUri: 'hf://meta-llama/Llama-3.1-70B-Instruct', nodeGroups: ['h100-nvme'] });
    // 70e9 x 2 bytes, rounded up to whole MiB.
    expect(cache.spec.modelSize).toBe(`${Math.ceil(140e9 / 1024 ** 2)}Mi`);
    const group = one('LocalModelNodeGroup');
    expect(group.spec.persistentVolumeSpec.local).toEqual({ path: '/mnt/nvme/models' });
    expect(group.spec.storageLimit).toBe('500Gi');
    const kinds = manifests.map(m => m.kind);
    expect(kinds.indexOf('LocalModelNodeGroup')).toBeLessThan(kinds.indexOf('LocalModelCache'));
    expect(kinds.indexOf('LocalModelCache')).toBeLessThan(kinds.indexOf('InferenceService'));
    const isvc = one('InferenceService');
    expect(isvc.metadata.annotations['serving.kserve.io/nodegroup']).toBe('h100-nvme');
    const c = isvc.spec.predictor.containers[0];
    expect(c.env).toContainEqual({ name: 'STORAGE_URI', value: 'hf://meta-llama/Llama-3.1-70B-Instruct' });
    // The fallback's init container links the node's copy or one it fetched (gated: with the token Secret).
    expect(c.args).toEqual(expect.arrayContaining(['--model=/mnt/lmc/model', '--tensor-parallel-size=4', '--load-format=runai_streamer']));
    const check = isvc.spec.predictor.initContainers.find((i: any) => i.name === 'lmc-check');
    expect(check.env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
    expect(c.args).not.toContain('--enforce-eager');
    expect(c.resources.limits['nvidia.com/gpu']).toBe('4');
    expect(isvc.spec.predictor.minReplicas).toBe(1);
  });

  test('the model, its warm buffer and its pre-pull DaemonSet all select the H100 ComputeClass', () => {
    const cc = one('ComputeClass');
    const gpu = { type: 'nvidia-h100-80gb', count: 4 };
    const storage = { secondaryBootDisks: [{ diskImageName: 'vllm-image-cache', mode: 'CONTAINER_IMAGE_CACHE' }] };
    expect(cc.spec.priorities).toEqual([
      { machineFamily: 'a3', spot: true, gpu, storage },
      { machineFamily: 'a3', spot: false, gpu, storage },
    ]);
    // Image streaming, and the label KServe's local-model agent runs on (the example caches on node-local NVMe).
    expect(cc.spec.nodePoolConfig).toEqual({ imageStreaming: { enabled: true }, nodeLabels: { 'kserve/localmodel': 'worker' } });
    expect(cc.spec.activeMigration).toEqual({ optimizeRulePriority: true });
    expect(cc.spec.nodePoolAutoCreation).toEqual({ enabled: true });
    const selector = { 'cloud.google.com/compute-class': 'llama-70b-gpu' };
    expect(one('InferenceService').spec.predictor.nodeSelector).toEqual(selector);
    expect(one('Deployment').spec.template.spec.nodeSelector).toEqual(selector);
    expect(one('DaemonSet').spec.template.spec.nodeSelector).toEqual(selector);
  });

  test('the buffer holds one 4-GPU slot below the model priority; the DaemonSet pre-pulls the engine image', () => {
    const buffer = one('Deployment');
    expect(buffer.spec.replicas).toBe(1);
    expect(buffer.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
    const classes = Object.fromEntries(manifests.filter(m => m.kind === 'PriorityClass').map(p => [p.metadata.name, p.value]));
    expect(classes).toEqual({ 'llama-70b-serving': 1000, 'llama-70b-warm-buffer': -10 });
    const c = one('InferenceService').spec.predictor.containers[0];
    // The weights come from the node-local cache, not an image: only the engine image is pre-pulled.
    expect(one('DaemonSet').spec.template.spec.initContainers.map((i: any) => i.image)).toEqual([c.image]);
  });

  test('validates against the schemas', () => {
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });

  test('snapshot (safety net only)', () => {
    expect(manifests).toMatchSnapshot();
  });
});

describe('examples/node-hostpath-caches', () => {
  const app = buildNodeHostPathCaches();
  const manifests: any[] = Testing.synth(app.charts[0]);
  const byName = (kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);
  const predictor = (name: string) => byName('InferenceService', name).spec.predictor;
  const value = (c: any, name: string) => c.env.find((e: any) => e.name === name)?.value;

  test('passes the baseline pack with zero findings', () => {
    expect(Findings.of(app)).toEqual([]);
  });

  test('chat: the model pod\'s root init container downloads into the node directory; the engine reads it read-only', () => {
    const pod = predictor('chat');
    const fetch = pod.initContainers.find((c: any) => c.name === 'fetch-weights');
    expect(fetch.securityContext).toMatchObject({ runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(value(fetch, 'CS_REVISION')).toBe('a09a35458c702b33eeacc393d103063234e8bc28');
    expect(pod.volumes).toContainEqual({ name: 'weights-host', hostPath: { path: '/var/lib/cdk8s-coldstart/models', type: 'DirectoryOrCreate' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: 'weights-host', mountPath: '/mnt/models', readOnly: true, subPath: 'Qwen/Qwen2.5-7B-Instruct/a09a35458c702b33eeacc393d103063234e8bc28',
    });
    expect(manifests.filter(m => m.kind === 'DaemonSet').map(d => d.metadata.name)).not.toContain('chat-prefetch');
  });

  test('assistant: a DaemonSet on the same nodes downloads with the token; the model pod only waits, without it', () => {
    const ds = byName('DaemonSet', 'assistant-prefetch').spec.template.spec;
    const pod = predictor('assistant');
    expect(ds.nodeSelector).toEqual(pod.nodeSelector);
    expect(ds.tolerations).toEqual(pod.tolerations);
    expect(ds.initContainers[0].env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
    expect(pod.initContainers.map((c: any) => c.name)).toContain('await-weights');
    expect(JSON.stringify(pod)).not.toContain('HF_TOKEN');
  });

  test('both downloaders prune one shared node directory to one bound, each recording its own model', () => {
    const chat = predictor('chat').initContainers.find((c: any) => c.name === 'fetch-weights');
    const assistant = byName('DaemonSet', 'assistant-prefetch').spec.template.spec.initContainers[0];
    for (const c of [chat, assistant]) expect(value(c, 'CS_CACHE_LIMIT_KIB')).toBe(String(100 * 1024 * 1024));
    expect([value(chat, 'CS_CACHE_KEY'), value(assistant, 'CS_CACHE_KEY')]).toEqual(['llm.chat', 'llm.assistant']);
    expect(chat.args).toEqual(assistant.args);
  });

  test('validates against the schemas', () => {
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });

  test('snapshot (safety net only)', () => {
    expect(manifests).toMatchSnapshot();
  });
});

describe('generated CRD modules load only where a kind of theirs is rendered', () => {
  // From source, ts-node transpiles every module an app loads: about 1 s for these (see src/private/crds.ts).
  const loaded = (example: string): string[] => {
    const main = join(__dirname, '..', 'examples', example, 'main.ts');
    const imports = join(__dirname, '..', 'imports') + '/';
    const script = `require(${JSON.stringify(main)}).build().synth(); const dir = ${JSON.stringify(imports)};`
      + 'process.stdout.write(JSON.stringify(Object.keys(require.cache).filter(f => f.startsWith(dir)).map(f => f.slice(dir.length)).sort()));';
    const out = execFileSync(process.execPath, ['--conditions=cdk8s-coldstart-source', '-r', require.resolve('ts-node/register/transpile-only'), '-e', script],
      {
        cwd: mkdtempSync(join(tmpdir(), 'crds-')),
        encoding: 'utf8',
        env: { ...process.env, CDK8S_COLDSTART_QUIET: '1', TS_NODE_PROJECT: join(__dirname, '..', 'examples', example, 'tsconfig.json') },
      });
    return JSON.parse(out);
  };

  test('a generic model loads none', () => {
    expect(loaded('lab-qwen')).toEqual([]);
  });

  test('a GKE model loads the modules of the kinds it renders (ComputeClass, LocalModelCache, LocalModelNodeGroup)', () => {
    const synth = Testing.synth(buildGkeLlama70b().charts[0]);
    expect(synth.map(m => m.kind)).toEqual(expect.arrayContaining(['ComputeClass', 'LocalModelCache', 'LocalModelNodeGroup']));
    expect(loaded('gke-llama-70b')).toEqual([
      'gke-computeclass-cloud.google.com.ts', 'kserve-localmodelcache-serving.kserve.io.ts', 'kserve-localmodelnodegroup-serving.kserve.io.ts',
    ]);
  });
});

describe('examples/shared-llama-70b-seeded', () => {
  const app = buildSharedSeeded();
  const manifests = Testing.synth(app.charts[0]);
  const byComponent = (component: string) => manifests.filter(m => m.metadata.labels?.['app.kubernetes.io/component'] === component);
  const deployment = manifests.find(m => m.kind === 'Deployment' && m.metadata.name === 'llama-70b');
  const pod = deployment.spec.template.spec;
  const c = pod.containers[0];
  const [loader] = byComponent('weight-loader');
  const [sharder] = byComponent('weight-sharder');
  const [seeder] = byComponent('compile-cache-seeder');
  const wave = (o: any) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

  test('passes the baseline pack; the one suppressed finding is the seeding Job\'s missing startup probe, with its reason', () => {
    const findings = Findings.of(app);
    expect(findings.filter(f => !f.suppressed)).toEqual([]);
    expect(findings.map(f => `${f.ruleId} ${f.object}`)).toEqual([`CS-RT-004 Job/${seeder.metadata.name}`]);
  });

  test('items 1 and 2 together: 4 ranks read their shards, and the compile cache is seeded before the model', () => {
    expect(c.args).toEqual(expect.arrayContaining(['--load-format=runai_streamer_sharded', '--tensor-parallel-size=4']));
    expect(c.args).toContain('--model=/mnt/hf/.coldstart/sharded/meta-llama/Llama-3.1-70B-Instruct/945c8663693130f8be2ee66210e062158b2a9693/tp4');
    expect(pod.initContainers.map((i: any) => i.name)).toEqual(['await-weights', 'await-shards']);
    for (const job of [sharder, seeder]) {
      const engine = job.spec.template.spec.containers[0];
      expect(engine.args).toEqual(c.args);
      expect(engine.image).toBe(c.image);
      expect(engine.resources).toEqual(c.resources);
      expect(job.spec.template.spec.nodeSelector).toEqual(pod.nodeSelector);
    }
    const cache = manifests.find(m => m.kind === 'PersistentVolumeClaim' && m.metadata.name === 'llama-70b-cache');
    expect(cache.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(seeder.spec.template.spec.volumes).toContainEqual({ name: 'cache', persistentVolumeClaim: { claimName: 'llama-70b-cache' } });
  });

  test('claims, loader, sharder, seeder, model: in the manifest order and in Argo CD waves', () => {
    const at = (o: any) => manifests.indexOf(o);
    expect(at(loader)).toBeLessThan(at(sharder));
    expect(at(sharder)).toBeLessThan(at(seeder));
    expect(at(seeder)).toBeLessThan(at(deployment));
    expect([wave(loader), wave(sharder), wave(seeder), wave(deployment)]).toEqual([-3, -2, -1, 0]);
    for (const claim of manifests.filter(m => m.kind === 'PersistentVolumeClaim')) expect(wave(claim)).toBeLessThan(wave(sharder));
  });

  test('the estimate counts the seeded compile cache and the sharded read', () => {
    const model = app.charts[0].node.findAll().find((x): x is ColdStartOptimizedModel => x instanceof ColdStartOptimizedModel)!;
    // 140 GB over the shared volume's ~400 MB/s link, read by 4 ranks' streamers: the link is the limit.
    expect(model.estimate.weightLoadSeconds).toBeCloseTo(140e9 / 400e6, 0);
    // A seeded cache is a hit on the first wake: the report says so, and the runtime is that of a cache hit.
    const report = ColdStartReportWriter.of(app).files()[COLDSTART_REPORT_FILE];
    expect(report).toMatch(/compile [\d.]+ s \(cached, seeded by a Job before the first wake/);
  });

  test('validates against the schemas', () => {
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });

  test('snapshot (safety net only)', () => {
    expect(manifests).toMatchSnapshot();
  });
});
