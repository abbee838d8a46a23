import { readFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Include, JsonPatch, Testing } from 'cdk8s';
import { Deployment, ContainerSecurityContext } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Aspects, Backend, CloudProvider, ColdStartBaseline, ColdStartBaselineProps, ColdStartOptimizedModel, Environment, Finding, Findings,
  IAspect, Profile, Rule, RuleContext, RuleLevel, RulePack, RuleSuppressions, Violation, WeightSource,
} from '../../src';
import { REPORT_FILE } from '../../src/aspects/findings-report';
import { ManifestObject } from '../../src/private/manifest-object';
import { BASELINE_RULES } from '../../src/rules';
import { schemaErrors } from '../schema';
import { baseProps, find, synth, thrown } from '../util';

const DIGEST = '@sha256:' + 'd'.repeat(64);
const VLLM = `vllm/vllm-openai${DIGEST}`;

/** A vLLM Deployment that satisfies every baseline rule. */
function compliant(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'vllm' },
    spec: {
      selector: { matchLabels: { app: 'vllm' } },
      template: {
        metadata: { labels: { app: 'vllm' } },
        spec: {
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          containers: [{
            name: 'vllm',
            image: VLLM,
            securityContext: {
              allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true, runAsUser: 1000,
            },
            imagePullPolicy: 'IfNotPresent',
            command: ['vllm', 'serve', '/models/qwen'],
            args: ['--gpu-memory-utilization=0.6', '--tensor-parallel-size', '2', '--load-format=runai_streamer',
              '--model-loader-extra-config={"concurrency":16,"memory_limit":2147483648}'],
            env: [{ name: 'HF_HUB_OFFLINE', value: '1' }, { name: 'TRANSFORMERS_OFFLINE', value: '1' }],
            resources: { limits: { 'memory': '30Gi', 'nvidia.com/gpu': '2' }, requests: { 'memory': '30Gi', 'nvidia.com/gpu': '2' } },
            startupProbe: { httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, failureThreshold: 30 },
            volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }, { name: 'cache', mountPath: '/root/.cache' }, { name: 'models', mountPath: '/models' }],
          }],
          volumes: [
            { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } },
            { name: 'cache', persistentVolumeClaim: { claimName: 'vllm-cache' } },
            { name: 'models', persistentVolumeClaim: { claimName: 'models', readOnly: true } },
          ],
        },
      },
    },
  };
}

/** A warm-buffer pause Deployment the library would write, with the auxiliary-pod security defaults. */
function compliantAux(): any {
  const labels = { 'app.kubernetes.io/name': 'm', 'app.kubernetes.io/component': 'warm-buffer', 'app.kubernetes.io/managed-by': 'cdk8s-coldstart' };
  const amounts = { cpu: '10m', memory: '16Mi' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'm-buffer', labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'pause',
            image: `registry.k8s.io/pause${DIGEST}`,
            imagePullPolicy: 'IfNotPresent',
            resources: { requests: amounts, limits: amounts },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  };
}

const pod = (o: any) => o.spec.template.spec;
const vllm = (o: any) => pod(o).containers[0];

function isvc(mutate: (o: any) => void = () => {}): any {
  const o: any = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'm', annotations: { 'serving.kserve.io/deploymentMode': 'Knative' } },
    spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: `oci://registry.example.com/m${DIGEST}` } } },
  };
  mutate(o);
  return o;
}

/** A Knative InferenceService whose predictor runs the compliant vLLM container. */
function vllmIsvc(mutate: (predictor: any) => void = () => {}): any {
  const d = compliant();
  const predictor: any = { ...pod(d), containers: [{ ...vllm(d), name: 'kserve-container' }] };
  mutate(predictor);
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: 'm',
      annotations: { 'serving.kserve.io/deploymentMode': 'Knative', 'coldstart.cdk8s.io/knative-features': 'kubernetes.podspec-persistent-volume-claim,kubernetes.podspec-persistent-volume-write' },
    },
    spec: { predictor },
  };
}

interface Run { findings: Finding[]; error?: string; objects: ApiObject[]; app: App }

/** Synthesizes raw objects under the baseline pack and returns its findings. */
function run(
  objects: any[],
  props: ColdStartBaselineProps = { environment: Environment.PRODUCTION },
  suppress?: (objs: ApiObject[], chart: Chart) => void,
): Run {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  // The fixtures are real manifests: each must validate, so a rule is never tested on an object Kubernetes would refuse.
  expect(objects.flatMap(schemaErrors)).toEqual([]);
  const apiObjects = objects.map((o, i) => new ApiObject(chart, `o${i}`, o));
  Aspects.of(app).add(new ColdStartBaseline(props));
  suppress?.(apiObjects, chart);
  let error: string | undefined;
  try {
    app.synthYaml();
  } catch (e) {
    // Whitespace collapsed: the failure block aligns columns and wraps text.
    error = (e as Error).message.replace(/\s+/g, ' ');
  }
  return { findings: Findings.of(app), error, objects: apiObjects, app };
}

const ids = (r: Run, suppressed = false) => [...new Set(r.findings.filter(f => !!f.suppressed === suppressed).map(f => f.ruleId))].sort();

describe('the compliant baseline', () => {
  test('has no finding, in production on a generic cloud', () => {
    const r = run([compliant(), compliantAux()]);
    expect(r.findings).toEqual([]);
    expect(r.error).toBeUndefined();
  });
});

/** For each rule: an object that breaks only it. */
const VIOLATIONS: Array<[string, () => any[], ColdStartBaselineProps?]> = [
  ['CS-IMG-001', () => { const o = compliant(); vllm(o).image = 'vllm/vllm-openai:latest'; return [o]; }],
  ['CS-IMG-002', () => { const o = compliant(); vllm(o).imagePullPolicy = 'Always'; return [o]; }],
  ['CS-SHM-001', () => {
    const o = compliant(); vllm(o).args = vllm(o).args.filter((a: string) => a !== '--tensor-parallel-size' && a !== '2');
    vllm(o).resources.limits.memory = '14Gi'; vllm(o).resources.requests.memory = '14Gi';
    pod(o).volumes[0] = { name: 'dshm', emptyDir: {} };
    return [o];
  }],
  ['CS-SHM-002', () => { const o = compliant(); vllm(o).resources.limits.memory = '20Gi'; return [o]; }],
  ['CS-SHM-003', () => { const o = compliant(); pod(o).volumes[0] = { name: 'dshm', emptyDir: { medium: 'Memory' } }; return [o]; }],
  ['CS-RT-001', () => { const o = compliant(); vllm(o).args[0] = '--gpu-memory-utilization=0.92'; return [o]; }],
  ['CS-RT-002', () => { const o = compliant(); delete pod(o).enableServiceLinks; return [o]; }],
  ['CS-RT-003', () => { const o = compliant(); pod(o).volumes[1] = { name: 'cache', emptyDir: {} }; return [o]; }],
  ['CS-RT-004', () => { const o = compliant(); vllm(o).startupProbe.failureThreshold = 6; return [o]; }],
  ['CS-WL-001', () => { const o = compliant(); vllm(o).env = [{ name: 'HF_HUB_OFFLINE', value: '1' }]; return [o]; }],
  ['CS-PRF-001', () => { const o = compliant(); pod(o).nodeSelector = { 'cloud.google.com/gke-accelerator': 'nvidia-l4' }; return [o]; }],
  ['CS-KSV-001', () => [isvc(o => {
    o.spec.predictor.shareProcessNamespace = true;
    // Knative's own flag for it is declared: only the KServe-injection clash remains.
    o.metadata.annotations['coldstart.cdk8s.io/knative-features'] = 'kubernetes.podspec-shareprocessnamespace';
  })]],
  ['CS-KSV-002', () => [isvc(o => { o.spec.predictor.tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists' }]; })]],
  // Scales to zero, but a request may wait only 100 s for a pod whose startup budget is 300 s.
  ['CS-KSV-003', () => [vllmIsvc(p => { p.minReplicas = 0; p.timeout = 100; })]],
  // Two PriorityClasses of one name with different values: the one applied last wins.
  ['CS-WL-003', () => [0, 1].map(value => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'p' }, value }))],
  // The Deployment's default 600 s deadline is below a 700 s startup budget.
  ['CS-RT-005', () => { const o = compliant(); vllm(o).startupProbe.failureThreshold = 70; return [o]; }],
  // The add-on's interceptor holds a first request 60 s for a pod whose startup budget is 300 s.
  ['CS-RT-006', () => [interceptorRoute('60s'), compliant(), vllmService()]],
  ['CS-SEC-001', () => { const o = compliant(); vllm(o).env.push({ name: 'HF_TOKEN', value: 'hf_abcdefghijklmnop' }); return [o]; }],
  ['CS-SEC-002', () => { const o = compliantAux(); delete pod(o).automountServiceAccountToken; return [o]; }],
  ['CS-SEC-004', () => { const o = compliant(); delete vllm(o).securityContext.runAsNonRoot; delete vllm(o).securityContext.runAsUser; return [o]; }],
  ['CS-SEC-005', () => {
    const o = compliant();
    pod(o).volumes.push({ name: 'host', hostPath: { path: '/etc' } });
    vllm(o).volumeMounts.push({ name: 'host', mountPath: '/host', readOnly: true });
    return [o];
  }],
  ['CS-SEC-003', () => {
    const o = compliant();
    vllm(o).env.push({ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 's3', key: 'secret' } } });
    vllm(o).args.push('--served-model-name=$(AWS_SECRET_ACCESS_KEY)');
    return [o];
  }],
  ['CS-SLP-001', () => { const o = compliant(); vllm(o).env.push({ name: 'VLLM_SERVER_DEV_MODE', value: '1' }); return [o]; }],
  ['CS-LORA-001', () => { const o = compliant(); vllm(o).env.push({ name: 'VLLM_ALLOW_RUNTIME_LORA_UPDATING', value: 'True' }); return [o]; }],
  ['CS-IMG-003', () => { const o = compliant(); vllm(o).image = `europe-west4-docker.pkg.dev/p/r/vllm${DIGEST}`; return [o]; }, { environment: Environment.PRODUCTION, region: 'us-central1' }],
];

