import { Testing } from 'cdk8s';
import { schemaErrors } from './schema';
import { build as buildEksMistral } from '../examples/eks-mistral-efs/main';
import { build as buildGkeLlama70b } from '../examples/gke-llama-70b/main';
import { build } from '../examples/lab-qwen/main';
import { build as buildMultiModel } from '../examples/multi-model-sleep/main';
import { RuleReport } from '../src/aspects/report';

describe('examples/lab-qwen', () => {
  const app = build();
  const manifests = Testing.synth(app.charts[0]);

  test('passes the baseline pack with zero findings', () => {
    expect(RuleReport.of(app).findings).toEqual([]);
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
  const deployment = manifests.find(m => m.kind === 'Deployment');
  const c = deployment.spec.template.spec.containers[0];

  test('passes the baseline pack with zero findings', () => {
    expect(RuleReport.of(app).findings).toEqual([]);
  });

  test('a plain Deployment and Service on port 8000, one replica in production', () => {
    expect(manifests.map(m => m.kind)).toEqual(['PriorityClass', 'PersistentVolumeClaim', 'Deployment', 'Service']);
    expect(deployment.spec.replicas).toBe(1);
    expect(c.args).toEqual(expect.arrayContaining(['--port=8000', '--served-model-name=mistral-7b-instruct-v0.2-awq', '--load-format=runai_streamer']));
    expect(c.args).not.toContain('--enforce-eager');
    expect(c.args).not.toContain('-O0');
    expect(manifests.find(m => m.kind === 'Service').spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('weights from the shared volume, offline; compile cache on a claim; warmup before ready', () => {
    expect(c.volumeMounts).toContainEqual({ name: 'weights', mountPath: '/mnt/models', readOnly: true, subPath: 'mistral-7b-instruct-v0.2-awq' });
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'HF_HUB_OFFLINE', value: '1' }, { name: 'VLLM_CACHE_ROOT', value: '/root/.cache/vllm' }]));
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'cache', persistentVolumeClaim: { claimName: 'mistral-cache' } });
    expect(c.startupProbe.exec.command).toEqual(expect.arrayContaining(['8000', 'mistral-7b-instruct-v0.2-awq']));
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
  const deployments = manifests.filter(m => m.kind === 'Deployment');

  test('passes the baseline pack (CS-SLP-001 included) with zero findings', () => {
    expect(RuleReport.of(app).findings).toEqual([]);
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

  test('passes the baseline pack with zero findings', () => {
    expect(RuleReport.of(app).findings).toEqual([]);
  });

  test('weights from a LocalModelCache on node-local NVMe, written before the model', () => {
    const cache = one('LocalModelCache');
    expect(cache.metadata).toEqual({ name: 'llama' });
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
    expect(c.args).toEqual(expect.arrayContaining(['--model=/mnt/models', '--tensor-parallel-size=4', '--load-format=runai_streamer']));
    expect(c.args).not.toContain('--enforce-eager');
    expect(c.resources.limits['nvidia.com/gpu']).toBe('4');
    expect(isvc.spec.predictor.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb' });
    expect(isvc.spec.predictor.minReplicas).toBe(1);
  });

  test('validates against the schemas', () => {
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });

  test('snapshot (safety net only)', () => {
    expect(manifests).toMatchSnapshot();
  });
});
