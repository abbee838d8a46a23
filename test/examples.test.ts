import { Testing } from 'cdk8s';
import { schemaErrors } from './schema';
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