describe('CS-SEC-004: vLLM pods meet Pod Security restricted where they can', () => {
  const found = (objects: any[]) => run(objects).findings.filter(f => f.ruleId === 'CS-SEC-004').map(f => f.message);
  test.each([
    ['escalation', (o: any) => { delete vllm(o).securityContext.allowPrivilegeEscalation; }, 'may escalate privileges'],
    ['capabilities', (o: any) => { vllm(o).securityContext.capabilities.drop = ['NET_RAW']; }, 'keeps Linux capabilities'],
    ['seccomp', (o: any) => { vllm(o).securityContext.seccompProfile = { type: 'Unconfined' }; }, 'has no RuntimeDefault seccomp profile'],
    ['root', (o: any) => { delete vllm(o).securityContext.runAsUser; delete vllm(o).securityContext.runAsNonRoot; }, 'runs as root'],
    ['uid 0', (o: any) => { vllm(o).securityContext.runAsUser = 0; delete vllm(o).securityContext.runAsNonRoot; }, 'runs as uid 0'],
    ['uid 0 beside runAsNonRoot', (o: any) => { vllm(o).securityContext.runAsUser = 0; }, 'runs as uid 0'],
    ['uid 0 on the pod', (o: any) => { delete vllm(o).securityContext.runAsUser; pod(o).securityContext = { runAsUser: 0 }; }, 'runs as uid 0'],
    ['token', (o: any) => { delete pod(o).automountServiceAccountToken; }, 'mounts a service account token vLLM never uses'],
    ['the default service account', (o: any) => { delete pod(o).automountServiceAccountToken; pod(o).serviceAccountName = 'default'; }, 'mounts a service account token vLLM never uses'],
    ['an added capability', (o: any) => { vllm(o).securityContext.capabilities.add = ['SYS_ADMIN', 'NET_BIND_SERVICE']; }, 'adds capabilities SYS_ADMIN'],
    ['hostNetwork', (o: any) => { pod(o).hostNetwork = true; }, 'shares the node\'s network namespace'],
    ['hostPID', (o: any) => { pod(o).hostPID = true; }, 'shares the node\'s PID namespace'],
    ['hostIPC', (o: any) => { pod(o).hostIPC = true; }, 'shares the node\'s IPC namespace'],
  ])('catches %s', (_name, mutate, message) => {
    const o = compliant();
    mutate(o);
    expect(found([o])).toEqual([expect.stringContaining(message)]);
  });

  test('one finding per container names every missing setting', () => {
    const o = compliant();
    delete vllm(o).securityContext;
    delete pod(o).automountServiceAccountToken;
    expect(run([o]).findings.filter(f => f.ruleId === 'CS-SEC-004').map(f => [f.value, f.message])).toEqual([[
      'allowPrivilegeEscalation, capabilities.drop, seccompProfile, runAsNonRoot, automountServiceAccountToken',
      'vLLM container "vllm" may escalate privileges; keeps Linux capabilities; has no RuntimeDefault seccomp profile; runs as root (the image\'s default user); '
        + 'mounts a service account token vLLM never uses',
    ]]);
  });

  test('privileged is named beside the escalation it implies', () => {
    const o = compliant();
    // The API server refuses privileged beside allowPrivilegeEscalation: false.
    vllm(o).securityContext.privileged = true;
    delete vllm(o).securityContext.allowPrivilegeEscalation;
    expect(run([o]).findings.filter(f => f.ruleId === 'CS-SEC-004').map(f => f.value)).toEqual(['privileged, allowPrivilegeEscalation']);
  });

  test('NET_BIND_SERVICE, the one capability restricted allows back, is no finding', () => {
    const o = compliant();
    vllm(o).securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    expect(found([o])).toEqual([]);
  });

  test('pod-level settings count; a named service account keeps its token', () => {
    const o = compliant();
    vllm(o).securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
    pod(o).securityContext = { seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 1000 };
    delete pod(o).automountServiceAccountToken;
    pod(o).serviceAccountName = 'vllm-s3-reader';
    expect(found([o])).toEqual([]);
  });

  test('a modelcar InferenceService is not held to the uid, which KServe sets', () => {
    const modelcar = vllmIsvc(p => {
      delete p.containers[0].securityContext.runAsNonRoot;
      delete p.containers[0].securityContext.runAsUser;
      p.containers[0].env.push({ name: 'STORAGE_URI', value: `oci://registry.example.com/m${DIGEST}` });
    });
    expect(found([modelcar])).toEqual([]);
    const volume = vllmIsvc(p => { delete p.containers[0].securityContext.runAsNonRoot; delete p.containers[0].securityContext.runAsUser; });
    expect(found([volume])).toEqual([expect.stringContaining('runs as root')]);
  });

  test('init containers and containers that are not vLLM servers are CS-SEC-002\'s or nobody\'s business', () => {
    const o = compliant();
    pod(o).initContainers = [{ name: 'fetch', image: VLLM, command: ['sh', '-c', 'true'] }];
    expect(found([o])).toEqual([]);
  });
});

describe('CS-SEC-002', () => {
  const found = (o: any) => run([o]).findings.filter(f => f.ruleId === 'CS-SEC-002').map(f => f.message);
  test.each([
    ['escalation', (o: any) => { delete vllm(o).securityContext.allowPrivilegeEscalation; }, 'may escalate privileges'],
    ['capabilities', (o: any) => { vllm(o).securityContext.capabilities.drop = ['NET_RAW']; }, 'keeps Linux capabilities'],
    ['root by default', (o: any) => { delete pod(o).securityContext.runAsNonRoot; }, 'may run as root without saying it must'],
    ['unbounded memory', (o: any) => { delete vllm(o).resources.limits.memory; }, 'has no memory request and limit'],
  ])('catches %s', (_name, mutate, message) => {
    const o = compliantAux();
    mutate(o);
    expect(found(o)).toEqual([expect.stringContaining(message)]);
  });

  test('accepts root when the container says so explicitly', () => {
    const o = compliantAux();
    delete pod(o).securityContext.runAsNonRoot;
    Object.assign(vllm(o).securityContext, { runAsNonRoot: false, runAsUser: 0 });
    expect(found(o)).toEqual([]);
  });

  test('ignores pods the library does not own, and the model server', () => {
    const user = compliantAux();
    delete user.metadata.labels;
    delete pod(user).automountServiceAccountToken;
    user.spec.template.metadata.labels = { app: 'mine' };
    const server = compliantAux();
    server.spec.template.metadata.labels['app.kubernetes.io/component'] = 'model-server';
    server.metadata.labels['app.kubernetes.io/component'] = 'model-server';
    delete pod(server).automountServiceAccountToken;
    expect(found(user)).toEqual([]);
    expect(found(server)).toEqual([]);
  });

  test('reads the labels of the object and its pod template, the template\'s first', () => {
    const open = () => {
      const o = compliantAux();
      delete pod(o).automountServiceAccountToken;
      return o;
    };
    // Ours by the object's labels alone.
    const objectOnly = open();
    objectOnly.spec.template.metadata.labels = { app: 'x' };
    // The template says another tool owns it.
    const template = open();
    template.spec.template.metadata.labels = { 'app.kubernetes.io/managed-by': 'helm' };
    // The template says it is the model server.
    const server = open();
    server.spec.template.metadata.labels = { 'app.kubernetes.io/component': 'model-server' };
    // Ours by the template alone.
    const templateOnly = open();
    delete templateOnly.metadata.labels;
    expect(found(objectOnly)).toEqual([expect.stringContaining('mounts a service account token')]);
    expect(found(template)).toEqual([]);
    expect(found(server)).toEqual([]);
    expect(found(templateOnly)).toEqual([expect.stringContaining('mounts a service account token')]);
  });
});

test('every rule has a violation case', () => {
  // CS-WL-002 judges objects the schema refuses, which run() does not take: test/rules/engine.test.ts covers it.
  expect([...VIOLATIONS.map(v => v[0]), 'CS-WL-002'].sort()).toEqual(BASELINE_RULES.map(r => r.id).sort());
});

describe.each(VIOLATIONS)('%s', (id, make, props) => {
  const rule = BASELINE_RULES.find(r => r.id === id)!;

  test('is found on the violating object, and only it', () => {
    const r = run(make(), props);
    expect(ids(r)).toEqual([id]);
    const f = r.findings[0];
    expect(f.path).toBe('c/o0');
    expect(f.level).toBe(rule.level);
    expect(f.value).not.toBe('');
    if (rule.level === 'error') {
      expect(r.error).toContain(`error c/o0 ${id} `);
      expect(r.error).toContain(` ${f.object}: `);
      expect(r.error).toContain(' fix: ');
    } else {
      expect(r.error).toBeUndefined();
    }
  });

  test('is silenced by a suppression with a reason, which the report keeps', () => {
    const r = run(make(), props, objs => RuleSuppressions.add(objs[0], [{ id, reason: 'accepted for this test object' }]));
    expect(ids(r)).toEqual([]);
    expect(ids(r, true)).toEqual([id]);
    expect(r.findings[0].suppressed).toBe('accepted for this test object');
    expect(r.error).toBeUndefined();
  });
});

