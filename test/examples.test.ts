import { Testing } from 'cdk8s';
import { schemaErrors } from './schema';
import { build as buildGkeLlama } from '../examples/gke-llama-70b/main';
import { build } from '../examples/lab-qwen/main';
import { Aspects, ColdStartBaseline } from '../src';
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
  const app = buildGkeLlama();
  const manifests = Testing.synth(app.charts[0]);
  const one = (kind: string) => {
    const found = manifests.filter(m => m.kind === kind);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('passes the baseline pack (with its region) with zero findings', () => {
    expect(Aspects.of(app).all.find((a): a is ColdStartBaseline => a instanceof ColdStartBaseline)?.region).toBe('us-central1');
    expect(RuleReport.of(app).findings).toEqual([]);
  });

  test('the model, its warm buffer and its pre-pull DaemonSet all select the H100 ComputeClass', () => {
    const cc = one('ComputeClass');
    const gpu = { type: 'nvidia-h100-80gb', count: 4 };
    const storage = { secondaryBootDisks: [{ diskImageName: 'vllm-image-cache', mode: 'CONTAINER_IMAGE_CACHE' }] };
    expect(cc.spec.priorities).toEqual([
      { machineFamily: 'a3', spot: true, gpu, storage },
      { machineFamily: 'a3', spot: false, gpu, storage },
    ]);
    expect(cc.spec.nodePoolConfig).toEqual({ imageStreaming: { enabled: true } });
    expect(cc.spec.activeMigration).toEqual({ optimizeRulePriority: true });
    expect(cc.spec.nodePoolAutoCreation).toEqual({ enabled: true });
    const selector = { 'cloud.google.com/compute-class': 'llama-70b-gpu' };
    const isvc = one('InferenceService');
    expect(isvc.spec.predictor.nodeSelector).toEqual(selector);
    expect(one('Deployment').spec.template.spec.nodeSelector).toEqual(selector);
    expect(one('DaemonSet').spec.template.spec.nodeSelector).toEqual(selector);
  });

  test('the buffer holds one 4-GPU slot below the model priority; the DaemonSet pulls engine and modelcar', () => {
    const buffer = one('Deployment');
    expect(buffer.spec.replicas).toBe(1);
    expect(buffer.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
    const classes = Object.fromEntries(manifests.filter(m => m.kind === 'PriorityClass').map(p => [p.metadata.name, p.value]));
    expect(classes).toEqual({ 'llama-70b-serving': 1000, 'llama-70b-warm-buffer': -10 });
    const isvc = one('InferenceService');
    const c = isvc.spec.predictor.containers[0];
    const pulls = one('DaemonSet').spec.template.spec.initContainers.map((i: any) => i.image);
    const modelcar = c.env.find((e: any) => e.name === 'STORAGE_URI').value.replace('oci://', '');
    expect(pulls).toEqual([c.image, modelcar]);
    expect(c.args).toEqual(expect.arrayContaining(['--tensor-parallel-size=4']));
  });

  test('validates against the schemas', () => {
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });

  test('snapshot (safety net only)', () => {
    expect(manifests).toMatchSnapshot();
  });
});
