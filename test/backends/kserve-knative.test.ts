import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration, Size } from 'cdk8s';
import { parse } from 'yaml';
import { Backend, Findings, ModelSize, Profile, WeightSource, KnativeFeature } from '../../src';

import { INFERENCE_SERVICE_GVK } from '../../src/backends/kserve';
import { schemaErrors } from '../schema';
import { args, container, find, isvc, predictor, synth } from '../util';

const CLAIM = WeightSource.existingClaim('qwen-weights');
const knative = (o = {}) => Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature), ...o });
const isvcOf = (m: any[]) => { const s = find(m, 'InferenceService'); expect(s).toHaveLength(1); return s[0]; };

const lab = () => synth({ profile: Profile.lab() });
const prod = (o = {}) => synth({ profile: Profile.production(), ...o });

describe('KServe InferenceService (Knative)', () => {
  test('is a serving.kserve.io/v1beta1 InferenceService in Knative mode', () => {
    const obj = isvc(lab().manifests);
    expect(obj.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(obj.metadata.name).toBe('qwen');
    expect(obj.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Knative');
  });

  test('runs vLLM as the custom kserve-container with every flag in the manifest', () => {
    const c = container(lab().manifests);
    expect(c.name).toBe('kserve-container');
    expect(c.command).toEqual(['python3', '-m', 'vllm.entrypoints.openai.api_server']);
    const a = args(lab().manifests);
    expect(a['--model']).toBe('/mnt/models');
    expect(a['--served-model-name']).toBe('qwen2.5-0.5b-instruct');
    expect(a['--port']).toBe('8080');
    expect(a['--tensor-parallel-size']).toBe('1');
    expect(c.ports).toEqual([{ name: 'http1', containerPort: 8080, protocol: 'TCP' }]);
    expect(predictor(lab().manifests).model).toBeUndefined();
  });

  test('takes the namespace of the chart', () => {
    expect(isvc(synth({}, 'llm').manifests).metadata.namespace).toBe('llm');
  });

  test.each([['lab', lab], ['production', prod]])('validates against the CRD and Kubernetes schemas (%s)', (_, make) => {
    const manifests = make().manifests;
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
  });
});

describe('KServe Knative', () => {
  test('the InferenceService GVK is the CRD\'s storage version (the import is generated from the same file)', () => {
    const crd = parse(readFileSync(join(__dirname, '..', '..', 'imports', 'sources', 'crds', 'kserve', 'serving.kserve.io_inferenceservices.yaml'), 'utf8'));
    const storage = crd.spec.versions.find((v: any) => v.storage);
    expect(INFERENCE_SERVICE_GVK).toEqual({ apiVersion: `${crd.spec.group}/${storage.name}`, kind: crd.spec.names.kind });
    expect(isvcOf(synth({ weights: CLAIM }).manifests)).toMatchObject(INFERENCE_SERVICE_GVK);
  });

  test('scale to zero with minReplicas 0, and no Knative annotation unless asked', () => {
    const obj = isvcOf(synth({ weights: CLAIM }).manifests);
    expect(obj.spec.predictor.minReplicas).toBe(0);
    expect(obj.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Knative');
    expect(Object.keys(obj.metadata.annotations).filter(k => k.startsWith('autoscaling.knative.dev/'))).toEqual([]);
    expect(obj.metadata.annotations['serving.kserve.io/autoscalerClass']).toBeUndefined();
  });

  test('initial-scale and scale-down-delay go on the InferenceService', () => {
    const obj = isvcOf(synth({ backend: knative({ initialScale: 0, scaleDownDelay: Duration.minutes(10) }) }).manifests);
    expect(obj.metadata.annotations['autoscaling.knative.dev/initial-scale']).toBe('0');
    expect(obj.metadata.annotations['autoscaling.knative.dev/scale-down-delay']).toBe('600s');
  });

  test('an initial scale Knative cannot apply: beyond int32, or above maxReplicas', () => {
    // The webhook admits 1e12 (strconv.Atoi), but the autoscaler parses an int32 and silently starts the cluster default.
    expect(() => knative({ initialScale: 1e12 })).toThrow(/^Backend\.kserveKnative: \[CS-IN-086\] initialScale 1000000000000 is above 2147483647.*Fix: /);
    expect(() => knative({ initialScale: 2 ** 31 - 1 })).not.toThrow();
    // A revision is Ready once it has had its initial scale, which max-scale would never allow.
    expect(() => synth({ backend: knative({ initialScale: 3 }), scaling: { minReplicas: 0, maxReplicas: 2 } }))
      .toThrow(/^serving\/qwen: \[CS-IN-086\] Knative initialScale 3 is above scaling.maxReplicas 2.*Fix: /);
    const obj = isvcOf(synth({ backend: knative({ initialScale: 2 }), scaling: { minReplicas: 0, maxReplicas: 2 } }).manifests);
    expect(obj.metadata.annotations['autoscaling.knative.dev/initial-scale']).toBe('2');
  });

  test.each([
    ['a negative initial scale', { initialScale: -1 }, 'initialScale -1 is not an integer >= 0'],
    ['a scale-down delay over 1 hour', { scaleDownDelay: Duration.hours(2) }, 'scaleDownDelay 7200 s is not a whole number of seconds between 0 and 3600'],
  ])('refuses %s', (_, o, message) => {
    expect(() => knative(o)).toThrow(new RegExp(`^Backend\\.kserveKnative: \\[CS-IN-051\\] ${message}.*Fix: `));
  });
});

describe('wake deadlines come from the estimate', () => {
  // The deadlines hold the slow case of the levers before the container starts.
  const wake = (m: any) => m.estimate.nodeCapacityRange.high + m.estimate.imagePullRange.high + m.startupBudget.toSeconds();

  test('a small model on a held node with its image keeps Knative\'s 600 s floor; the request timeout covers the wake and a request', () => {
    const { manifests, model } = synth({
      profile: Profile.lab(),
      backend: knative(),
      scaling: { minReplicas: 0, maxReplicas: 1 },
      capacity: { warmBuffer: { enabled: true } },
      imagePull: { prePull: true },
    });
    const o = isvcOf(manifests);
    expect(o.metadata.annotations['serving.knative.dev/progress-deadline']).toBe('600s');
    expect(o.spec.predictor.timeout).toBe(Math.min(600, Math.max(300, Math.ceil(wake(model)) + 60)));
  });

  test('a large model gets a progress deadline above node + image + startup budget, and the request timeout stops at the cluster\'s ceiling', () => {
    const size = ModelSize.of(Size.gibibytes(140));
    const { manifests, model } = synth({
      size,
      gpu: { count: 4, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } },
      profile: Profile.lab(),
      backend: knative(),
      scaling: { minReplicas: 0, maxReplicas: 1 },
    });
    const o = isvcOf(manifests);
    const deadline = Number(o.metadata.annotations['serving.knative.dev/progress-deadline'].replace(/s$/, ''));
    expect(deadline).toBeGreaterThanOrEqual(wake(model));
    expect(deadline % 60).toBe(0);
    expect(model.startupBudget.toSeconds()).toBeGreaterThan(600);
    expect(o.spec.predictor.timeout).toBe(600);
    // 600 s cannot hold the first request through this wake: the warning says so, synth goes on.
    const f = Findings.of(model.node.root).filter(x => x.ruleId === 'CS-KSV-003');
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe('warning');
    // Once the cluster allows more, the timeout follows the wake and the warning is gone.
    const raised = synth({
      size,
      gpu: { count: 4, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } },
      profile: Profile.lab(),
      backend: knative({ maxRevisionTimeout: Duration.hours(1) }),
      scaling: { minReplicas: 0, maxReplicas: 1 },
    });
    expect(isvcOf(raised.manifests).spec.predictor.timeout).toBe(Math.ceil(wake(raised.model)) + 60);
    expect(Findings.of(raised.model.node.root).filter(x => x.ruleId === 'CS-KSV-003')).toEqual([]);
  });

  test('maxRevisionTimeout must be whole seconds', () => {
    expect(() => Backend.kserveKnative({ maxRevisionTimeout: Duration.millis(1500) })).toThrow(/\[CS-IN-051\] maxRevisionTimeout/);
  });
});

// Found by the bad-input corpus: a string was read letter by letter into the features annotation.
describe('enabledFeatures from a caller that is not TypeScript', () => {
  test.each<[string, any]>([['a string', 'kubernetes.podspec-nodeselector'], ['an unknown value', ['kubernetes.podspec-everything']], ['null in the list', [null]]])('%s is CS-IN-059', (_, enabledFeatures) => {
    expect(() => Backend.kserveKnative({ enabledFeatures })).toThrow(/^Backend\.kserveKnative: \[CS-IN-059\] enabledFeatures is not a list of KnativeFeature values.*Fix: /);
  });
});