describe('findings name everything needed to act', () => {
  test('one error message lists every finding with path, object, id, value and fix', () => {
    const a = compliant(); vllm(a).image = 'vllm/vllm-openai:latest';
    const b = compliant(); b.metadata.name = 'other'; vllm(b).args[0] = '--gpu-memory-utilization=0.95';
    const { error } = run([a, b]);
    expect(error).toMatch(/^cdk8s-coldstart: synth failed on 2 rule errors; no manifest was written\. /);
    expect(error).toContain('error c/o0 CS-IMG-001 vllm/vllm-openai:latest Deployment/vllm: container "vllm" image is not pinned by digest fix: Reference the image as registry/repository@sha256:');
    expect(error).toContain('error c/o1 CS-RT-001 0.95 Deployment/other: vLLM container "vllm" sets --gpu-memory-utilization=0.95, outside (0, 0.8] fix: ');
    expect(error).toMatch(/ cdk8s-coldstart: 2 errors, 0 warnings, 0 suppressed \(see \/.*\/coldstart-findings\.jsonl\)$/);
  });

  test('a finding specific fix wins over the rule fix', () => {
    const o = compliant(); vllm(o).resources.limits.memory = '20Gi';
    expect(run([o]).error).toMatch(/CS-SHM-002 20Gi .* fix: raise resources.limits.memory to at least 30Gi/);
  });

  test('the JSON Lines report sits next to the manifests, suppressions included', () => {
    const a = compliant(); vllm(a).image = 'vllm/vllm-openai:v1';
    const r = run([a], undefined, objs => RuleSuppressions.add(objs[0], [{ id: 'CS-IMG-001', reason: 'upstream publishes tags only' }]));
    const lines = readFileSync(join(r.app.outdir, REPORT_FILE), 'utf8').trim().split('\n').map(l => JSON.parse(l));
    expect(lines[0]).toEqual({ type: 'summary', errors: 0, warnings: 0, suppressed: 1 });
    expect(lines[1]).toMatchObject({ type: 'finding', ruleId: 'CS-IMG-001', path: 'c/o0', object: 'Deployment/vllm', value: 'vllm/vllm-openai:v1', suppressed: 'upstream publishes tags only' });
  });

  test('Findings.of reads the findings on objects under a scope', () => {
    const app = Testing.app();
    const bad = () => { const o = compliant(); vllm(o).image = 'vllm:1'; return o; };
    // 'cd' shares a prefix with 'c' but is not under it.
    const [c, cd] = ['c', 'cd'].map(id => new Chart(app, id));
    new ApiObject(c, 'o', bad());
    new ApiObject(cd, 'o', bad());
    Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
    expect(() => app.synthYaml()).toThrow(/CS-IMG-001/);
    expect(Findings.of(app).map(f => f.path)).toEqual(['c/o', 'cd/o']);
    expect(Findings.of(c).map(f => f.path)).toEqual(['c/o']);
    expect(Findings.of(c.node.findChild('o')).map(f => [f.ruleId, f.level, f.object])).toEqual([['CS-IMG-001', RuleLevel.ERROR, 'Deployment/vllm']]);
  });

  test('warnings print and do not fail synth', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const r = run([isvc(o => { o.spec.predictor.priorityClassName = 'x'; })]);
      expect(r.error).toBeUndefined();
      expect(write).toHaveBeenCalledWith(expect.stringMatching(/^cdk8s-coldstart: WARNING \[CS-KSV-002\] c\/o0 \(InferenceService\/m\).*kubernetes.podspec-priorityclassname/));
    } finally {
      write.mockRestore();
    }
  });
});

describe('suppressions', () => {
  test('cover the subtree of the construct they are added to', () => {
    const bad = () => { const o = compliant(); vllm(o).image = 'vllm:1'; return o; };
    const r = run([bad(), bad()], undefined, (_, chart) => RuleSuppressions.add(chart, [{ id: 'CS-IMG-001', reason: 'lab chart, tags on purpose' }]));
    expect(r.findings.map(f => f.suppressed)).toEqual(['lab chart, tags on purpose', 'lab chart, tags on purpose']);
  });

  test('on one object leave its siblings checked', () => {
    const bad = () => { const o = compliant(); vllm(o).image = 'vllm:1'; return o; };
    const r = run([bad(), bad()], undefined, objs => RuleSuppressions.add(objs[0], [{ id: 'CS-IMG-001', reason: 'pinned by the mirror' }]));
    expect(r.findings.map(f => [f.path, f.suppressed])).toEqual([['c/o0', 'pinned by the mirror'], ['c/o1', undefined]]);
    expect(r.error).toContain('c/o1');
  });

  test('need a reason of at least 10 characters', () => {
    const app = Testing.app();
    expect(() => RuleSuppressions.add(app, [{ id: 'CS-RT-001', reason: 'because' }])).toThrow(/suppression of CS-RT-001 needs a reason of at least 10 characters, got "because"/);
  });

  test('name a rule id, when added', () => {
    expect(() => RuleSuppressions.add(Testing.app(), [{ id: 'CS RT 001', reason: 'long enough reason' }])).toThrow(/^: suppression of unknown rule "CS RT 001": not a rule id\. Fix: /);
  });

  test('name a rule of a pack that judged the app, at synth', () => {
    const r = run([compliant()], undefined, (_, chart) => RuleSuppressions.add(chart, [{ id: 'CS-RT-999', reason: 'long enough reason' }]));
    expect(r.error).toMatch(/^c: suppression of unknown rule "CS-RT-999"\. Fix: use one of CS-IMG-001, CS-IMG-002, .*CS-SLP-001, CS-LORA-001$/);
  });

  test('are not checked in an app no pack judges', () => {
    const app = Testing.app();
    RuleSuppressions.add(new Chart(app, 'c'), [{ id: 'CS-RT-999', reason: 'long enough reason' }]);
    Aspects.of(app).add({ visit: () => {} });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('write the kube-linter and Polaris exemptions where those tools have the check', () => {
    const o = compliant(); vllm(o).image = 'vllm/vllm-openai:v0.11.0';
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const obj = new ApiObject(chart, 'o', o);
    Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
    RuleSuppressions.add(obj, [{ id: 'CS-IMG-001', reason: 'vendor image, tag is immutable' }]);
    const [out] = Testing.synth(chart);
    expect(out.metadata.annotations).toEqual({
      'ignore-check.kube-linter.io/latest-tag': 'vendor image, tag is immutable',
      'polaris.fairwinds.com/tagNotSpecified-exempt': 'true',
    });
  });
  test('written on our own objects too, though the pack judged them before synth writes them', () => {
    const o = compliant(); vllm(o).image = 'vllm/vllm-openai:v0.11.0';
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const obj = new ManifestObject(chart, 'o', o);
    Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
    RuleSuppressions.add(obj, [{ id: 'CS-IMG-001', reason: 'vendor image, tag is immutable' }]);
    const [out] = Testing.synth(chart);
    expect(out.metadata.annotations).toEqual({
      'ignore-check.kube-linter.io/latest-tag': 'vendor image, tag is immutable',
      'polaris.fairwinds.com/tagNotSpecified-exempt': 'true',
    });
  });
});

describe('the engine', () => {
  test('sees objects from cdk8s-plus, raw ApiObjects and Included YAML', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new Deployment(chart, 'plus', {
      containers: [{ image: 'vllm/vllm-openai:latest', securityContext: { ensureNonRoot: false } as ContainerSecurityContext }],
    });
    new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    new Include(chart, 'yaml', { url: join(__dirname, '..', 'fixtures', 'tagged-daemonset.yaml') });
    Aspects.of(app).add(new ColdStartBaseline());
    expect(thrown(() => app.synthYaml())).toMatch(/c\/plus\/Resource CS-IMG-001 vllm\/vllm-openai:latest Deployment\/.* c\/raw CS-IMG-001 .* Pod\/p: .* c\/yaml\/prepull-daemonset CS-IMG-001 .* DaemonSet\/prepull: /);
  });

  test('a plain cdk8s-plus vLLM Deployment with :latest beside our model is caught', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ColdStartOptimizedModel(chart, 'qwen', baseProps());
    new Deployment(chart, 'rogue', { containers: [{ image: 'vllm/vllm-openai:latest' }] });
    expect(thrown(() => Testing.synth(chart))).toMatch(/error c\/rogue\/Resource CS-IMG-001 vllm\/vllm-openai:latest Deployment\/c-rogue-\S+: container "main" image is not pinned by digest/);
  });

  test('runs each aspect once per construct, top-down, with every synth', () => {
    const visits: string[] = [];
    const aspect: IAspect = { visit: n => { visits.push(n.node.path); } };
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'c');
    new Construct(chart, 'child');
    Aspects.of(chart).add(aspect);
    app.synthYaml();
    app.synthYaml();
    expect(visits).toEqual(['c', 'c/child']);
  });

  test('several aspects, one of them added at two levels: each visits each construct once, across syntheses', () => {
    const visits: string[] = [];
    const named = (name: string): IAspect => ({ visit: n => { visits.push(`${name} ${n.node.path}`); } });
    const [a, b, c] = ['a', 'b', 'c'].map(named);
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'c');
    new Construct(chart, 'child');
    Aspects.of(app).add(a);
    Aspects.of(app).add(c);
    Aspects.of(chart).add(b);
    Aspects.of(chart).add(c);
    app.synthYaml();
    app.synthYaml();
    expect(visits).toEqual(['a ', 'c ', 'a c', 'c c', 'b c', 'a c/child', 'c c/child', 'b c/child']);
  });

  test('visits constructs an aspect adds', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const seen: string[] = [];
    Aspects.of(app).add({
      visit: n => {
        seen.push(n.node.path);
        if (n === chart) new Construct(chart, 'added');
      },
    });
    app.synthYaml();
    expect(seen).toContain('c/added');
  });

  test('the pack judges objects as every aspect left them, whatever the order of the aspects', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const obj = new ApiObject(chart, 'o', compliant());
    Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
    // Added on the chart, so it visits the object after the app's pack does.
    Aspects.of(chart).add({ visit: n => { if (n === obj) obj.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'vllm/vllm-openai:latest')); } });
    expect(thrown(() => app.synthYaml())).toMatch(/error c\/o CS-IMG-001 .* Deployment\/vllm: /);
  });

  test('each object is rendered once per synth, even with Services relating objects (linear, not quadratic)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    for (let i = 0; i < 5; i++) {
      new ColdStartOptimizedModel(chart, `m${i}`, baseProps({ name: `m${i}`, backend: Backend.deployment(), weights: WeightSource.existingClaim(`w${i}`) }));
    }
    const objects = chart.node.findAll().filter(ApiObject.isApiObject);
    expect(objects.filter(o => o.kind === 'Service')).toHaveLength(5);
    // The model's objects are all ManifestObjects.
    expect(objects.every(o => ManifestObject.isManifestObject(o))).toBe(true);
    const toJson = jest.spyOn(ManifestObject.prototype, 'toJson');
    const render = jest.spyOn(ManifestObject.prototype as any, 'plainJson');
    try {
      app.synthYaml();
      // The pack renders each object once and the YAML writer takes what it judged.
      expect(render.mock.calls.length).toBe(objects.length);
      expect(toJson.mock.calls.length).toBe(objects.length);
    } finally {
      toJson.mockRestore();
      render.mockRestore();
    }
  });

  test('a generic pack refuses cloud objects; a GKE pack accepts them', () => {
    const cc = { apiVersion: 'cloud.google.com/v1', kind: 'ComputeClass', metadata: { name: 'gpu' }, spec: { priorities: [], whenUnsatisfiable: 'DoNotScaleUp' } };
    expect(ids(run([cc], { cloud: CloudProvider.GENERIC }))).toEqual(['CS-PRF-001']);
    expect(ids(run([cc], { cloud: CloudProvider.GKE }))).toEqual([]);
  });

  test('the persistent-cache rule is for production only', () => {
    const o = compliant(); pod(o).volumes[1] = { name: 'cache', emptyDir: {} };
    expect(ids(run([o], { environment: Environment.LAB }))).toEqual([]);
  });
});

