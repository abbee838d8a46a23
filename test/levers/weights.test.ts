import { readFileSync } from 'fs';
import { join } from 'path';
import { Size, Testing, Chart } from 'cdk8s';
import { CacheAccessMode, CacheNodeGroup, Cloud, LocalModelCacheScope, ColdStartOptimizedModel, Findings, ModelSize, ObjectStorageCredentials, Profile, SharedVolume, WeightPath, WeightSource } from '../../src';
import { Facts, Pass, PodBlueprint } from '../../src/blueprint';
import { COLDSTART_REPORT_FILE } from '../../src/estimate/cold-start-report';
import { hostCacheScript } from '../../src/levers/weights/host-cache-script';
import { WeightLoad } from '../../src/levers/weights/weight-load';
import { schemaErrors } from '../schema';
import { args, baseProps, container, env, find, GI, isvc, leverContext, predictor, synth, VLLM, MODELCAR } from '../util';

const lab = () => synth({ profile: Profile.lab() });

const REPO = { repoId: 'Qwen/Qwen2.5-0.5B-Instruct', revision: 'a8b602d9dafd3a75d382e62757d83d89fca3be54', token: { name: 'hf', key: 'token' } };
const gke = Profile.production({ cloud: Cloud.gke({ region: 'us-central1' }) });
const eks = Profile.production({ cloud: Cloud.eks({ region: 'us-east-1' }) });
const fixed = (m: any[], kind: string) => { const f = find(m, kind); expect(f).toHaveLength(1); return f[0]; };
const envVar = (m: any[], name: string) => container(m).env.find((e: any) => e.name === name);
const initContainer = (m: any[], name: string) => predictor(m).initContainers.find((c: any) => c.name === name);
const error = (path: string, id: string, text: string) => new RegExp(`^${path}: \\[${id}\\] .*${text}.*Fix: `);
const WL = 'serving/qwen/WeightLoad';
const claim = (m: any[], name: string) => find(m, 'PersistentVolumeClaim').find(c => c.metadata.name === name);

/** Binds a source alone, to read the cold-start facts and memory lines it writes. */
function bind(weights: WeightSource, profile: Profile): PodBlueprint {
  const bp = new PodBlueprint();
  const chart = new Chart(Testing.app(), 'c');
  const context = leverContext(chart, {
    name: 'qwen',
    profile,
    size: ModelSize.of(Size.gibibytes(10)),
    gpu: { count: 1, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } },
    engineImage: VLLM,
  });
  const lever = new WeightLoad(chart, 'WeightLoad', context, weights);
  lever.contribute(bp.writer(lever));
  bp.finish(lever.kind, Pass.CONTRIBUTE);
  return bp;
}

