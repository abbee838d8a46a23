import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Aspects, Cloud, ColdStartBaseline, ColdStartOptimizedModel, Environment, Findings, Profile } from '../../src';
import { podsOf } from '../../src/rules/pods';
import { baseProps } from '../util';

const VLLM = `vllm/vllm-openai@sha256:${'d'.repeat(64)}`;

/** Runs the baseline over objects as given (no schema check: these are meant to be malformed). */
function judge(objects: any[]) {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
  Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
  let error: Error | undefined;
  try {
    app.synthYaml();
  } catch (e) {
    error = e as Error;
  }
  return { findings: Findings.of(app), error };
}

const deployment = (spec: any) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec } } });
const server = (extra: any = {}) => ({ name: 'vllm', image: VLLM, args: ['--model', '/m'], ...extra });

describe('malformed objects give findings naming them, never a TypeError', () => {
  test.each<[string, any]>([
    ['containers: [null]', deployment({ containers: [null] })],
    ['a container that is a string', deployment({ containers: ['vllm'] })],
    ['command: 123', deployment({ containers: [server({ command: 123 })] })],
    ['args with null and numbers', deployment({ containers: [server({ args: [null, 5, '--model', '/m'] })] })],
    ['env: {}', deployment({ containers: [server({ env: {} })] })],
    ['env: [null]', deployment({ containers: [server({ env: [null] })] })],
    ['volumeMounts: {}', deployment({ containers: [server({ volumeMounts: {} })] })],
    ['resources: 7', deployment({ containers: [server({ resources: 7 })] })],
    ['resources.limits a list', deployment({ containers: [server({ resources: { limits: ['x'] } })] })],
    ['volumes: "x"', deployment({ containers: [server()], volumes: 'x' })],
    ['initContainers: {}', deployment({ containers: [server()], initContainers: {} })],
    // Found by the bad-input corpus: a template whose containers are not a list, or whose spec is not a map, passed every rule unseen.
    ['containers: "x"', deployment({ containers: 'x' })],
    ['containers: {}', deployment({ containers: {} })],
    ['template.spec: 5', deployment(5)],
    ['image: 42', deployment({ containers: [server({ image: 42 })] })],
    ['an env value that is a number', deployment({ containers: [server({ env: [{ name: 'A', value: 1 }] })] })],
    ['valueFrom: 3', deployment({ containers: [server({ env: [{ name: 'A', valueFrom: 3 }] })] })],
    ['startupProbe: "x"', deployment({ containers: [server({ startupProbe: 'x' })] })],
    ['securityContext: []', deployment({ containers: [server({ securityContext: [] })] })],
    ['a memory limit that is a map', deployment({ containers: [server({ resources: { limits: { memory: {} } } })] })],
    ['tolerations: "x"', deployment({ containers: [server()], tolerations: 'x' })],
    ['nodeSelector: []', deployment({ containers: [server()], nodeSelector: [] })],
  ])('%s', (_, obj) => {
    const r = judge([obj]);
    expect(r.error?.message ?? '').not.toMatch(/TypeError|Cannot read|is not a function|is not iterable/);
    const wl = r.findings.filter(f => f.ruleId === 'CS-WL-002');
    expect(wl.length).toBeGreaterThan(0);
    expect(wl[0].object).toBe('Deployment/d');
  });

  test('random junk in every pod field never throws out of synth', () => {
    const scalar = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 3 }));
    const junk = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 5 }), fc.constant({}), fc.constant([]), fc.array(scalar));
    const field = fc.constantFrom('command', 'args', 'env', 'envFrom', 'volumeMounts', 'resources', 'ports', 'image', 'startupProbe', 'securityContext', 'name');
    const podField = fc.constantFrom('containers', 'initContainers', 'volumes', 'securityContext', 'enableServiceLinks', 'tolerations', 'nodeSelector');
    fc.assert(fc.property(fc.array(fc.tuple(field, junk), { maxLength: 4 }), fc.array(fc.tuple(podField, junk), { maxLength: 2 }), (cf, pf) => {
      const c: any = server();
      for (const [k, v] of cf) c[k] = v;
      const spec: any = { containers: [c] };
      for (const [k, v] of pf) spec[k] = v;
      const r = judge([deployment(spec)]);
      expect(r.error?.message ?? '').not.toMatch(/TypeError|Cannot read|is not a function|is not iterable/);
    }), { numRuns: 150 });
  });
});

