import * as fc from 'fast-check';
import { CloudProvider, Environment } from '../../src';
import { _skipped } from '../../src/packs/rule-pack';
import { BASELINE_RULES } from '../../src/rules';
import { _readsOnly, Rule, RuleContext, RuleLevel, Violation } from '../../src/rules/rule';

// The pack does not call a rule on an object that is not an InferenceService and holds none of what the rule
// reads (`reads`: pods, vLLM containers, InferenceServices). Each such rule must find nothing, and throw
// nothing, there, whatever the object holds.

const CONTEXTS = [
  new RuleContext(),
  new RuleContext({ environment: Environment.PRODUCTION, cloud: CloudProvider.GKE, region: 'us-central1' }),
];
const ids = (level: number) => BASELINE_RULES.filter(r => _readsOnly(r) === level).map(r => r.id);

/** Every rule the pack would skip for `obj` finds nothing in it. */
function expectNothingFromSkipped(obj: any): void {
  const skip = _skipped(obj);
  for (const rule of BASELINE_RULES) {
    const level = _readsOnly(rule);
    if (level === 0 || level > skip) continue;
    for (const context of CONTEXTS) expect([rule.id, rule.check(obj, context)]).toEqual([rule.id, []]);
  }
}

test('the rules that read only pods, vLLM containers or InferenceServices are the ones expected', () => {
  expect(ids(3)).toEqual(['CS-IMG-001', 'CS-IMG-002', 'CS-IMG-003', 'CS-WL-002', 'CS-SEC-003']);
  expect(ids(2)).toEqual(['CS-SHM-001', 'CS-SHM-002', 'CS-SHM-003', 'CS-RT-001', 'CS-RT-002', 'CS-RT-003', 'CS-RT-004', 'CS-RT-005', 'CS-WL-001', 'CS-SEC-004', 'CS-SEC-005']);
  expect(ids(1)).toEqual(['CS-KSV-001', 'CS-KSV-002', 'CS-KSV-003']);
});

test('a user\'s rule is never skipped, even one with a `reads` field of its own', () => {
  class Mine extends Rule {
    public readonly reads = 'pods';
    constructor() {
      super({ id: 'MINE-001', level: RuleLevel.WARNING, summary: 's', explanation: 'e', fix: 'f' });
    }
    public check(): Violation[] {
      return [];
    }
  }
  expect(_readsOnly(new Mine())).toBe(0);
});

const NGINX = { name: 'proxy', image: 'nginx@sha256:' + 'a'.repeat(64), command: ['sh', '-c', 'exec nginx'], imagePullPolicy: 'Always' };

test('objects without a pod, or without vLLM, and not InferenceServices: the rules skipped there find nothing', () => {
  const objects = [
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'p' }, value: 1000 },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { storageClassName: 'gp3', resources: { requests: { storage: '1Gi' } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} },
    { kind: 'Deployment', spec: { template: { metadata: { labels: { a: 'b' } } } } },
    { kind: 'Deployment', spec: 'not a map' },
    { kind: 'X', spec: { a: { b: { image: 'vllm/vllm-openai:latest', command: ['vllm', 'serve'] } } } },
    { kind: 'LocalModelCache', spec: { sourceModelUri: 'oci://registry/m:latest' } },
    // Pods without vLLM: a proxy with its Always pull of a pinned image and no shm, a host-path mount, a privileged sidecar.
    { kind: 'Deployment', spec: { template: { spec: { containers: [NGINX], volumes: [{ name: 'h', hostPath: { path: '/' } }] } } } },
    { kind: 'DaemonSet', spec: { template: { spec: { containers: [{ name: 'x', image: 'busybox', securityContext: { privileged: true }, resources: { limits: { 'nvidia.com/gpu': 1 } } }] } } } },
    { kind: 'Deployment', metadata: { annotations: { 'serving.kserve.io/deploymentMode': 'Knative' } }, spec: { predictor: { minReplicas: 0, containers: [NGINX] } } },
    null, 'text', 42, [],
  ];
  for (const obj of objects) {
    expect(_skipped(obj)).toBeGreaterThanOrEqual(2);
    expectNothingFromSkipped(obj);
  }
});

test('any object but an InferenceService: the rules skipped there find nothing and throw nothing (property)', () => {
  const kind = fc.constantFrom('PriorityClass', 'Service', 'Pod', 'Deployment', 'CronJob', 'ConfigMap', 'ServingRuntime', 'Whatever');
  const key = fc.constantFrom('containers', 'initContainers', 'template', 'spec', 'model', 'predictor', 'volumes', 'image', 'env', 'command', 'args',
    'name', 'startupProbe', 'volumeMounts', 'resources', 'securityContext', 'enableServiceLinks', 'jobTemplate', 'x');
  const leaf = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom('vllm', 'serve', '/dev/shm', 'busybox', 'Always', '--tensor-parallel-size=2', 'Memory'));
  const json = fc.letrec(tie => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, fc.dictionary(key, tie('value'), { maxKeys: 5 }), fc.array(tie('value'), { maxLength: 3 })),
  })).value;
  fc.assert(fc.property(kind, json, fc.jsonValue({ maxDepth: 2 }), (k, spec, metadata) => {
    const obj = { apiVersion: 'v1', kind: k, metadata, spec };
    fc.pre(_skipped(obj) >= 1);
    expectNothingFromSkipped(obj);
  }), { numRuns: 1000 });
});