describe('ColdStartOptimizedModel adds the baseline pack', () => {
  test('for its profile, once per app', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ColdStartOptimizedModel(chart, 'a', baseProps({ profile: Profile.production() }));
    new ColdStartOptimizedModel(chart, 'b', baseProps({ profile: Profile.production() }));
    const packs = Aspects.of(app).all.filter(a => a instanceof ColdStartBaseline) as ColdStartBaseline[];
    expect(packs.map(p => [p.environment, p.cloud])).toEqual([['production', 'generic']]);
  });

  test('models of two profiles in one app are refused with the way out', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ColdStartOptimizedModel(chart, 'a', baseProps({ profile: Profile.lab() }));
    expect(() => new ColdStartOptimizedModel(chart, 'b', baseProps({ profile: Profile.production() })))
      .toThrow(/^c\/b: \[CS-IN-010\] this app's ColdStartBaseline pack checks lab\/generic but this model's profile is production\/generic.*Fix: /);
  });

  test('unless told not to', () => {
    const app = Testing.app();
    new ColdStartOptimizedModel(new Chart(app, 'c'), 'a', baseProps({ enforceBaseline: false }));
    expect(Aspects.of(app).all).toEqual([]);
  });

  test('our own model passes it with zero findings in both profiles', () => {
    for (const profile of [Profile.lab(), Profile.production()]) {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      new ColdStartOptimizedModel(chart, 'm', baseProps({ profile }));
      Testing.synth(chart);
      expect(Findings.of(app)).toEqual([]);
    }
  });

  test('a hand-written modelcar sidecar on our InferenceService is caught', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const model = new ColdStartOptimizedModel(chart, 'm', baseProps());
    model.workload.addJsonPatch(JsonPatch.add('/spec/predictor/shareProcessNamespace', true));
    expect(thrown(() => Testing.synth(chart))).toMatch(/error c\/m\/Resource CS-KSV-001 .* InferenceService\/m: /);
  });
});

