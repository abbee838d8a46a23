import { Backend, Engine, Findings, KnativeFeature, ObjectStorageCredentials, Profile, WeightSource } from '../../src';
import { find, synth, VLLM } from '../util';

const CLAIM = WeightSource.existingClaim('qwen-weights');
const HARDENED = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, seccompProfile: { type: 'RuntimeDefault' } };
const NON_ROOT = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 };
const FS_GROUP = { fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } };
// Knative's field mask refuses fsGroupChangePolicy even with podspec-securitycontext on.
const { fsGroupChangePolicy: _, ...KNATIVE_FS_GROUP } = FS_GROUP;
const ALL_BUT_SECURITY_CONTEXT = Object.values(KnativeFeature).filter(f => f !== KnativeFeature.SECURITY_CONTEXT);

/** The model's pod spec, whatever the backend. */
function podOf(manifests: any[]): any {
  const isvc = find(manifests, 'InferenceService')[0];
  if (isvc) return isvc.spec.predictor;
  return find(manifests, 'Deployment').find(d => d.metadata.labels['app.kubernetes.io/component'] === 'model-server').spec.template.spec;
}
const engine = (m: any[]) => podOf(m).containers[0];
const sec004 = (app: any) => Findings.of(app).filter(f => f.ruleId === 'CS-SEC-004');

describe('Pod Security: the engine runs hardened, as a non-root uid where it can', () => {
  test.each([
    ['Deployment', Backend.deployment(), FS_GROUP],
    ['KServe Standard', Backend.kserveStandard(), FS_GROUP],
    ['Knative with podspec-securitycontext', Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature) }), KNATIVE_FS_GROUP],
  ])('%s, production (a writable cache claim): non-root, and fsGroup hands the claim to the pod\'s group', (_name, backend, podSecurity) => {
    const { manifests: m, app } = synth({ profile: Profile.production(), weights: CLAIM, backend });
    expect(engine(m).securityContext).toEqual({ ...HARDENED, ...NON_ROOT });
    expect(podOf(m).securityContext).toEqual(podSecurity);
    expect(podOf(m).automountServiceAccountToken).toBe(false);
    expect(sec004(app)).toEqual([]);
  });

  test('HOME and every cache are on the cache volume, writable by any uid', () => {
    const m = synth({ profile: Profile.production(), weights: CLAIM, backend: Backend.deployment() }).manifests;
    const c = engine(m);
    const home = c.volumeMounts.find((v: any) => v.mountPath === '/home/vllm');
    expect(podOf(m).volumes.find((v: any) => v.name === home.name).persistentVolumeClaim).toBeDefined();
    expect(home.readOnly).toBeUndefined();
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ HOME: '/home/vllm', USER: 'vllm', VLLM_CACHE_ROOT: '/home/vllm/.cache/vllm' });
  });

  test('Knative without podspec-securitycontext: no pod securityContext; non-root on an emptyDir cache, root (said why) on a claim', () => {
    const backend = Backend.kserveKnative({ enabledFeatures: ALL_BUT_SECURITY_CONTEXT });
    const lab = synth({ weights: CLAIM, backend });
    expect(podOf(lab.manifests).securityContext).toBeUndefined();
    expect(engine(lab.manifests).securityContext).toEqual({ ...HARDENED, ...NON_ROOT });
    expect(sec004(lab.app)).toEqual([]);

    const prod = synth({ profile: Profile.production(), weights: CLAIM, backend });
    expect(podOf(prod.manifests).securityContext).toBeUndefined();
    expect(engine(prod.manifests).securityContext).toEqual(HARDENED);
    expect(sec004(prod.app).map(f => f.suppressed)).toEqual([expect.stringMatching(/^the engine runs as root: a non-root engine could not write its claim without fsGroup/)]);
  });

  test('a modelcar leaves the uid to KServe (uidModelcar), keeps the rest, and CS-SEC-004 does not hold it to a uid', () => {
    const { manifests: m, app } = synth({ profile: Profile.production() });
    expect(engine(m).securityContext).toEqual(HARDENED);
    expect(podOf(m).securityContext).toEqual(KNATIVE_FS_GROUP);
    expect(sec004(app).filter(f => !f.suppressed)).toEqual([]);
  });

  test('a workload identity keeps its service account token; no other pod mounts one', () => {
    const sa = synth({ weights: WeightSource.objectStorage('s3://models/qwen', { credentials: ObjectStorageCredentials.workloadIdentity('s3-reader') }) }).manifests;
    expect(podOf(sa).serviceAccountName).toBe('s3-reader');
    expect(podOf(sa).automountServiceAccountToken).toBeUndefined();
    expect(podOf(synth({ weights: WeightSource.objectStorage('s3://models/qwen') }).manifests).automountServiceAccountToken).toBe(false);
  });

  test('runtime.runAsRoot keeps the image\'s root for an image that cannot run as another uid, said in the report', () => {
    const props = { profile: Profile.production(), weights: CLAIM, backend: Backend.deployment(), runtime: { runAsRoot: true } };
    const { manifests: m, app } = synth(props);
    expect(engine(m).securityContext).toEqual(HARDENED);
    expect(podOf(m).securityContext).toEqual(FS_GROUP);
    expect(sec004(app).map(f => f.suppressed)).toEqual(['the engine runs as root: runtime.runAsRoot: the image cannot run as another uid']);
    expect(() => synth({ weights: CLAIM, runtime: { runAsRoot: 'yes' as any } })).toThrow(/\[CS-IN-059\] runtime.runAsRoot is string, not a boolean/);
  });

  test('HOME and USER cannot be overridden through extraEnv (they make the engine work under any uid)', () => {
    expect(() => synth({ engine: Engine.vllm({ image: VLLM, extraEnv: { HOME: '/root' } }) })).toThrow(/\[CS-IN-006\]/);
    expect(() => synth({ engine: Engine.vllm({ image: VLLM, extraEnv: { USER: 'root' } }) })).toThrow(/\[CS-IN-006\]/);
  });
});