describe('Hugging Face on a shared ReadWriteMany volume', () => {
  const make = (volume = SharedVolume.newClaim({ storageClassName: 'nfs' })) => synth({ weights: WeightSource.huggingFace(REPO, { volume }) }, 'llm').manifests;

  test('a RWX claim sized for the weights, a loader Job writing it, and the model reading it read-only and offline', () => {
    const m = make();
    const pvc = fixed(m, 'PersistentVolumeClaim');
    expect(pvc.metadata.name).toBe('qwen-hf-cache');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteMany'], storageClassName: 'nfs', resources: { requests: { storage: '2Gi' } } });
    const job = fixed(m, 'Job');
    expect(job.metadata.name).toMatch(/^qwen-weights-[0-9a-f]{8}$/);
    expect(job.spec.backoffLimit).toBe(4);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toEqual([{ name: 'hf-cache', persistentVolumeClaim: { claimName: 'qwen-hf-cache' } }]);
    const loader = pod.containers[0];
    expect(loader.image).toBe(VLLM);
    expect(loader.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(loader.env).toEqual(expect.arrayContaining([
      { name: 'HF_HOME', value: '/mnt/hf' },
      { name: 'HF_HUB_CACHE', value: '/mnt/hf/hub' },
      { name: 'CS_REPO_ID', value: REPO.repoId },
      { name: 'CS_REVISION', value: REPO.revision },
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } },
    ]));
    expect(loader.args[0]).toContain('snapshot_download');
    expect(loader.args[0]).toContain(`/mnt/hf/.coldstart/${REPO.repoId}/${REPO.revision}/.coldstart-complete`);

    const c = container(m);
    expect(predictor(m).volumes).toContainEqual({ name: 'hf-cache', persistentVolumeClaim: { claimName: 'qwen-hf-cache', readOnly: true } });
    expect(c.volumeMounts).toContainEqual({ name: 'hf-cache', mountPath: '/mnt/hf', readOnly: true });
    expect(env(m)).toMatchObject({ HF_HOME: '/mnt/hf', HF_HUB_CACHE: '/mnt/hf/hub', HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' });
    expect(envVar(m, 'HF_TOKEN')).toBeUndefined();
    expect(env(m).STORAGE_URI).toBeUndefined();
    expect(args(m)['--model']).toBe(REPO.repoId);
    expect(args(m)['--revision']).toBe(REPO.revision);
    const wait = initContainer(m, 'await-weights');
    expect(wait.args[0]).toContain(`until [ -f "/mnt/hf/.coldstart/${REPO.repoId}/${REPO.revision}/.coldstart-complete" ]`);
    expect(wait.volumeMounts).toEqual([{ name: 'hf-cache', mountPath: '/mnt/hf', readOnly: true }]);
  });

  test('cdk8s synth writes the claim and the loader Job before the InferenceService', () => {
    const kinds = make().map(o => o.kind);
    expect(kinds.indexOf('PersistentVolumeClaim')).toBeLessThan(kinds.indexOf('Job'));
    expect(kinds.indexOf('Job')).toBeLessThan(kinds.indexOf('InferenceService'));
  });

  test('another revision gets another Job name (a Job template is immutable)', () => {
    const other = synth({ weights: WeightSource.huggingFace({ ...REPO, revision: 'main' }, { volume: SharedVolume.newClaim() }) }).manifests;
    expect(fixed(other, 'Job').metadata.name).not.toBe(fixed(make(), 'Job').metadata.name);
  });

  test('an existing claim declared ReadWriteMany is used as is', () => {
    const m = make(SharedVolume.existingClaim('models', { accessMode: CacheAccessMode.READ_WRITE_MANY }));
    expect(find(m, 'PersistentVolumeClaim')).toEqual([]);
    expect(fixed(m, 'Job').spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe('models');
  });

  test.each([
    ['a new claim', 'SharedVolume.newClaim', () => SharedVolume.newClaim({ accessMode: CacheAccessMode.READ_WRITE_ONCE })],
    ['an existing claim', 'SharedVolume.existingClaim', () => SharedVolume.existingClaim('models', { accessMode: CacheAccessMode.READ_WRITE_ONCE })],
  ])('%s that is not ReadWriteMany is refused by %s', (_, factory, volume) => {
    expect(() => make(volume())).toThrow(error(factory, 'CS-IN-013', 'not ReadWriteMany'));
  });

  test('a claim smaller than the model is refused', () => {
    expect(() => make(SharedVolume.newClaim({ size: Size.mebibytes(100) }))).toThrow(error(WL, 'CS-IN-016', 'below the model size'));
  });

  test.each([
    ['a token as the Secret name', { ...REPO, token: { name: 'hf_' + 'a'.repeat(34), key: 'token' } }, 'CS-IN-015'],
    // Found by the bad-input corpus: only Hugging Face and AWS shapes were recognized in a Secret reference.
    ['an OpenAI-style key as the Secret key', { ...REPO, token: { name: 'hf', key: 'sk-' + 'Ab3dE'.repeat(8) } }, 'CS-IN-015'],
    ['a GitHub token as the Secret key', { ...REPO, token: { name: 'hf', key: 'ghp_' + 'Zx9Yw'.repeat(7) } }, 'CS-IN-015'],
    ['a JWT as the Secret key', { ...REPO, token: { name: 'hf', key: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl' } }, 'CS-IN-015'],
    ['a malformed repo id', { repoId: 'not a repo' }, 'CS-IN-018'],
  ])('%s is refused', (_, repo, id) => {
    expect(() => synth({ weights: WeightSource.huggingFace(repo as any, { volume: SharedVolume.newClaim() }) })).toThrow(error('WeightSource.huggingFace', id, ''));
  });
});

describe('object storage streamed by the Run:ai streamer', () => {
  test('s3:// loads straight from the bucket with endpoint, region and keys by Secret reference', () => {
    const weights = WeightSource.objectStorage('s3://models/qwen2.5-0.5b', {
      endpoint: 'https://minio.storage.svc:9000',
      region: 'us-east-1',
      credentials: ObjectStorageCredentials.fromSecret({ secretName: 's3-keys' }),
    });
    const { manifests: m, model } = synth({ weights });
    expect(args(m)['--model']).toBe('s3://models/qwen2.5-0.5b');
    expect(args(m)['--load-format']).toBe('runai_streamer');
    expect(JSON.parse(args(m)['--model-loader-extra-config'] as string)).toEqual({ concurrency: 8, memory_limit: 1e9 });
    expect(env(m)).toMatchObject({
      AWS_ENDPOINT_URL: 'https://minio.storage.svc:9000',
      RUNAI_STREAMER_S3_USE_VIRTUAL_ADDRESSING: '0',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      HF_HUB_OFFLINE: '1',
    });
    expect(envVar(m, 'AWS_ACCESS_KEY_ID')).toEqual({ name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 's3-keys', key: 'AWS_ACCESS_KEY_ID' } } });
    expect(envVar(m, 'AWS_SECRET_ACCESS_KEY')).toEqual({ name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 's3-keys', key: 'AWS_SECRET_ACCESS_KEY' } } });
    // No STORAGE_URI: KServe's storage initializer would copy the model before the engine starts.
    expect(env(m).STORAGE_URI).toBeUndefined();
    expect(predictor(m).volumes.map((v: any) => v.name)).not.toContain('weights');
    expect(model.memoryLimit.toMebibytes()).toBeGreaterThan(0);
  });

  test('the streamer buffer is charged to pod memory; a modelcar streamer too, an object store at concurrency 8', () => {
    const s3 = synth({ weights: WeightSource.objectStorage('s3://models/qwen', { streamer: { memoryLimit: Size.mebibytes(512) } }) }).manifests;
    expect(JSON.parse(args(s3)['--model-loader-extra-config'] as string)).toEqual({ concurrency: 8, memory_limit: 512 * 1024 ** 2 });
  });

  test('gs:// with workload identity sets the service account and no keys', () => {
    const m = synth({ weights: WeightSource.objectStorage('gs://models/qwen', { credentials: ObjectStorageCredentials.workloadIdentity('model-reader') }) }).manifests;
    expect(predictor(m).serviceAccountName).toBe('model-reader');
    expect(envVar(m, 'AWS_ACCESS_KEY_ID')).toBeUndefined();
  });

  const OS = 'WeightSource.objectStorage';
  test.each([
    ['a bare path', () => WeightSource.objectStorage('/models/qwen'), OS, 'CS-IN-017'],
    ['credentials in the URL', () => WeightSource.objectStorage('s3://AKIAABCDEFGHIJKLMNOP:secret@models/qwen'), OS, 'CS-IN-015'],
    ['credentials in the endpoint', () => WeightSource.objectStorage('s3://models/qwen', { endpoint: 'https://user:pass@minio:9000' }), OS, 'CS-IN-015'],
    ['an access key id as the Secret name', () => WeightSource.objectStorage('s3://models/qwen', { credentials: ObjectStorageCredentials.fromSecret({ secretName: 'AKIAABCDEFGHIJKLMNOP' }) }), 'ObjectStorageCredentials.fromSecret', 'CS-IN-015'],
    ['keys for gs://', () => WeightSource.objectStorage('gs://models/qwen', { credentials: ObjectStorageCredentials.fromSecret({ secretName: 'keys' }) }), OS, 'CS-IN-025'],
    ['an endpoint for gs://', () => WeightSource.objectStorage('gs://models/qwen', { endpoint: 'https://minio:9000' }), OS, 'CS-IN-025'],
    ['an endpoint that is not a URL', () => WeightSource.objectStorage('s3://models/qwen', { endpoint: 'minio:9000' }), OS, 'CS-IN-017'],
  ])('%s is refused', (_, weights, factory, id) => {
    expect(() => synth({ weights: weights() })).toThrow(error(factory, id, ''));
  });
});

describe('KServe LocalModelCache on node-local NVMe', () => {
  const URI = 'hf://Qwen/Qwen2.5-0.5B-Instruct';
  const nvme = () => CacheNodeGroup.localNvme({ path: '/mnt/nvme/models', storageLimit: Size.gibibytes(100), name: 'nvme-l4' });
  const make = (o: any = {}, namespace = 'llm') => synth({ weights: WeightSource.localModelCache(o.uri ?? URI, { nodeGroup: nvme(), ...o }) }, namespace);

  test('a cluster-scoped LocalModelNodeGroup with node-local PV and claim specs, and a cache sized from the model', () => {
    const m = make().manifests;
    const group = fixed(m, 'LocalModelNodeGroup');
    expect(group.apiVersion).toBe('serving.kserve.io/v1alpha1');
    expect(group.metadata).toEqual({ name: 'nvme-l4' });
    expect(group.spec.storageLimit).toBe('100Gi');
    expect(group.spec.persistentVolumeSpec).toEqual({
      accessModes: ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      capacity: { storage: '100Gi' },
      local: { path: '/mnt/nvme/models' },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'local-storage',
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4'] }] }] } },
    });
    expect(group.spec.persistentVolumeClaimSpec).toEqual({ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '100Gi' } }, storageClassName: 'local-storage' });
    const cache = fixed(m, 'LocalModelCache');
    expect(cache.metadata).toEqual({ name: 'qwen' });
    expect(cache.spec).toEqual({ sourceModelUri: URI, modelSize: '954Mi', nodeGroups: ['nvme-l4'] });
  });

  test('the model carries the storage URI the cache covers and picks the node group; no internal keys', () => {
    const m = make().manifests;
    expect(env(m).STORAGE_URI).toBe(URI);
    expect(isvc(m).metadata.annotations['serving.kserve.io/nodegroup']).toBe('nvme-l4');
    // The fallback's init container links the node's copy (KServe's /mnt/models) or a fetched one here.
    expect(args(m)['--model']).toBe('/mnt/lmc/model');
    expect(env(m)).toMatchObject({ HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' });
    expect(JSON.stringify(m)).not.toContain('internal.serving.kserve.io');
  });

  test('cdk8s synth writes node group, then cache, then the InferenceService', () => {
    const kinds = make().manifests.map(o => o.kind);
    expect(kinds.indexOf('LocalModelNodeGroup')).toBeLessThan(kinds.indexOf('LocalModelCache'));
    expect(kinds.indexOf('LocalModelCache')).toBeLessThan(kinds.indexOf('InferenceService'));
  });

  test('a storage URI under the cache source is accepted; an existing group emits no group', () => {
    const m = synth({ weights: WeightSource.localModelCache('gs://models/qwen/v1', { nodeGroup: CacheNodeGroup.existing('gpu-nvme'), sourceModelUri: 'gs://models/qwen' }) }).manifests;
    expect(find(m, 'LocalModelNodeGroup')).toEqual([]);
    expect(fixed(m, 'LocalModelCache').spec).toMatchObject({ sourceModelUri: 'gs://models/qwen', nodeGroups: ['gpu-nvme'] });
  });

  test('Argo CD sync waves: group -2, cache -1, the model unannotated (wave 0)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'serving');
    new ColdStartOptimizedModel(chart, 'qwen', baseProps({ weights: WeightSource.localModelCache(URI, { nodeGroup: nvme() }), argoCdSyncWaves: true }));
    const m = Testing.synth(chart);
    const wave = (kind: string) => fixed(m, kind).metadata.annotations?.['argocd.argoproj.io/sync-wave'];
    expect(wave('LocalModelNodeGroup')).toBe('-2');
    expect(wave('LocalModelCache')).toBe('-1');
    expect(wave('InferenceService')).toBeUndefined();
    expect(m.flatMap(schemaErrors)).toEqual([]);
  });

  test.each([
    ['a cache that does not cover the model URI', { sourceModelUri: 'hf://Qwen/Other' }, 'WeightSource.localModelCache', 'CS-IN-012', 'does not cover'],
    ['a prefix that is not a path boundary', { uri: 'gs://models/qwen-v2', sourceModelUri: 'gs://models/qwen' }, 'WeightSource.localModelCache', 'CS-IN-012', 'does not cover'],
    ['a storage limit below the model', { nodeGroup: CacheNodeGroup.localNvme({ path: '/mnt/nvme', storageLimit: Size.mebibytes(10) }) }, WL, 'CS-IN-016', 'below the model size'],
    ['a node group without a nodeSelector', { nodeGroup: CacheNodeGroup.localNvme({ path: '/mnt/nvme', storageLimit: Size.gibibytes(100), nodeSelector: {} }) }, WL, 'CS-IN-044', 'needs node affinity'],
  ])('%s is refused', (_, o, path, id, text) => {
    expect(() => make(o)).toThrow(error(path, id, text));
  });

  test('scope NAMESPACE: a LocalModelNamespaceCache in the model\'s namespace, with the same spec, ordered and waved the same', () => {
    const m = make({ scope: LocalModelCacheScope.NAMESPACE }).manifests;
    expect(find(m, 'LocalModelCache')).toEqual([]);
    const cache = fixed(m, 'LocalModelNamespaceCache');
    expect(cache.apiVersion).toBe('serving.kserve.io/v1alpha1');
    expect(cache.metadata).toEqual({ name: 'qwen', namespace: 'llm' });
    expect(cache.spec).toEqual({ sourceModelUri: URI, modelSize: '954Mi', nodeGroups: ['nvme-l4'] });
    // The node group stays cluster-scoped: one group serves every namespace.
    expect(fixed(m, 'LocalModelNodeGroup').metadata).toEqual({ name: 'nvme-l4' });
    const kinds = m.map(o => o.kind);
    expect(kinds.indexOf('LocalModelNamespaceCache')).toBeLessThan(kinds.indexOf('InferenceService'));
    expect(isvc(m).metadata.annotations['serving.kserve.io/nodegroup']).toBe('nvme-l4');
    expect(() => make({ scope: 'Tenant' })).toThrow(error('WeightSource.localModelCache', 'CS-IN-059', 'scope "Tenant" is not a LocalModelCacheScope'));
    const waved = synth({ weights: WeightSource.localModelCache(URI, { nodeGroup: nvme(), scope: LocalModelCacheScope.NAMESPACE }), argoCdSyncWaves: true }, 'llm').manifests;
    expect(fixed(waved, 'LocalModelNamespaceCache').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
  });

  test('a missing model size is refused before any lever sizes a cache from it', () => {
    expect(() => synth({ size: undefined as any, weights: WeightSource.localModelCache(URI, { nodeGroup: nvme() }) })).toThrow(/^serving\/qwen: \[CS-IN-059\] props.size is missing/);
  });
});

describe('hostPath cache and prefetch DaemonSet', () => {
  test('hostPath cache: a root init container downloads only when the marker is missing; the model reads it read-only', () => {
    const m = synth({ weights: WeightSource.hostPathCache(REPO, { hostPath: '/mnt/nvme/models' }) }).manifests;
    const fetch = initContainer(m, 'fetch-weights');
    expect(fetch.image).toBe(VLLM);
    expect(fetch.securityContext).toMatchObject({ runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(fetch.args[0]).toBe(hostCacheScript('/cache'));
    // Bound 1 TiB by default; room for the model's 1e9 bytes (0.5B in bf16); the model's key (no namespace on the chart).
    expect(fetch.env).toEqual(expect.arrayContaining([
      { name: 'CS_CACHE_KEY', value: 'qwen' },
      { name: 'CS_CACHE_LIMIT_KIB', value: String(2 ** 30) },
      { name: 'CS_MODEL_KIB', value: String(Math.ceil(1e9 / 1024)) },
    ]));
    expect(fetch.volumeMounts).toEqual([{ name: 'weights-host', mountPath: '/cache' }]);
    expect(fetch.env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } });
    expect(predictor(m).volumes).toContainEqual({ name: 'weights-host', hostPath: { path: '/mnt/nvme/models', type: 'DirectoryOrCreate' } });
    expect(container(m).volumeMounts).toContainEqual({ name: 'weights-host', mountPath: '/mnt/models', readOnly: true, subPath: `${REPO.repoId}/${REPO.revision}` });
    expect(envVar(m, 'HF_TOKEN')).toBeUndefined();
    expect(env(m).HF_HUB_OFFLINE).toBe('1');
  });

  test('prefetch: a DaemonSet on exactly the model\'s nodes, and a model that waits for the marker', () => {
    const m = synth({ weights: WeightSource.prefetch(REPO) }).manifests;
    const ds = fixed(m, 'DaemonSet');
    const pod = ds.spec.template.spec;
    expect(pod.nodeSelector).toEqual(predictor(m).nodeSelector);
    expect(pod.tolerations).toEqual(predictor(m).tolerations);
    expect(pod.volumes).toEqual([{ name: 'weights-host', hostPath: { path: '/var/lib/cdk8s-coldstart/models', type: 'DirectoryOrCreate' } }]);
    expect(pod.initContainers[0].securityContext.runAsUser).toBe(0);
    expect(pod.containers[0]).toMatchObject({ name: 'hold', image: VLLM, command: ['sleep', 'infinity'] });
    expect(pod.containers[0].securityContext.runAsNonRoot).toBe(true);
    expect(initContainer(m, 'await-weights').args[0]).toContain(`/cache/${REPO.repoId}/${REPO.revision}/.coldstart-complete`);
  });

  test('sizeLimit reaches both downloaders in KiB, and the cache key names the model in its namespace', () => {
    const sizeLimit = Size.gibibytes(200);
    for (const weights of [WeightSource.hostPathCache(REPO, { sizeLimit }), WeightSource.prefetch(REPO, { sizeLimit })]) {
      const m = synth({ weights }, 'llm').manifests;
      const ds = find(m, 'DaemonSet')[0];
      const downloader = ds ? ds.spec.template.spec.initContainers[0] : initContainer(m, 'fetch-weights');
      expect(downloader.args[0]).toBe(hostCacheScript('/cache'));
      expect(downloader.env).toEqual(expect.arrayContaining([
        { name: 'CS_CACHE_KEY', value: 'llm.qwen' },
        { name: 'CS_CACHE_LIMIT_KIB', value: String(200 * 1024 * 1024) },
      ]));
    }
  });

  test.each([
    ['hostPathCache', (sizeLimit: Size) => WeightSource.hostPathCache(REPO, { sizeLimit })],
    ['prefetch', (sizeLimit: Size) => WeightSource.prefetch(REPO, { sizeLimit })],
  ])('%s: a model larger than its sizeLimit is refused at construction (CS-IN-082), as is a sizeLimit that is not a positive Size', (factory, make) => {
    expect(() => synth({ weights: make(Size.mebibytes(500)) })).toThrow(error('serving/qwen/WeightLoad', 'CS-IN-082', 'larger than the hostPath cache\'s sizeLimit \\(0.5 GiB\\)'));
    // 953 MiB is just under the model's 1e9 bytes, 954 MiB just over.
    expect(() => synth({ weights: make(Size.mebibytes(953)) })).toThrow('raise sizeLimit to at least 1 GiB');
    expect(() => synth({ weights: make(Size.mebibytes(954)) })).not.toThrow();
    expect(() => make(Size.gibibytes(0))).toThrow(error(`WeightSource.${factory}`, 'CS-IN-082', 'sizeLimit 0Gi is not a positive'));
    expect(() => make('1Ti' as any)).toThrow(error(`WeightSource.${factory}`, 'CS-IN-082', 'sizeLimit is not a Size'));
  });

  test('models of one app that share a node directory must share its sizeLimit (CS-IN-083); their own directories may differ', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'serving', { namespace: 'llm' });
    const model = (id: string, weights: WeightSource) => new ColdStartOptimizedModel(chart, id, { ...baseProps(), weights });
    model('a', WeightSource.hostPathCache(REPO, { sizeLimit: Size.gibibytes(300) }));
    model('b', WeightSource.prefetch(REPO, { sizeLimit: Size.gibibytes(300) }));
    model('c', WeightSource.prefetch(REPO, { hostPath: '/mnt/nvme/models', sizeLimit: Size.gibibytes(100) }));
    expect(() => model('d', WeightSource.hostPathCache(REPO, { hostPath: '/var/lib/cdk8s-coldstart/models/' })))
      .toThrow(error('serving/d/WeightLoad', 'CS-IN-083', 'hostPath /var/lib/cdk8s-coldstart/models has sizeLimit 1024 GiB here but 300 GiB at serving/a/WeightLoad'));
    expect(() => model('e', WeightSource.prefetch(REPO, { hostPath: '/mnt/nvme/models/inner', sizeLimit: Size.gibibytes(100) })))
      .toThrow(error('serving/e/WeightLoad', 'CS-IN-083', 'hostPath /mnt/nvme/models/inner and /mnt/nvme/models \\(at serving/c/WeightLoad\\) nest'));
    expect(() => model('f', WeightSource.hostPathCache(REPO, { hostPath: '/mnt', sizeLimit: Size.gibibytes(100) }))).toThrow(/\[CS-IN-083\] hostPath \/mnt and \/mnt\/nvme\/models/);
    expect(() => model('g', WeightSource.hostPathCache(REPO, { hostPath: '/mnt/nvme/models2', sizeLimit: Size.gibibytes(100) }))).not.toThrow();
    // Another app is another set of nodes' worth of manifests: no conflict.
    expect(() => synth({ weights: WeightSource.hostPathCache(REPO) })).not.toThrow();
  });

  test('the report\'s weight-load row charges a new node\'s download and says what it leaves out: a held node\'s first wake after a change or a prune downloads too', () => {
    const row = (weights: WeightSource) => {
      const { app } = synth({ weights });
      return readFileSync(join(app.outdir, COLDSTART_REPORT_FILE), 'utf8').split('\n').find(l => l.startsWith('| weight load |'))!;
    };
    expect(row(WeightSource.hostPathCache(REPO, { sizeLimit: Size.gibibytes(200) }))).toContain(
      '; a new node downloads first (');
    expect(row(WeightSource.hostPathCache(REPO, { sizeLimit: Size.gibibytes(200) }))).toContain(
      'hostPath cache bounded to 214.7 GB: a held node\'s first wake after a revision change or a prune downloads from the Hub first (not counted)');
    expect(row(WeightSource.prefetch(REPO))).toContain(
      'hostPath cache bounded to 1099.5 GB: a held node\'s first wake after a revision change or a prune waits for the prefetch DaemonSet\'s download');
    expect(row(WeightSource.existingClaim('w'))).not.toContain('hostPath cache');
  });

  test('a relative hostPath is refused', () => {
    expect(() => synth({ weights: WeightSource.hostPathCache(REPO, { hostPath: 'models' }) })).toThrow(error('WeightSource.hostPathCache', 'CS-IN-019', 'not an absolute'));
  });

  test.each([
    ['/', 'root'], ['/.', 'root'], ['//', 'root'], ['/./', 'root'],
    ['/etc', 'is the system location /etc'], ['/etc/', 'is the system location /etc'], ['/etc/kubernetes', 'inside the system location /etc'],
    ['/var', 'a parent of the system location /var/lib/containerd'], ['/var/lib', 'a parent of'], ['/var//lib/kubelet/', 'the system location /var/lib/kubelet'],
    ['/var/lib/kubelet/pods', 'inside the system location /var/lib/kubelet'], ['/usr/local/models', 'inside the system location /usr'],
    ['/run/containerd', 'inside'], ['/var/run', 'is the system location /var/run'], ['/proc/1/root', 'inside'], ['/sys/fs', 'inside'],
    ['/dev/shm', 'inside'], ['/boot', 'system'], ['/root/.cache', 'inside'], ['/bin', 'system'], ['/lib64', 'system'], ['/lib', 'system'],
    ['/mnt/../etc', 'climbs'], ['/mnt/models dir', 'not an absolute path'], ['/mnt/a,b', 'not an absolute path'], ['/mnt/$(x)', 'not an absolute path'],
  ])('hostPath %s is refused (normalized first)', (hostPath, text) => {
    for (const make of [() => WeightSource.hostPathCache(REPO, { hostPath }), () => WeightSource.prefetch(REPO, { hostPath })]) {
      expect(make).toThrow(/\[CS-IN-019\]/);
      expect(make).toThrow(text);
    }
    expect(() => CacheNodeGroup.localNvme({ path: hostPath, storageLimit: Size.gibibytes(100) })).toThrow(/\[CS-IN-019\]/);
  });

  test('an ordinary node directory is accepted, written in its normal form', () => {
    const m = synth({ weights: WeightSource.hostPathCache(REPO, { hostPath: '/mnt//nvme/./models/' }) }).manifests;
    expect(predictor(m).volumes).toContainEqual({ name: 'weights-host', hostPath: { path: '/mnt/nvme/models', type: 'DirectoryOrCreate' } });
    for (const hostPath of ['/var/lib/cdk8s-coldstart/models', '/opt/models', '/home/models', '/data', '/var/mnt/models', '/local/models', '/etcetera']) {
      expect(() => WeightSource.hostPathCache(REPO, { hostPath })).not.toThrow();
    }
  });

  test.each([['main/'], ['a/./b'], ['a//b'], ['./main'], ['main/..'], ['ma in'], ['main\n']])('revision %j is refused', revision => {
    expect(() => WeightSource.hostPathCache({ ...REPO, revision })).toThrow(/\[CS-IN-018\]/);
  });

  test('a branch with slashes is still a revision', () => {
    expect(() => WeightSource.hostPathCache({ ...REPO, revision: 'refs/pr/1' })).not.toThrow();
  });

  test.each([
    ['prefetch', () => WeightSource.prefetch(REPO), 'prefetch DaemonSet'],
    ['hostPathCache', () => WeightSource.hostPathCache(REPO), 'hostPath cache'],
  ])('%s without a nodeSelector is refused: a root hostPath writer must target the GPU nodes', (_, weights, text) => {
    expect(() => synth({ weights: weights(), gpu: { count: 1 } })).toThrow(/\[CS-IN-044\]/);
    expect(() => synth({ weights: weights(), gpu: { count: 1 } })).toThrow(text);
  });
});

