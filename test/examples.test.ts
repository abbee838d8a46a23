import { Testing } from 'cdk8s';
import { schemaErrors } from './schema';
import { build as buildGkeLlama70b } from '../examples/gke-llama-70b/main';
import { build } from '../examples/lab-qwen/main';
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
