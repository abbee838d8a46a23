import { Backend, Cloud, Findings, KnativeFeature, Profile, SharedVolume, WeightSource, CacheNodeGroup } from '../../src';
import {
  ALWAYS_ALLOWED_POD_FIELDS, ALWAYS_ALLOWED_VOLUME_SOURCES, CONTAINER_SECURITY_CONTEXT_FIELDS, knativeFlagsNeeded,
  POD_FIELD_FLAGS, POD_SECURITY_CONTEXT_FIELDS, VOLUME_SOURCE_FLAGS,
} from '../../src/private/knative-features';
import { isvc, MODELCAR, synth } from '../util';

/** Container fields Knative's ContainerMask accepts (startupProbe since Knative 1.15). */
const CONTAINER_FIELDS = new Set(['args', 'command', 'env', 'envFrom', 'image', 'imagePullPolicy', 'livenessProbe', 'name', 'ports', 'readinessProbe',
  'resources', 'securityContext', 'startupProbe', 'terminationMessagePath', 'terminationMessagePolicy', 'volumeMounts', 'workingDir']);
/** What a predictor holds besides the pod spec: KServe's component fields. */
const KSERVE_FIELDS = new Set(['minReplicas', 'maxReplicas', 'labels', 'annotations', 'timeout', 'scaleTarget', 'scaleMetric', 'model']);

const REPO = { repoId: 'Qwen/Qwen2.5-0.5B-Instruct', revision: 'a8b602d9dafd3a75d382e62757d83d89fca3be54' };
const gke = (lab: boolean) => (lab ? Profile.lab : Profile.production)({ cloud: Cloud.gke({ region: 'us-central1' }) });
const CONFIGS: Array<[string, any]> = [];
for (const lab of [true, false]) {
  const profile = lab ? Profile.lab() : Profile.production();
  const env = lab ? 'lab' : 'production';
  CONFIGS.push(
    [`${env} modelcar`, { profile, weights: WeightSource.modelcar(MODELCAR) }],
    [`${env} existing claim`, { profile, weights: WeightSource.existingClaim('w') }],
    [`${env} object storage`, { profile, weights: WeightSource.objectStorage('s3://bucket/models/qwen') }],
    [`${env} hostPath cache`, { profile, weights: WeightSource.hostPathCache(REPO) }],
    [`${env} prefetch`, { profile, weights: WeightSource.prefetch(REPO) }],
    [`${env} shared volume`, { profile, weights: WeightSource.huggingFace(REPO, { volume: SharedVolume.newClaim() }) }],
    [`${env} LocalModelCache`, { profile, weights: WeightSource.localModelCache('gs://models/qwen', { nodeGroup: CacheNodeGroup.existing('nvme') }) }],
    [`${env} GCS FUSE`, { profile: gke(lab), weights: WeightSource.gcsFuse('bucket') }],
    [`${env} Hyperdisk ML`, { profile: gke(lab), weights: WeightSource.hyperdiskMl({ snapshotName: 'snap' }) }],
  );
}

describe.each(CONFIGS)('the Knative pod of %s', (_, props) => {
  const render = (enabledFeatures: KnativeFeature[]) => synth({ ...props, backend: Backend.kserveKnative({ enabledFeatures }) });

  test('every field is one Knative accepts, always or behind a flag that KnativeFeature names', () => {
    const { manifests } = render(Object.values(KnativeFeature));
    const predictor = isvc(manifests).spec.predictor;
    for (const field of Object.keys(predictor)) {
      if (KSERVE_FIELDS.has(field)) continue;
      expect([field, ALWAYS_ALLOWED_POD_FIELDS.includes(field) || field in POD_FIELD_FLAGS]).toEqual([field, true]);
    }
    for (const v of predictor.volumes ?? []) {
      const source = Object.keys(v).find(k => k !== 'name')!;
      expect([source, ALWAYS_ALLOWED_VOLUME_SOURCES.includes(source) || source in VOLUME_SOURCE_FLAGS]).toEqual([source, true]);
    }
    for (const c of [...predictor.containers, ...(predictor.initContainers ?? [])]) {
      for (const field of Object.keys(c)) expect([c.name, field, CONTAINER_FIELDS.has(field)]).toEqual([c.name, field, true]);
      for (const field of Object.keys(c.securityContext ?? {})) {
        expect([c.name, field, CONTAINER_SECURITY_CONTEXT_FIELDS.includes(field)]).toEqual([c.name, field, true]);
      }
      expect(c.securityContext?.privileged ?? false).toBe(false);
    }
    // The webhook refuses a field its mask drops (fsGroupChangePolicy, sysctls, ...) even with the flag on.
    for (const field of Object.keys(predictor.securityContext ?? {})) {
      expect([field, POD_SECURITY_CONTEXT_FIELDS.includes(field)]).toEqual([field, true]);
    }
    expect(predictor.automountServiceAccountToken ?? false).toBe(false);
    const needed = knativeFlagsNeeded(predictor, [...predictor.containers, ...(predictor.initContainers ?? [])]);
    expect(needed.filter(f => !(Object.values(KnativeFeature) as string[]).includes(f))).toEqual([]);
    // Every flag declared: CS-KSV-002 has nothing to say.
    expect(Findings.of(render(Object.values(KnativeFeature)).model.node.root).filter(f => f.ruleId === 'CS-KSV-002')).toEqual([]);
  });

  test('with no flag declared, CS-KSV-002 names exactly the flags the pod needs', () => {
    const { manifests, model } = render([]);
    const predictor = isvc(manifests).spec.predictor;
    const needed = knativeFlagsNeeded(predictor, [...predictor.containers, ...(predictor.initContainers ?? [])]);
    const f = Findings.of(model.node.root).filter(x => x.ruleId === 'CS-KSV-002');
    expect(f.map(x => x.value)).toEqual(needed.length ? [needed.join(', ')] : []);
  });
});