describe('paths inside volumes and buckets', () => {
  test.each([
    ['models/'], ['/models'], ['models//qwen'], ['./models'], ['models/.'], ['models/../x'], ['..'], [''], ['models qwen'], ['models\tqwen'], ['a\nb'],
  ])('subPath %j is refused', subPath => {
    expect(() => WeightSource.existingClaim('w', { subPath })).toThrow(/\[CS-IN-011\]/);
  });

  test.each([['models,implicit-dirs'], ['models/x,uid=0'], ['a b'], ['a\nb'], ['models/']])('GCS FUSE onlyDir %j cannot inject a mount option', onlyDir => {
    expect(() => WeightSource.gcsFuse('bucket', { onlyDir })).toThrow(/\[CS-IN-011\]/);
  });

  test('a Mountpoint prefix gets exactly one trailing slash; . and .. segments are refused', () => {
    const pv = (prefix: string) => find(synth({ profile: eks, weights: WeightSource.mountpointS3('my-models', { prefix }) }).manifests, 'PersistentVolume')[0];
    expect(pv('models/qwen/').spec.mountOptions).toContain('prefix models/qwen/');
    expect(pv('models/qwen').spec.mountOptions).toContain('prefix models/qwen/');
    for (const prefix of ['models//', 'models/../x/', '../x', 'models/./x']) {
      expect(() => WeightSource.mountpointS3('my-models', { prefix })).toThrow(/\[CS-IN-011\]/);
    }
  });
});