describe('more shapes each rule reads', () => {
  const only = (objects: any[], props?: ColdStartBaselineProps) => ids(run(objects, props));

  test('CS-IMG-001: an oci:// storage URI by tag, in storageUri or STORAGE_URI', () => {
    expect(only([isvc(o => { o.spec.predictor.model.storageUri = 'oci://registry.example.com/m:v1'; })])).toEqual(['CS-IMG-001']);
    const custom = isvc(o => {
      delete o.spec.predictor.model;
      o.spec.predictor.containers = [{ name: 'kserve-container', image: `busybox${DIGEST}`, env: [{ name: 'STORAGE_URI', value: 'oci://r.example.com/m:latest' }] }];
    });
    expect(run([custom]).findings.map(f => f.value)).toEqual(['oci://r.example.com/m:latest']);
  });

  test('CS-IMG-001: init containers, CronJobs and serving runtimes are read too', () => {
    const o = compliant(); pod(o).initContainers = [{ name: 'fetch', image: 'alpine:3' }];
    expect(run([o]).findings.map(f => f.message)).toEqual(['initContainer "fetch" image is not pinned by digest']);
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'x', image: 'alpine' }] } } } } } };
    expect(only([cron])).toEqual(['CS-IMG-001']);
    const sr = { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ClusterServingRuntime', metadata: { name: 'r' }, spec: { containers: [{ name: 'kserve-container', image: 'kserve/huggingfaceserver:v0.20.0' }] } };
    expect(only([sr])).toEqual(['CS-IMG-001']);
  });

  test('CS-RT-004: the expected startup written on the object raises the bar', () => {
    const o = compliant(); o.metadata.annotations = { 'coldstart.cdk8s.io/expected-startup-seconds': '900' };
    expect(run([o]).findings.map(f => [f.ruleId, f.value, f.fix])).toEqual([['CS-RT-004', '300 s', 'raise startupProbe.failureThreshold to 90']]);
    const none = compliant(); delete vllm(none).startupProbe;
    expect(run([none]).findings.map(f => f.value)).toEqual(['no startupProbe']);
  });

  test('CS-WL-001: a KServe storage URI means local weights; a Hub model id does not', () => {
    const m = isvc(o => { o.spec.predictor.model.image = VLLM; o.spec.predictor.model.args = ['--gpu-memory-utilization=0.6']; });
    expect(run([m]).findings.filter(f => f.ruleId === 'CS-WL-001').map(f => f.value)).toEqual(['HF_HUB_OFFLINE=unset, TRANSFORMERS_OFFLINE=unset']);
    const hub = compliant(); vllm(hub).command = ['vllm', 'serve', 'Qwen/Qwen2.5-0.5B-Instruct']; vllm(hub).env = [];
    expect(only([hub])).toEqual([]);
  });

  test('CS-PRF-001: cloud CSI drivers, storage classes, annotations and provisioning classes', () => {
    const csi = compliant(); pod(csi).volumes.push({ name: 'w', csi: { driver: 'gcsfuse.csi.storage.gke.io' } });
    const sc = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'efs' }, provisioner: 'efs.csi.aws.com' };
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { storageClassName: 'premium-rwo', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
    const ann = compliant(); ann.metadata.name = 'annotated'; ann.spec.template.metadata.annotations = { 'gke-gcsfuse/volumes': 'true' };
    const pr = { apiVersion: 'autoscaling.x-k8s.io/v1', kind: 'ProvisioningRequest', metadata: { name: 'r' }, spec: { provisioningClassName: 'queued-provisioning.gke.io', podSets: [{ count: 1, podTemplateRef: { name: 'gpu' } }] } };
    const r = run([csi, sc, pvc, ann, pr]);
    expect(r.findings.map(f => [f.path, f.value])).toEqual([
      ['c/o0', 'gcsfuse.csi.storage.gke.io'], ['c/o1', 'efs.csi.aws.com'], ['c/o2', 'premium-rwo'],
      ['c/o3', 'gke-gcsfuse/volumes'], ['c/o4', 'queued-provisioning.gke.io'],
    ]);
    expect(only([csi, sc, pvc, ann, pr], { cloud: CloudProvider.EKS })).toEqual([]);
  });

  test('CS-IMG-003: Artifact Registry regions and multi-regions, ECR, oci:// models; only with a region', () => {
    let n = 0;
    // Each its own name: two Deployments of one name would collide (CS-WL-003).
    const image = (i: string) => { const o = compliant(); o.metadata.name = `vllm-${n++}`; vllm(o).image = `${i}${DIGEST}`; return o; };
    const central = { environment: Environment.PRODUCTION, region: 'us-central1' };
    expect(only([image('us-central1-docker.pkg.dev/p/r/vllm'), image('us-docker.pkg.dev/p/r/vllm'), image('docker.io/vllm/vllm-openai'), image('vllm/vllm-openai')], central)).toEqual([]);
    const far = run([image('europe-docker.pkg.dev/p/r/vllm'), image('123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm')], central);
    expect(far.findings.map(f => [f.path, f.value, f.message])).toEqual([
      ['c/o0', 'europe-docker.pkg.dev', 'container "vllm" image comes from a registry in europe, but the cluster is in us-central1'],
      ['c/o1', '123456789012.dkr.ecr.us-east-1.amazonaws.com', 'container "vllm" image comes from a registry in us-east-1, but the cluster is in us-central1'],
    ]);
    const ecr = { environment: Environment.PRODUCTION, region: 'us-east-1', cloud: CloudProvider.EKS };
    expect(only([image('123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm')], ecr)).toEqual([]);
    const model = isvc(o => { o.spec.predictor.model.storageUri = `oci://europe-west4-docker.pkg.dev/p/models/m${DIGEST}`; });
    expect(run([model], central).findings.map(f => f.message)).toEqual(['the modelcar storage URI comes from a registry in europe-west4, but the cluster is in us-central1']);
    expect(only([model])).toEqual([]);
  });

  test('CS-PRF-001: the node-lever keys (compute class selector, Karpenter pool and annotation) and objects', () => {
    const o = isvc(x => {
      x.spec.predictor.nodeSelector = { 'cloud.google.com/compute-class': 'g', 'karpenter.sh/nodepool': 'p' };
      x.spec.predictor.annotations = { 'karpenter.sh/do-not-disrupt': 'true' };
    });
    const np = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'p' },
      spec: { template: { spec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' }, requirements: [] } } },
    };
    const cc = { apiVersion: 'cloud.google.com/v1', kind: 'ComputeClass', metadata: { name: 'g' }, spec: { priorities: [], whenUnsatisfiable: 'DoNotScaleUp' } };
    expect(run([o, np, cc]).findings.filter(f => f.ruleId === 'CS-PRF-001').map(f => f.value)).toEqual([
      'cloud.google.com/compute-class', 'karpenter.sh/nodepool', 'karpenter.sh/do-not-disrupt', 'karpenter.sh/v1 NodePool', 'cloud.google.com/v1 ComputeClass',
    ]);
  });

  test('CS-PRF-001: a CapacityBuffer with a cloud provisioning strategy', () => {
    const cb = { apiVersion: 'autoscaling.x-k8s.io/v1beta1', kind: 'CapacityBuffer', metadata: { name: 'b' }, spec: { provisioningStrategy: 'buffer.gke.io/standby-capacity', replicas: 1, podTemplateRef: { name: 't' } } };
    expect(run([cb]).findings.map(f => f.value)).toEqual(['buffer.gke.io/standby-capacity']);
    expect(only([{ ...cb, spec: { ...cb.spec, provisioningStrategy: 'buffer.x-k8s.io/active-capacity' } }])).toEqual([]);
  });

  test('CS-KSV-001: KServe-internal keys on any InferenceService', () => {
    const o = isvc(x => { x.metadata.annotations['internal.serving.kserve.io/storage-initializer-sourceuri'] = 'oci://x'; });
    expect(run([o]).findings.map(f => f.value)).toEqual(['internal.serving.kserve.io/storage-initializer-sourceuri']);
  });

  test('CS-KSV-002: only undeclared flags, only in Knative mode', () => {
    const o = isvc(x => {
      x.spec.predictor.priorityClassName = 'p';
      x.spec.predictor.nodeSelector = { a: 'b' };
      x.metadata.annotations['coldstart.cdk8s.io/knative-features'] = 'kubernetes.podspec-priorityclassname';
    });
    expect(run([o]).findings.map(f => f.value)).toEqual(['kubernetes.podspec-nodeselector']);
    const standard = isvc(x => { x.spec.predictor.nodeSelector = { a: 'b' }; x.metadata.annotations['serving.kserve.io/deploymentMode'] = 'Standard'; });
    expect(only([standard])).toEqual([]);
    const pvc = isvc(x => {
      x.spec.predictor.volumes = [{ name: 'c', persistentVolumeClaim: { claimName: 'c' } }];
      x.spec.predictor.model.volumeMounts = [{ name: 'c', mountPath: '/root/.cache' }];
    });
    expect(run([pvc]).findings.map(f => f.value)).toEqual(['kubernetes.podspec-persistent-volume-claim, kubernetes.podspec-persistent-volume-write']);
  });

  test('CS-SHM-002: no memory limit, and the streamer default of 40 GB', () => {
    const none = compliant(); delete vllm(none).resources.limits.memory;
    expect(run([none]).findings.map(f => f.value)).toEqual(['no memory limit']);
    const unbounded = compliant(); vllm(unbounded).args = vllm(unbounded).args.filter((a: string) => !a.startsWith('--model-loader-extra-config'));
    expect(run([unbounded]).findings.map(f => f.message)).toEqual([expect.stringContaining('76294Mi Run:ai streamer CPU buffers')]);
  });

  test('CS-SEC-001: secretKeyRef and file paths are fine; literals never show in the finding', () => {
    const o = compliant();
    vllm(o).env.push({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } });
    vllm(o).env.push({ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/run/secrets/gcp/key.json' });
    expect(only([o])).toEqual([]);
    const leak = compliant(); vllm(leak).env.push({ name: 'AWS_SECRET_ACCESS_KEY', value: 'wJalrXUtnFEMI' });
    const r = run([leak]);
    expect(r.findings.map(f => f.value)).toEqual(['AWS_SECRET_ACCESS_KEY=<13 characters>']);
    expect(r.error).not.toContain('wJalrXUtnFEMI');
  });

  test('CS-SEC-001 by value: token shapes in any env var, flags, storage URIs and annotations; the value never shows', () => {
    const hf = 'hf_' + 'Kq4'.repeat(12);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    const o = compliant();
    vllm(o).env.push({ name: 'EXTRA', value: `Bearer ${jwt}` });
    vllm(o).args.push(`--hf-token=${hf}`, '--api-key', 'opaque-key-1', '--chat-template', 'https://u:pw@h/t?X-Amz-Signature=abc');
    o.metadata.annotations = { 'example.com/pull': hf };
    const r = run([o]);
    expect(r.findings.filter(f => f.ruleId === 'CS-SEC-001').map(f => f.value)).toEqual([
      'env EXTRA: a JWT',
      expect.stringMatching(/^args\[\d+\] --hf-token$/),
      expect.stringMatching(/^args\[\d+\] --api-key$/),
      expect.stringMatching(/^args\[\d+\]: a password in a URL$/),
      'metadata.annotations example.com/pull: a Hugging Face token',
    ]);
    for (const secret of [hf, jwt, 'opaque-key-1', 'pw@']) expect(JSON.stringify(r.findings) + r.error).not.toContain(secret);
    const uri = isvc(x => { x.spec.predictor.model = { storageUri: `s3://b/m?X-Amz-Credential=${'AKIA' + 'IOSFODNN7EXAMPLE'}` }; });
    expect(run([uri]).findings.filter(f => f.ruleId === 'CS-SEC-001').map(f => f.value)).toEqual(['storage URI: an AWS access key id']);
  });

  test('CS-SEC-001 by value leaves ordinary values alone: $(NAME) references, model names, digests, paths', () => {
    const o = compliant();
    vllm(o).env.push({ name: 'HF_TOKEN', value: '$(TOKEN_FROM_SECRET)' }, { name: 'MODEL', value: 'sk-learn-models/tiny' });
    vllm(o).args.push('--api-key', '$(VLLM_API_KEY)', '--tokenizer=/models/tok', '--max-num-batched-tokens=8192');
    o.metadata.annotations = { 'example.com/image': `vllm/vllm-openai@sha256:${'a'.repeat(64)}` };
    expect(run([o]).findings.filter(f => f.ruleId === 'CS-SEC-001')).toEqual([]);
  });

  test('no finding, failure block or report file shows a credential a rule echoes', () => {
    const token = 'hf_' + 'Kq4'.repeat(12);
    // A foreign object whose flag value is a pasted token: CS-RT-001 reports the value it reads.
    const o = compliant(); vllm(o).args[0] = `--gpu-memory-utilization=${token}`;
    // A user's rule that echoes an env value and a signed URL.
    class Echo extends Rule {
      constructor() { super({ id: 'ACME-ECHO', level: RuleLevel.ERROR, summary: 's', explanation: 'e', fix: 'see https://u:pw123@h/x?X-Amz-Signature=sig456' }); }
      public check(obj: any): Violation[] {
        return obj.kind === 'Deployment' ? [{ value: 'HF_TOKEN=opaque-no-shape', message: `reads ${token}` }] : [];
      }
    }
    class EchoPack extends RulePack { constructor() { super({ rules: [new Echo()] }); } }
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'o', o);
    Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
    Aspects.of(app).add(new EchoPack());
    const error = thrown(() => app.synthYaml());
    const findings = Findings.of(app);
    expect(findings.map(f => [f.ruleId, f.value])).toEqual([
      ['CS-RT-001', `<${token.length} characters>`],
      ['CS-SEC-001', 'args[0]: a Hugging Face token'],
      ['ACME-ECHO', 'HF_TOKEN=<15 characters>'],
    ]);
    expect(findings[0].message).toBe(`vLLM container "vllm" sets --gpu-memory-utilization=<${token.length} characters>, outside (0, 0.8]`);
    const report = readFileSync(join(app.outdir, REPORT_FILE), 'utf8');
    for (const text of [JSON.stringify(findings), error, report]) expect(text).not.toMatch(/Kq4Kq4|opaque-no-shape|pw123|sig456/);
  });

  test('CS-RT-003: VLLM_CACHE_ROOT on a claim is enough', () => {
    const o = compliant();
    pod(o).volumes[1] = { name: 'cache', emptyDir: {} };
    vllm(o).env.push({ name: 'VLLM_CACHE_ROOT', value: '/models/.vllm' });
    expect(only([o])).toEqual([]);
  });
});