describe('objects are found wherever they sit', () => {
  test('kind: List is unwrapped and each item judged', () => {
    const list = { apiVersion: 'v1', kind: 'List', metadata: { name: 'all' }, items: [deployment({ containers: [server({ image: 'vllm/vllm-openai:latest' })] }), null, 3] };
    const r = judge([list]);
    expect(r.findings.some(f => f.ruleId === 'CS-IMG-001' && f.object === 'Deployment/d')).toBe(true);
  });

  test.each<[string, any, string]>([
    ['an Argo Rollout', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { template: { spec: { containers: [server()] } } } }, 'spec.template.spec'],
    ['a Knative Service', { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'k' }, spec: { template: { spec: { containers: [server()] } } } }, 'spec.template.spec'],
    ['a LeaderWorkerSet leader', {
      apiVersion: 'leaderworkerset.x-k8s.io/v1',
      kind: 'LeaderWorkerSet',
      metadata: { name: 'l' },
      spec: { leaderWorkerTemplate: { leaderTemplate: { spec: { containers: [server()] } } } },
    }, 'spec.leaderWorkerTemplate.leaderTemplate.spec'],
    ['a CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [server()] } } } } } },
      'spec.jobTemplate.spec.template.spec'],
    ['an InferenceService transformer', {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'i' },
      spec: { predictor: { model: { modelFormat: { name: 'huggingface' } } }, transformer: { containers: [server()] } },
    }, 'spec.transformer'],
    ['a custom resource', { apiVersion: 'example.com/v1', kind: 'ModelServer', metadata: { name: 'x' }, spec: { deep: { pod: { spec: { containers: [server()] } } } } },
      'spec.deep.pod.spec'],
  ])('a vLLM container in %s is checked', (_, obj, where) => {
    expect(podsOf(obj).map(p => p.where)).toContain(where);
    const r = judge([obj]);
    // No memory limit and no startup probe: the rules see the container.
    expect(r.findings.some(f => f.ruleId === 'CS-RT-004')).toBe(true);
  });
});

describe('CS-WL-003: two objects of one name with different content', () => {
  const pc = (value: number) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'llama-serving' }, value });
  const cm = (namespace: string | undefined, data: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...(namespace ? { namespace } : {}) }, data });
  const wl3 = (objects: any[]) => judge(objects).findings.filter(f => f.ruleId === 'CS-WL-003').map(f => [f.path, f.message]);

  test('a cluster-scoped kind collides across namespaces and charts; the finding names both construct paths', () => {
    expect(wl3([pc(100), pc(200), pc(300)])).toEqual([
      ['c/o0', 'PriorityClass/llama-serving is written again, with different content, at c/o1, c/o2'],
    ]);
    expect(wl3([pc(100), pc(100)])).toEqual([]);
  });

  test('a namespaced kind collides only within one namespace', () => {
    expect(wl3([cm('a', { x: '1' }), cm('b', { x: '2' })])).toEqual([]);
    expect(wl3([cm('a', { x: '1' }), cm('a', { x: '2' })]).map(f => f[0])).toEqual(['c/o0']);
  });

  test('the same model id in two charts with different GPUs writes two different ComputeClasses: refused at synth', () => {
    const app = Testing.app();
    const gke = Profile.production({ cloud: Cloud.gke({ region: 'us-central1' }) });
    for (const [chart, gpuType] of [['one', 'nvidia-l4'], ['two', 'nvidia-h100-80gb']]) {
      new ColdStartOptimizedModel(new Chart(app, chart), 'llama', baseProps({ profile: gke, capacity: { gke: { computeClass: { gpuType } } } }));
    }
    expect(() => app.synthYaml()).toThrow(/CS-WL-003/);
    const messages = Findings.of(app).filter(f => f.ruleId === 'CS-WL-003' && f.object.startsWith('ComputeClass/')).map(f => f.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/at two\/llama\/NodeCapacity\/ComputeClass/);
  });
});
