import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration } from 'cdk8s';
import { parse } from 'yaml';
import { Backend, Profile, WeightSource, KnativeFeature } from '../../src';

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

  test.each([
    ['a negative initial scale', { initialScale: -1 }, 'initialScale -1 is not an integer >= 0'],
    ['a scale-down delay over 1 hour', { scaleDownDelay: Duration.hours(2) }, 'scaleDownDelay 7200 s is not a whole number of seconds between 0 and 3600'],
  ])('refuses %s', (_, o, message) => {
    expect(() => knative(o)).toThrow(new RegExp(`^Backend\\.kserveKnative: \\[CS-IN-051\\] ${message}.*Fix: `));
  });
});