describe('CS-SEC-003: no Secret-backed $(NAME) on a command line', () => {
  const secret = (name: string, key = 'k') => ({ name, valueFrom: { secretKeyRef: { name: 'creds', key } } });
  const values = (o: any) => run([o]).findings.filter(f => f.ruleId === 'CS-SEC-003').map(f => [f.value, f.message]);

  test('a secretKeyRef env var in args or command, in any container, init ones too', () => {
    const o = compliant();
    pod(o).initContainers = [{ name: 'fetch', image: VLLM, command: ['sh', '-c', 'curl -H "Authorization: Bearer $(HF_TOKEN)" x'], env: [secret('HF_TOKEN', 'token')] }];
    vllm(o).env.push(secret('API'));
    vllm(o).args.push('--api-key=$(API)');
    expect(values(o)).toEqual([
      ['command[2] $(HF_TOKEN)', 'initContainer "fetch" expands HF_TOKEN (Secret creds key token) into its command'],
      ['args[5] $(API)', 'container "vllm" expands API (Secret creds key k) into its args'],
    ]);
  });

  test('the $$ escape, plain env vars, unknown names, an unclosed $( and other kinds of value are not flagged', () => {
    const o = compliant();
    vllm(o).env.push(secret('TOKEN'), { name: 'PORT', value: '8000' }, { name: 'CM', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } });
    vllm(o).args.push('--a=$$(TOKEN)', '--b=$(PORT)', '--c=$(CM)', '--d=$(NOT_SET)', '--e=$(TOKEN', '--f=$$$(PORT)');
    expect(values(o)).toEqual([]);
    // `$$$(TOKEN)`: the first two are the escape, the third starts a reference.
    vllm(o).args.push('--g=$$$(TOKEN)');
    expect(values(o)).toEqual([['args[11] $(TOKEN)', expect.stringContaining('expands TOKEN')]]);
  });

  test('env overrides envFrom: from a Secret only the names no env var sets, and only under its prefix', () => {
    const o = compliant();
    vllm(o).envFrom = [{ secretRef: { name: 'bag' }, prefix: 'S_' }, { configMapRef: { name: 'plain' } }];
    vllm(o).args.push('--a=$(S_KEY)', '--b=$(HF_HUB_OFFLINE)', '--c=$(OTHER)');
    expect(values(o)).toEqual([['args[5] $(S_KEY)', 'container "vllm" expands S_KEY (perhaps Secret bag (envFrom)) into its args']]);
    vllm(o).env.push({ name: 'S_KEY', value: 'plain' });
    expect(values(o)).toEqual([]);
  });

  test('through a plain env var whose value expands a Secret-backed one defined before it', () => {
    const o = compliant();
    vllm(o).env.push(secret('TOKEN'), { name: 'HEADER', value: 'Bearer $(TOKEN)' }, { name: 'EARLY', value: '$(LATE)' }, secret('LATE'));
    vllm(o).args.push('--a=$(HEADER)', '--b=$(EARLY)');
    // EARLY is expanded before LATE exists, so it holds the literal text.
    expect(values(o)).toEqual([['args[5] $(HEADER)', 'container "vllm" expands HEADER (Secret creds key k, through HEADER) into its args']]);
  });

  test('the finding never shows the rest of the element', () => {
    const o = compliant();
    vllm(o).env.push(secret('TOKEN'));
    vllm(o).args.push('--x=$(TOKEN)-opaque-literal-part');
    const r = run([o]);
    expect(JSON.stringify(r.findings)).not.toContain('opaque-literal-part');
    expect(r.error).toContain('error c/o0 CS-SEC-003 args[5] $(TOKEN) Deployment/vllm: ');
  });

  test('reads foreign raw objects of other kinds (a bare Pod)', () => {
    const o = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: VLLM, args: ['$(T)'], env: [secret('T')] }] } };
    expect(BASELINE_RULES.find(r => r.id === 'CS-SEC-003')!.check(o, new RuleContext()).map(v => v.value)).toEqual(['args[0] $(T)']);
  });
});

describe('CS-SLP-001: sleep/wake endpoints never reachable from outside the pod', () => {
  /** vLLM in dev mode on port 8000 named "api"; `host` is its --host. */
  function devMode(host?: string): any {
    const o = compliant();
    vllm(o).env.push({ name: 'VLLM_SERVER_DEV_MODE', value: '1' });
    vllm(o).ports = [{ name: 'api', containerPort: 8000 }];
    if (host) vllm(o).args.push(`--host=${host}`);
    return o;
  }
  const service = (targetPort: any, selector: any = { app: 'vllm' }) => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'vllm-api' }, spec: { selector, ports: [{ port: 80, targetPort }] },
  });
  const slp = (objects: any[]) => run(objects).findings.filter(f => f.ruleId === 'CS-SLP-001').map(f => [f.path, f.value]);

  test('a dev-mode engine on all interfaces is flagged, and so is each Service that targets its port, by number or name', () => {
    expect(slp([devMode(), service(8000), service('api')])).toEqual([
      ['c/o0', '--host unset (all interfaces), port 8000'], ['c/o1', 'port 80 -> 8000'], ['c/o2', 'port 80 -> 8000'],
    ]);
  });

  test('a Service that selects other pods, or other ports, is not flagged', () => {
    expect(slp([devMode(), service(8000, { app: 'other' }), service(9090)])).toEqual([['c/o0', '--host unset (all interfaces), port 8000']]);
  });

  test('an engine bound to loopback exposes nothing, whatever targets it', () => {
    expect(slp([devMode('127.0.0.1'), service(8000)])).toEqual([]);
  });

  test('--host is read as vLLM reads it: a prefix or a later --host rebinds the engine; one element with a space is not a flag', () => {
    const rebound = (...extra: string[]) => {
      const o = devMode('127.0.0.1');
      vllm(o).args.push(...extra);
      return slp([o]).length;
    };
    expect(rebound('--hos=0.0.0.0')).toBe(1);
    expect(rebound('--ho', '0.0.0.0')).toBe(1);
    expect(rebound('--host=0.0.0.0')).toBe(1);
    expect(rebound('--chat-template=x --host=0.0.0.0')).toBe(0);
  });

  test('without dev mode, or with VLLM_SERVER_DEV_MODE=0, nothing is flagged', () => {
    const off = compliant(); vllm(off).env.push({ name: 'VLLM_SERVER_DEV_MODE', value: '0' });
    expect(slp([compliant(), off, service(8000)])).toEqual([]);
  });

  test('an Ingress routing to such a Service is flagged', () => {
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'public' },
      spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'vllm-api', port: { number: 80 } } } }] } }] },
    };
    expect(slp([devMode(), service(8000), ing]).map(f => f[0])).toEqual(['c/o0', 'c/o1', 'c/o2']);
  });

  test('a NetworkPolicy admitting the port (or every port) is flagged; one for other ports or pods is not', () => {
    const np = (ports: any[] | undefined, podSelector: any = { matchLabels: { app: 'vllm' } }) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'np' },
      spec: { podSelector, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }], ...(ports ? { ports } : {}) }] },
    });
    const r = slp([devMode(), np([{ port: 8000 }]), np(undefined), np([{ port: 'api' }]), np([{ port: 9090 }]), np(undefined, { matchLabels: { app: 'x' } })]);
    expect(r.map(f => f[0])).toEqual(['c/o0', 'c/o1', 'c/o2', 'c/o3']);
  });

  test('NetworkPolicy pod selectors with matchExpressions are evaluated', () => {
    const np = (expr: any) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'np' },
      spec: { podSelector: { matchExpressions: [expr] }, ingress: [{}] },
    });
    const r = slp([devMode(),
      np({ key: 'app', operator: 'In', values: ['vllm'] }), np({ key: 'app', operator: 'NotIn', values: ['x'] }), np({ key: 'app', operator: 'Exists' }),
      np({ key: 'app', operator: 'In', values: ['x'] }), np({ key: 'app', operator: 'DoesNotExist' })]);
    expect(r.map(f => f[0])).toEqual(['c/o0', 'c/o1', 'c/o2', 'c/o3']);
  });
});