describe('GKE accelerators', () => {
  test('Hyperdisk ML throughput within Compute Engine\'s range for one volume', () => {
    for (const throughputMiBps of [400, 1_200_000]) {
      const m = synth({ profile: gke, weights: WeightSource.hyperdiskMl({ snapshotName: 'snap', throughputMiBps }) }, 'llm').manifests;
      expect(m.find((o: any) => o.kind === 'StorageClass').parameters['provisioned-throughput-on-create']).toBe(`${throughputMiBps}Mi`);
    }
    for (const throughputMiBps of [399, 1_200_001, 1e12]) {
      expect(() => WeightSource.hyperdiskMl({ snapshotName: 'snap', throughputMiBps })).toThrow(/^WeightSource\.hyperdiskMl: \[CS-IN-087\] throughputMiBps .* is outside the 400 to 1200000 MiB\/s/);
    }
  });

  test('Hyperdisk ML: a hyperdisk-ml StorageClass and a ReadOnlyMany claim restored from a snapshot', () => {
    const m = synth({ profile: gke, weights: WeightSource.hyperdiskMl({ snapshotName: 'qwen-weights-snap' }) }, 'llm').manifests;
    const sc = fixed(m, 'StorageClass');
    expect(sc.metadata).toEqual({ name: 'qwen-hyperdisk-ml' });
    expect(sc).toMatchObject({ provisioner: 'pd.csi.storage.gke.io', parameters: { 'type': 'hyperdisk-ml', 'provisioned-throughput-on-create': '2400Mi' }, volumeBindingMode: 'WaitForFirstConsumer' });
    const weightsClaim = find(m, 'PersistentVolumeClaim').find(c => c.metadata.name === 'qwen-weights');
    expect(weightsClaim.spec).toEqual({
      accessModes: ['ReadOnlyMany'],
      storageClassName: 'qwen-hyperdisk-ml',
      dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'qwen-weights-snap' },
      resources: { requests: { storage: '2Gi' } },
    });
    expect(container(m).volumeMounts).toContainEqual({ name: 'weights', mountPath: '/mnt/models', readOnly: true });
  });

  test('GCS FUSE: an ephemeral CSI volume with file cache and parallel downloads, sidecar sizing, Workload Identity', () => {
    const weights = WeightSource.gcsFuse('my-models', { onlyDir: 'qwen', serviceAccountName: 'gcs-reader', sidecarMemoryLimit: Size.gibibytes(2), sidecarCpuLimit: 4 });
    const m = synth({ profile: gke, weights }).manifests;
    const volume = predictor(m).volumes.find((v: any) => v.name === 'weights');
    expect(volume.csi).toEqual({
      driver: 'gcsfuse.csi.storage.gke.io',
      readOnly: true,
      volumeAttributes: { bucketName: 'my-models', mountOptions: 'implicit-dirs,metadata-cache:ttl-secs:-1,file-cache:max-size-mb:-1,file-cache:cache-file-for-range-read:true,file-cache:enable-parallel-downloads:true,only-dir=qwen' },
    });
    expect(predictor(m).annotations).toMatchObject({
      'gke-gcsfuse/volumes': 'true', 'gke-gcsfuse/ephemeral-storage-limit': '2Gi', 'gke-gcsfuse/memory-limit': '2Gi', 'gke-gcsfuse/cpu-limit': '4',
    });
    expect(predictor(m).serviceAccountName).toBe('gcs-reader');
  });

  test.each([
    ['Hyperdisk ML', () => WeightSource.hyperdiskMl({ snapshotName: 's' }), Profile.lab()],
    ['GCS FUSE', () => WeightSource.gcsFuse('bucket'), eks],
  ])('%s outside a GKE profile is refused', (_, weights, profile) => {
    expect(() => synth({ profile, weights: weights() })).toThrow(error(WL, 'CS-IN-014', 'is a GKE accelerator'));
  });
});

