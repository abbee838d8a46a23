import * as fc from 'fast-check';
import { CloudProvider, Environment } from '../../src';
import { BASELINE_RULES } from '../../src/rules';
import { podsOf } from '../../src/rules/pods';
import { _readsOnlyPods, Rule, RuleContext, RuleLevel, Violation } from '../../src/rules/rule';

// The pack does not call a rule marked podsOnly on an object without a pod that is not an InferenceService:
// each such rule must find nothing, and throw nothing, there, whatever the object holds.

const PODS_ONLY = BASELINE_RULES.filter(_readsOnlyPods);
const CONTEXTS = [
  new RuleContext(),
  new RuleContext({ environment: Environment.PRODUCTION, cloud: CloudProvider.GKE, region: 'us-central1' }),
];

function podless(obj: any): boolean {
  try {
    return obj?.kind !== 'InferenceService' && podsOf(obj).length === 0;
  } catch {
    return false;
  }
}

test('the rules that read only pods are the ones expected', () => {
  expect(PODS_ONLY.map(r => r.id)).toEqual([
    'CS-IMG-001', 'CS-IMG-002', 'CS-IMG-003', 'CS-SHM-001', 'CS-SHM-002', 'CS-SHM-003', 'CS-RT-001', 'CS-RT-002', 'CS-RT-003',
    'CS-WL-001', 'CS-WL-002', 'CS-KSV-001', 'CS-KSV-002', 'CS-KSV-003', 'CS-SEC-003', 'CS-SEC-004', 'CS-SEC-005',
  ]);
});

test('a user\'s rule is never skipped, even one with a podsOnly field of its own', () => {
  class Mine extends Rule {
    public readonly podsOnly = true;
    constructor() {
      super({ id: 'MINE-001', level: RuleLevel.WARNING, summary: 's', explanation: 'e', fix: 'f' });
    }
    public check(): Violation[] {
      return [];
    }
  }
  expect(_readsOnlyPods(new Mine())).toBe(false);
  expect(PODS_ONLY.every(r => _readsOnlyPods(r))).toBe(true);
});

test('objects without a pod: each podsOnly rule finds nothing and throws nothing', () => {
  const objects = [
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'p' }, value: 1000 },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { storageClassName: 'gp3', resources: { requests: { storage: '1Gi' } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} },
    { kind: 'Deployment', spec: { template: { metadata: { labels: { a: 'b' } } } } },
    { kind: 'Deployment', spec: 'not a map' },
    { kind: 'X', spec: { a: { b: { image: 'vllm/vllm-openai:latest', command: ['vllm', 'serve'] } } } },
    { kind: 'LocalModelCache', spec: { sourceModelUri: 'oci://registry/m:latest' } },
    null, 'text', 42, [],
  ];
  for (const obj of objects) {
    expect(podless(obj)).toBe(true);
    for (const rule of PODS_ONLY) for (const context of CONTEXTS) expect([rule.id, rule.check(obj, context)]).toEqual([rule.id, []]);
  }
});

test('any object without a pod: each podsOnly rule finds nothing and throws nothing (property)', () => {
  const kind = fc.constantFrom('PriorityClass', 'Service', 'Pod', 'Deployment', 'CronJob', 'ConfigMap', 'ServingRuntime', 'Whatever');
  const key = fc.constantFrom('containers', 'initContainers', 'template', 'spec', 'model', 'predictor', 'volumes', 'image', 'env', 'jobTemplate', 'x');
  const json = fc.letrec(tie => ({
    value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.dictionary(key, tie('value'), { maxKeys: 4 }), fc.array(tie('value'), { maxLength: 3 })),
  })).value;
  fc.assert(fc.property(kind, json, fc.jsonValue({ maxDepth: 2 }), (k, spec, metadata) => {
    const obj = { apiVersion: 'v1', kind: k, metadata, spec };
    fc.pre(podless(obj));
    for (const rule of PODS_ONLY) for (const context of CONTEXTS) expect([rule.id, rule.check(obj, context)]).toEqual([rule.id, []]);
  }), { numRuns: 500 });
});