describe('CS-LORA-001: LoRA loading endpoints never reachable from outside the pod', () => {
  /** vLLM with runtime LoRA updating on port 8000 named "api"; `host` is its --host. */
  function runtimeLora(value = 'true', host?: string): any {
    const o = compliant();
    vllm(o).env.push({ name: 'VLLM_ALLOW_RUNTIME_LORA_UPDATING', value });
    vllm(o).ports = [{ name: 'api', containerPort: 8000 }];
    if (host) vllm(o).args.push(`--host=${host}`);
    return o;
  }
  const service = (targetPort: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'vllm-api' }, spec: { selector: { app: 'vllm' }, ports: [{ port: 80, targetPort }] } });
  const lora = (objects: any[]) => run(objects).findings.filter(f => f.ruleId === 'CS-LORA-001').map(f => [f.path, f.value, f.message]);

  test('an engine with runtime updating on all interfaces is flagged, and so is each Service that targets its port', () => {
    expect(lora([runtimeLora(), service('api')])).toEqual([
      ['c/o0', '--host unset (all interfaces), port 8000', expect.stringContaining('the pod IP serves /v1/load_lora_adapter')],
      ['c/o1', 'port 80 -> 8000', expect.stringContaining('whose LoRA loading endpoints (VLLM_ALLOW_RUNTIME_LORA_UPDATING=true) listen on that port')],
    ]);
  });

  test('the value is read as vLLM reads it (envs.py): "1" or "true" after strip and lower-case turn it on, anything else does not', () => {
    for (const on of ['1', 'true', ' TRUE ', 'True']) expect(lora([runtimeLora(on)])).toHaveLength(1);
    for (const off of ['0', 'false', 'yes', '']) expect(lora([runtimeLora(off)])).toEqual([]);
  });

  test('an engine bound to loopback exposes nothing; a proxy beside it that forwards /v1/load_lora_adapter does', () => {
    expect(lora([runtimeLora('true', '127.0.0.1'), service(8000)])).toEqual([]);
    const o = runtimeLora('true', '127.0.0.1');
    vllm(o).args.push('--port=8001');
    pod(o).containers.push({ name: 'proxy', image: VLLM, ports: [{ name: 'http', containerPort: 8000 }], volumeMounts: [{ name: 'conf', mountPath: '/etc/nginx' }] });
    pod(o).volumes.push({ name: 'conf', configMap: { name: 'proxy' } });
    const conf = (location: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'proxy' },
      data: { 'nginx.conf': `http { server { listen 8000; location ${location} { proxy_pass http://127.0.0.1:8001; } } }` },
    });
    expect(lora([o, conf('/')]).map(f => f[1])).toEqual(['proxy port 8000: /v1/load_lora_adapter, /v1/unload_lora_adapter']);
    expect(lora([o, conf('= /v1/chat/completions')])).toEqual([]);
  });

  test('dev mode alone is CS-SLP-001\'s, not this rule\'s', () => {
    const o = compliant();
    vllm(o).env.push({ name: 'VLLM_SERVER_DEV_MODE', value: '1' });
    expect(lora([o])).toEqual([]);
  });
});

/** A Service in front of compliant()'s pods. */
function vllmService(selector: Record<string, string> = { app: 'vllm' }): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'vllm' }, spec: { selector, ports: [{ port: 8000, targetPort: 8000 }] } };
}

/** A KEDA HTTP add-on route to Service vllm, with the given readiness timeout (none: undefined). */
function interceptorRoute(readiness?: string, extra: any = {}): any {
  return {
    apiVersion: 'http.keda.sh/v1beta1',
    kind: 'InterceptorRoute',
    metadata: { name: 'vllm' },
    spec: {
      target: { service: 'vllm', port: 8000 },
      rules: [{ hosts: ['vllm.example.com'] }],
      scalingMetric: { concurrency: { targetValue: 100 } },
      ...(readiness !== undefined ? { timeouts: { readiness } } : {}),
      ...extra,
    },
  };
}

describe('CS-RT-006: a KEDA HTTP add-on route holds a request for the whole startup', () => {
  const rt6 = (objects: any[]) => run(objects).findings.filter(f => f.ruleId === 'CS-RT-006').map(f => [f.value, f.message]);

  test('an InterceptorRoute\'s readiness timeout against the startup budget of the pods behind its Service', () => {
    expect(rt6([compliant(), vllmService(), interceptorRoute('2m')])).toEqual([
      ['120 s < 300 s', expect.stringContaining('spec.timeouts.readiness is 120 s, below the 300 s startup probe budget of vLLM container "vllm" of Deployment/vllm behind Service vllm')],
    ]);
    expect(rt6([compliant(), vllmService(), interceptorRoute('5m')])).toEqual([]);
    expect(rt6([compliant(), vllmService(), interceptorRoute('1h')])).toEqual([]);
  });

  test('unset (the add-on-wide default, off unless set) and 0s (off) wait for as long as it takes', () => {
    expect(rt6([compliant(), vllmService(), interceptorRoute()])).toEqual([]);
    expect(rt6([compliant(), vllmService(), interceptorRoute('0s')])).toEqual([]);
  });

  test('with a cold-start fallback and no timeout the add-on waits 30 s', () => {
    const fallback = { coldStart: { fallback: { service: { name: 'static', port: 80 } } } };
    expect(rt6([compliant(), vllmService(), interceptorRoute(undefined, fallback)]).map(([v]) => v)).toEqual(['30 s < 300 s']);
  });

  test('an HTTPScaledObject reads timeouts.conditionWait', () => {
    const httpso = {
      apiVersion: 'http.keda.sh/v1alpha1',
      kind: 'HTTPScaledObject',
      metadata: { name: 'vllm' },
      spec: { hosts: ['vllm.example.com'], scaleTargetRef: { name: 'vllm', service: 'vllm', port: 8000 }, timeouts: { conditionWait: '20s' } },
    };
    expect(rt6([compliant(), vllmService(), httpso]).map(([v]) => v)).toEqual(['20 s < 300 s']);
  });

  test('only the pods its Service selects, in its namespace', () => {
    expect(rt6([compliant(), vllmService({ app: 'other' }), interceptorRoute('60s')])).toEqual([]);
    const elsewhere = interceptorRoute('60s');
    elsewhere.metadata.namespace = 'other';
    expect(rt6([compliant(), vllmService(), elsewhere])).toEqual([]);
    const noSelector = vllmService();
    delete noSelector.spec.selector;
    expect(rt6([compliant(), noSelector, interceptorRoute('60s')])).toEqual([]);
  });
});

describe('CS-SLP-001: a proxy beside a loopback engine must not forward the dev-mode routes', () => {
  /** A dev-mode engine on 127.0.0.1:8001 and an nginx container on 8000 whose config is ConfigMap `proxy`. */
  function proxied(conf: string, namespace?: string): any[] {
    const o = compliant();
    vllm(o).env.push({ name: 'VLLM_SERVER_DEV_MODE', value: '1' });
    vllm(o).args.push('--host=127.0.0.1', '--port=8001');
    pod(o).containers.push({ name: 'nginx', image: 'nginx@sha256:' + 'd'.repeat(64), ports: [{ name: 'web', containerPort: 8000 }], volumeMounts: [{ name: 'conf', mountPath: '/etc/nginx' }] });
    pod(o).volumes.push({ name: 'conf', configMap: { name: 'proxy' } });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'proxy', ...(namespace ? { namespace } : {}) }, data: { 'nginx.conf': conf } };
    return [o, cm];
  }
  const server = (locations: string, listen = '8000') => `events {}\nhttp {\n  server {\n    listen ${listen};\n${locations}\n  }\n}\n`;
  const slp = (objects: any[]) => run(objects).findings.filter(f => f.ruleId === 'CS-SLP-001').map(f => [f.path, f.value]);
  const service = (targetPort: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'vllm' }, ports: [{ port: 80, targetPort }] } });

  test('a catch-all location forwarding to the engine exposes every dev-mode route, and a Service to the proxy port is flagged', () => {
    const objects = proxied(server('    location / { proxy_pass http://127.0.0.1:8001; }'));
    const found = slp([...objects, service('web')]);
    expect(found[0][0]).toBe('c/o0');
    expect(found[0][1]).toMatch(/^nginx port 8000: \/server_info, \/reset_prefix_cache, \/sleep, \/wake_up, \/is_sleeping, \/collective_rpc/);
    expect(found[1]).toEqual(['c/o2', 'port 80 -> 8000']);
  });

  test('an allow list (exact public routes, 404 elsewhere) exposes nothing; one forwarded dev route is named', () => {
    const allow = '    location = /health { proxy_pass http://127.0.0.1:8001; }\n    location / { return 404; }';
    expect(slp(proxied(server(allow)))).toEqual([]);
    expect(slp(proxied(server(`${allow}\n    location = /sleep { proxy_pass http://localhost:8001/; }`)))).toEqual([['c/o0', 'nginx port 8000: /sleep']]);
  });

  test('nginx precedence: an exact 404 beats a forwarding prefix; a ^~ prefix beats a 404 regex; a regex beats a plain prefix', () => {
    expect(slp(proxied(server('    location / { proxy_pass http://127.0.0.1:8001; }\n'
      + '    location ~ ^/(server_info|reset_prefix_cache|sleep|wake_up|is_sleeping|collective_rpc|reset_mm_cache|reset_encoder_cache|pause|resume|is_paused|init_weight_transfer_engine|start_weight_update|update_weights|finish_weight_update|get_world_size)$ { return 404; }'))))
      .toEqual([]);
    expect(slp(proxied(server('    location ^~ /wake { proxy_pass http://127.0.0.1:8001; }\n    location ~ wake { return 404; }')))).toEqual([['c/o0', 'nginx port 8000: /wake_up']]);
    expect(slp(proxied(server('    location = /sleep { return 404; }\n    location /sl { proxy_pass http://127.0.0.1:8001; }')))).toEqual([]);
  });

  test('an upstream that points at the engine counts; a proxy to another port, a loopback-only listen or another namespace\'s ConfigMap does not', () => {
    expect(slp(proxied(`upstream engine { server 127.0.0.1:8001; }\n${server('    location / { proxy_pass http://engine; }')}`)).map(f => f[1]))
      .toEqual([expect.stringMatching(/^nginx port 8000: \/server_info/)]);
    expect(slp(proxied(server('    location / { proxy_pass http://127.0.0.1:9000; }')))).toEqual([]);
    expect(slp(proxied(server('    location / { proxy_pass http://127.0.0.1:8001; }', '127.0.0.1:8000')))).toEqual([]);
    expect(slp(proxied(server('    location / { proxy_pass http://127.0.0.1:8001; }'), 'other'))).toEqual([]);
  });

  test('the library\'s own sleep-mode proxy passes', () => {
    const m = synth({ weights: WeightSource.existingClaim('w'), backend: Backend.deployment(), runtime: { sleepMode: { proxyImage: 'nginx@sha256:' + 'd'.repeat(64) } } }).manifests;
    const conf = find(m, 'ConfigMap').find(c => c.metadata.name === 'qwen-sleep-proxy').data['nginx.conf'];
    expect(slp(proxied(conf))).toEqual([]);
    expect(slp(proxied(conf.replace('return 404;', 'proxy_pass http://127.0.0.1:8001;'))).map(f => f[1])).toEqual([expect.stringMatching(/^nginx port 8000: \/server_info, \/reset_prefix_cache, \/sleep, \/wake_up/)]);
  });
});