describe('EKS accelerators', () => {
  test('EFS: an efs-ap StorageClass and a ReadWriteMany claim under the Hugging Face loader', () => {
    const m = synth({ profile: eks, weights: WeightSource.huggingFace(REPO, { volume: SharedVolume.efs({ fileSystemId: 'fs-0123456789abcdef0' }) }) }).manifests;
    const sc = fixed(m, 'StorageClass');
    expect(sc).toMatchObject({ provisioner: 'efs.csi.aws.com', parameters: { provisioningMode: 'efs-ap', fileSystemId: 'fs-0123456789abcdef0', directoryPerms: '700' } });
    expect(claim(m, 'qwen-hf-cache').spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: 'qwen-efs' });
    fixed(m, 'Job');
  });

  test('FSx for Lustre: a static PV reserved for the claim, mounted read-only', () => {
    const m = synth({ profile: eks, weights: WeightSource.fsxLustre({ fileSystemId: 'fs-0123456789abcdef0', dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountName: 'abcdefgh', subPath: 'qwen' }) }, 'llm').manifests;
    const pv = fixed(m, 'PersistentVolume');
    expect(pv.metadata).toEqual({ name: 'qwen-fsx' });
    expect(pv.spec).toMatchObject({
      accessModes: ['ReadOnlyMany'],
      storageClassName: '',
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { namespace: 'llm', name: 'qwen-weights' },
      csi: { driver: 'fsx.csi.aws.com', volumeHandle: 'fs-0123456789abcdef0', readOnly: true, volumeAttributes: { dnsname: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com', mountname: 'abcdefgh' } },
    });
    expect(claim(m, 'qwen-weights').spec).toMatchObject({ volumeName: 'qwen-fsx', storageClassName: '', accessModes: ['ReadOnlyMany'] });
    expect(container(m).volumeMounts).toContainEqual({ name: 'weights', mountPath: '/mnt/models', readOnly: true, subPath: 'qwen' });
  });

  test('Mountpoint for S3: a static PV with bucket, region and prefix', () => {
    const m = synth({ profile: eks, weights: WeightSource.mountpointS3('my-models', { prefix: 'qwen' }) }).manifests;
    const pv = fixed(m, 'PersistentVolume');
    expect(pv.spec.csi).toEqual({ driver: 's3.csi.aws.com', volumeHandle: 'qwen-s3-my-models', volumeAttributes: { bucketName: 'my-models' } });
    expect(pv.spec.mountOptions).toEqual(['read-only', 'region us-east-1', 'prefix qwen/']);
  });

  test.each([
    ['EFS', () => WeightSource.huggingFace(REPO, { volume: SharedVolume.efs({ fileSystemId: 'fs-0123456789abcdef0' }) })],
    ['FSx for Lustre', () => WeightSource.fsxLustre({ fileSystemId: 'fs-0123456789abcdef0', dnsName: 'x.amazonaws.com', mountName: 'abc' })],
    ['Mountpoint for S3', () => WeightSource.mountpointS3('my-models')],
  ])('%s outside an EKS profile is refused', (_, weights) => {
    expect(() => synth({ profile: gke, weights: weights() })).toThrow(error(WL, 'CS-IN-014', 'is an EKS accelerator'));
  });
});

describe('every path sets the cold-start facts and passes the baseline pack', () => {
  const cases: Array<[string, () => WeightSource, Profile, WeightPath, number]> = [
    ['modelcar', () => WeightSource.modelcar('registry.example.com/m@sha256:' + 'b'.repeat(64)), Profile.lab(), WeightPath.OCI_MODELCAR, 16],
    ['huggingFace', () => WeightSource.huggingFace(REPO, { volume: SharedVolume.newClaim() }), Profile.lab(), WeightPath.SHARED_VOLUME, 16],
    ['objectStorage', () => WeightSource.objectStorage('s3://models/qwen'), Profile.lab(), WeightPath.OBJECT_STORAGE, 8],
    ['localModelCache', () => WeightSource.localModelCache('hf://Qwen/Qwen2.5-0.5B-Instruct', { nodeGroup: CacheNodeGroup.existing('g') }), Profile.lab(), WeightPath.LOCAL_NVME, 16],
    ['hostPathCache', () => WeightSource.hostPathCache(REPO), Profile.lab(), WeightPath.LOCAL_NVME, 16],
    ['prefetch', () => WeightSource.prefetch(REPO), Profile.lab(), WeightPath.LOCAL_NVME, 16],
    ['hyperdiskMl', () => WeightSource.hyperdiskMl({ snapshotName: 's' }), gke, WeightPath.HYPERDISK_ML, 16],
    ['gcsFuse', () => WeightSource.gcsFuse('bucket'), gke, WeightPath.GCS_FUSE, 16],
    ['efs', () => WeightSource.huggingFace(REPO, { volume: SharedVolume.efs({ fileSystemId: 'fs-0123456789abcdef0' }) }), eks, WeightPath.EFS, 16],
    ['fsxLustre', () => WeightSource.fsxLustre({ fileSystemId: 'fs-0123456789abcdef0', dnsName: 'x.amazonaws.com', mountName: 'abc' }), eks, WeightPath.FSX_LUSTRE, 16],
    ['mountpointS3', () => WeightSource.mountpointS3('my-models'), eks, WeightPath.MOUNTPOINT_S3, 16],
  ];

  test.each(cases)('%s: weight path, streamer facts and buffer', (_, weights, profile, path, concurrency) => {
    const bp = bind(weights(), profile);
    expect(bp.fact(Facts.WEIGHT_PATH)).toBe(path);
    expect(bp.fact(Facts.STREAMER_CONCURRENCY)).toBe(concurrency);
    // 10 GiB of weights: the buffer is capped at 4 GiB and charged to pod memory.
    expect(bp.memoryItems.filter(i => i.purpose.startsWith('Run:ai streamer')).map(i => i.bytes)).toEqual([4 * GI]);
  });

  test.each(cases)('%s: schema-valid, zero findings', (_, weights, profile, path) => {
    const app = Testing.app();
    const chart = new Chart(app, 'serving', { namespace: 'llm' });
    new ColdStartOptimizedModel(chart, 'qwen', baseProps({ profile, weights: weights() }));
    const m = Testing.synth(chart);
    expect(m.flatMap(schemaErrors)).toEqual([]);
    // Where the engine must stay root the model suppresses CS-SEC-004 itself, saying why (README, Pod Security).
    const rootReason = {
      [WeightPath.GCS_FUSE]: 'the GCS FUSE driver',
      [WeightPath.FSX_LUSTRE]: 'FSx for Lustre files',
      [WeightPath.MOUNTPOINT_S3]: 'Mountpoint for S3 serves only the user that mounted it',
    }[path as string];
    expect(Findings.of(app).map(f => [f.ruleId, f.suppressed]))
      .toEqual(rootReason ? [['CS-SEC-004', expect.stringContaining(`the engine runs as root: ${rootReason}`)]] : []);
  });
});

describe('lever 1: weight load', () => {
  test('storage is the digest-pinned modelcar URI', () => {
    expect(env(lab().manifests).STORAGE_URI).toBe(`oci://${MODELCAR}`);
  });

  test('an existing claim is mounted read-only at /mnt/models, offline, streamed, with no storage URI', () => {
    const m = synth({ weights: WeightSource.existingClaim('qwen-weights', { subPath: 'qwen2.5-0.5b' }) }).manifests;
    const c = container(m);
    expect(c.volumeMounts).toContainEqual({ name: 'weights', mountPath: '/mnt/models', readOnly: true, subPath: 'qwen2.5-0.5b' });
    expect(predictor(m).volumes).toContainEqual({ name: 'weights', persistentVolumeClaim: { claimName: 'qwen-weights', readOnly: true } });
    expect(args(m)['--model']).toBe('/mnt/models');
    expect(args(m)['--load-format']).toBe('runai_streamer');
    expect(env(m)).toMatchObject({ HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' });
    expect(env(m).STORAGE_URI).toBeUndefined();
  });

  test.each([['Bad_Name', 'CS-IN-021', 'not a valid PersistentVolumeClaim name'], ['ok', 'CS-IN-011', 'has a "\\.\\." segment']])(
    'an existing claim %s is refused', (claimName, id, message) => {
      const weights = () => WeightSource.existingClaim(claimName, { subPath: claimName === 'ok' ? '../etc' : undefined });
      expect(() => synth({ weights: weights() })).toThrow(new RegExp(`^WeightSource\\.existingClaim: \\[${id}\\] .*${message}.*Fix: `));
    });

  test('an oci:// prefix on the modelcar is accepted once', () => {
    const m = synth({ weights: WeightSource.modelcar(`oci://${MODELCAR}`) }).manifests;
    expect(env(m).STORAGE_URI).toBe(`oci://${MODELCAR}`);
  });

  test('Hugging Face is fully offline', () => {
    const e = env(lab().manifests);
    expect(e.HF_HUB_OFFLINE).toBe('1');
    expect(e.TRANSFORMERS_OFFLINE).toBe('1');
  });

  test('loads with the Run:ai streamer with explicit concurrency and memory limit', () => {
    const a = args(lab().manifests);
    expect(a['--load-format']).toBe('runai_streamer');
    // 0.5e9 params x 2 bytes = 1e9 bytes: below the 4 GiB cap, so the limit is the model size.
    expect(JSON.parse(a['--model-loader-extra-config'] as string)).toEqual({ concurrency: 16, memory_limit: 1e9 });
  });

  test('the streamer buffer is capped at 4 GiB for a large model', () => {
    const a = args(synth({ size: ModelSize.of(Size.gibibytes(140)) }).manifests);
    expect(JSON.parse(a['--model-loader-extra-config'] as string).memory_limit).toBe(4 * GI);
  });

  test('streamer settings can be overridden', () => {
    const weights = WeightSource.modelcar(MODELCAR, { streamer: { concurrency: 32, memoryLimit: Size.gibibytes(2) } });
    const a = args(synth({ weights }).manifests);
    expect(JSON.parse(a['--model-loader-extra-config'] as string)).toEqual({ concurrency: 32, memory_limit: 2 * GI });
  });
});

describe('bad input fails at construction with the path, the id and the fix', () => {

  test('modelcar by tag, refused by WeightSource.modelcar', () => {
    expect(() => WeightSource.modelcar('registry.example.com/models/qwen:v1'))
      .toThrow(/^WeightSource\.modelcar: \[CS-IMG-001\] modelcar image "registry.example.com\/models\/qwen:v1" is not pinned by digest/);
  });

  test('a streamer concurrency out of range', () => {
    expect(() => WeightSource.modelcar(MODELCAR, { streamer: { concurrency: 0 } })).toThrow(/^WeightSource\.modelcar: \[CS-IN-005\] streamer concurrency 0/);
  });
});