describe('CS-RT-005: the progress deadline covers the startup budget', () => {
  const rt5 = (objects: any[]) => run(objects).findings.filter(f => f.ruleId === 'CS-RT-005').map(f => f.value);
  const slow = (p: any) => { p.containers[0].startupProbe.failureThreshold = 90; };

  test('Knative: the annotation on the predictor or the InferenceService, as a Go duration; the default is 600 s', () => {
    expect(rt5([vllmIsvc(slow)])).toEqual(['600 s < 900 s']);
    expect(rt5([vllmIsvc(p => { slow(p); p.annotations = { 'serving.knative.dev/progress-deadline': '15m' }; })])).toEqual([]);
    const onObject = vllmIsvc(slow);
    onObject.metadata.annotations['serving.knative.dev/progress-deadline'] = '1h';
    expect(rt5([onObject])).toEqual([]);
    const short = vllmIsvc(slow);
    short.metadata.annotations['serving.knative.dev/progress-deadline'] = '5m30s';
    expect(rt5([short])).toEqual(['330 s < 900 s']);
  });

  test('KServe Standard (raw Deployment) mode is not held to Knative\'s deadline', () => {
    const standard = vllmIsvc(slow);
    standard.metadata.annotations['serving.kserve.io/deploymentMode'] = 'Standard';
    expect(rt5([standard])).toEqual([]);
  });

  test('a Deployment reads spec.progressDeadlineSeconds', () => {
    const o = compliant();
    vllm(o).startupProbe.failureThreshold = 90;
    o.spec.progressDeadlineSeconds = 1200;
    expect(rt5([o])).toEqual([]);
    o.spec.progressDeadlineSeconds = 800;
    expect(rt5([o])).toEqual(['800 s < 900 s']);
  });
});

describe('CS-SEC-005: no vLLM pod mounts the node\'s root or a system location', () => {
  const sec5 = (objects: any[]) => run(objects).findings.filter(f => f.ruleId === 'CS-SEC-005').map(f => [f.value, f.message]);
  /** The compliant Deployment with a hostPath volume at `path`, mounted into the engine. */
  const withHostPath = (path: string, o = compliant(), spec = pod(o)) => {
    spec.volumes.push({ name: 'host', hostPath: { path } });
    spec.containers[0].volumeMounts.push({ name: 'host', mountPath: '/host' });
    return o;
  };

  test('a Deployment mounting /etc, with the pod and volume named', () => {
    expect(sec5([withHostPath('/etc')])).toEqual([['/etc', 'the pod at spec.template.spec runs vLLM and mounts hostPath volume "host" at /etc, which is the system location /etc']]);
  });

  test.each([
    ['/', undefined, 'is the node\'s root directory'],
    ['/.', '/', 'is the node\'s root directory'],
    ['//', '/', 'is the node\'s root directory'],
    ['/mnt/../..', '/', 'is the node\'s root directory'],
    ['//etc/', '/etc', 'is the system location /etc'],
    ['/var/../etc', '/etc', 'is the system location /etc'],
    ['/./proc/./', '/proc', 'is the system location /proc'],
    ['/var', undefined, 'is a parent of the system location /var/lib/containerd'],
    ['/var/lib/kubelet/pods', undefined, 'is inside the system location /var/lib/kubelet'],
    ['/run/containerd/containerd.sock', undefined, 'is inside the system location /run'],
  ])('normalizes %s before judging it', (path, normal, problem) => {
    const [[value, message]] = sec5([withHostPath(path)]);
    expect(value).toBe(path);
    // The normal form is shown where it differs from what was written.
    expect(message).toContain(`at ${path}${normal ? ` (${normal} once normalized)` : ''}, which ${problem}`);
  });

  test.each(['/var/lib/cdk8s-coldstart/models', '/mnt/models', '/data/hf/', '/home/models', '/varlib', '/etcetera'])('a data directory %s is allowed', path => {
    expect(sec5([withHostPath(path)])).toEqual([]);
  });

  test('a DaemonSet running vLLM is judged; a node exporter mounting /proc, /sys and / is not', () => {
    const ds = (spec: any) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: spec.containers[0].name },
      spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec } },
    });
    const engine = ds(withHostPath('/sys', compliant()).spec.template.spec);
    const exporter = ds({
      automountServiceAccountToken: false,
      containers: [{
        name: 'node-exporter',
        image: `quay.io/prometheus/node-exporter${DIGEST}`,
        args: ['--path.procfs=/host/proc', '--path.rootfs=/host/root'],
        volumeMounts: [{ name: 'proc', mountPath: '/host/proc', readOnly: true }, { name: 'root', mountPath: '/host/root', readOnly: true }],
      }],
      volumes: [{ name: 'proc', hostPath: { path: '/proc' } }, { name: 'sys', hostPath: { path: '/sys' } }, { name: 'root', hostPath: { path: '/' } }],
    });
    const r = run([engine, exporter]);
    expect(r.findings.filter(f => f.ruleId === 'CS-SEC-005').map(f => [f.path, f.value])).toEqual([['c/o0', '/sys']]);
  });

  test('a KServe InferenceService predictor mounting the node\'s root', () => {
    const o = vllmIsvc(p => {
      p.volumes.push({ name: 'host', hostPath: { path: '/.' } });
      p.containers[0].volumeMounts.push({ name: 'host', mountPath: '/host' });
    });
    expect(sec5([o])).toEqual([['/.', 'the pod at spec.predictor runs vLLM and mounts hostPath volume "host" at /. (/ once normalized), which is the node\'s root directory']]);
  });

  test('every offending volume is one finding; the path of an nfs volume is not a node path', () => {
    const o = withHostPath('/etc');
    pod(o).volumes.push({ name: 'boot', hostPath: { path: '/boot', type: 'Directory' } }, { name: 'nfs', nfs: { server: 'nfs.local', path: '/' } });
    expect(sec5([o]).map(([v]) => v)).toEqual(['/etc', '/boot']);
  });

  test('a pod whose only vLLM-image container is a loader script is not a vLLM pod', () => {
    const o = withHostPath('/etc');
    vllm(o).command = ['sh', '-c', 'cp -r /host/x /models'];
    expect(sec5([o])).toEqual([]);
  });

  test('a suppression with a reason silences it and writes kube-linter\'s sensitive-host-mounts exemption', () => {
    const r = run([withHostPath('/dev')], undefined, objs => RuleSuppressions.add(objs[0], [{ id: 'CS-SEC-005', reason: 'GPU device plugin debugging, one node' }]));
    expect(ids(r)).toEqual([]);
    expect(r.findings.map(f => [f.ruleId, f.suppressed])).toEqual([['CS-SEC-005', 'GPU device plugin debugging, one node']]);
    expect(r.objects[0].toJson().metadata.annotations).toEqual({ 'ignore-check.kube-linter.io/sensitive-host-mounts': 'GPU device plugin debugging, one node' });
    expect(r.error).toBeUndefined();
  });

  test('the library\'s own hostPath caches pass it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'serving', { namespace: 'llm' });
    new ColdStartOptimizedModel(chart, 'qwen', baseProps({ weights: WeightSource.hostPathCache({ repoId: 'Qwen/Qwen2.5-0.5B-Instruct', revision: 'a8b602d9dafd3a75d382e62757d83d89fca3be54' }) }));
    const manifests = Testing.synth(chart);
    // The model pod does mount a hostPath, outside every system location.
    const hostPaths = manifests.flatMap(m => m.spec?.predictor?.volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => v.hostPath.path);
    expect(hostPaths).toEqual(['/var/lib/cdk8s-coldstart/models']);
    expect(Findings.of(app).filter(f => f.ruleId === 'CS-SEC-005')).toEqual([]);
  });
});
