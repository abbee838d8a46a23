import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import {
  Backend, CacheAccessMode, CacheStorage, Cloud, CloudProvider, ColdStartOptimizedModel, Environment, Findings, ModelSize, Precision, Profile,
  SharedVolume, TolerationOperator, WeightLoader, WeightSource,
} from '../../src';
import { checkManifests } from '../../src/check/check';
import { COLDSTART_REPORT_FILE } from '../../src/estimate/cold-start-report';
import { estimateColdStart } from '../../src/estimate/estimate';
import { defaultColdStartFacts } from '../../src/estimate/facts';
import { LoaderFact, WeightPath } from '../../src/estimate/paths';
import { schemaErrors } from '../schema';
import { baseProps, find, MODELCAR, synth, thrown } from '../util';

const REPO = { repoId: 'meta-llama/Llama-3.1-70B-Instruct', revision: '945c8663693130f8be2ee66210e062158b2a9693' };
const GPU = { count: 4, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' }, tolerations: [{ key: 'nvidia.com/gpu', operator: TolerationOperator.EXISTS }] };
const RWX_CACHE = CacheStorage.persistentVolumeClaim({ accessMode: CacheAccessMode.READ_WRITE_MANY, storageClassName: 'nfs' });
const prod = Profile.production({ cloud: Cloud.generic() });

/** A 70B TP=4 model on a shared volume, production defaults (compile on), a deployment so the pod is easy to read. */
function model(o: { loader?: WeightLoader; seed?: boolean; cache?: CacheStorage; argo?: boolean } = {}) {
  return synth({
    profile: prod,
    backend: Backend.deployment(),
    weights: WeightSource.huggingFace(REPO, { volume: SharedVolume.newClaim({ storageClassName: 'nfs' }), loader: o.loader }),
    size: ModelSize.fromParameters(70e9, Precision.BF16),
    gpu: GPU,
    scaling: { minReplicas: 2, maxReplicas: 2 },
    runtime: { cache: o.cache ?? RWX_CACHE, compileCacheSeed: o.seed ? {} : undefined },
    argoCdSyncWaves: o.argo,
  }, 'llm');
}
const job = (m: any[], component: string) => {
  const jobs = find(m, 'Job').filter(j => j.metadata.labels['app.kubernetes.io/component'] === component);
  expect(jobs).toHaveLength(1);
  return jobs[0];
};
const workload = (m: any[]) => find(m, 'Deployment').find(d => d.metadata.name === 'qwen');
const workloadPod = (m: any[]) => workload(m).spec.template.spec;
const engineOf = (pod: any) => pod.containers[0];
const index = (m: any[], obj: any) => m.indexOf(obj);

describe('compile-cache seeding (issue #19 §1)', () => {
  const m = model({ seed: true }).manifests;
  const seed = job(m, 'compile-cache-seeder');
  const pod = seed.spec.template.spec;
  const served = workloadPod(m);

  test('the Job runs the model pod itself: same image digest, args, env, GPUs, memory, nodes and volumes', () => {
    const engine = engineOf(pod);
    const served0 = engineOf(served);
    // The compile cache is keyed by the engine config (vLLM's config hash): the args must be the model's, byte for byte.
    expect(engine.args).toEqual(served0.args);
    expect(engine.image).toBe(served0.image);
    expect(engine.image).toMatch(/@sha256:/);
    expect(engine.env).toEqual(expect.arrayContaining(served0.env));
    expect(engine.resources).toEqual(served0.resources);
    expect(engine.resources.limits['nvidia.com/gpu']).toBe('4');
    expect(engine.volumeMounts).toEqual(served0.volumeMounts);
    expect(pod.nodeSelector).toEqual(served.nodeSelector);
    expect(pod.tolerations).toEqual(served.tolerations);
    expect(pod.volumes).toEqual(served.volumes);
    // It waits for the weights exactly as the model does.
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(served.initContainers.map((c: any) => c.name));
  });

  test('the cache it writes is the model\'s HOME claim, ReadWriteMany, at the VLLM_CACHE_ROOT the model uses', () => {
    const cacheVolume = pod.volumes.find((v: any) => v.name === 'cache');
    const claim = find(m, 'PersistentVolumeClaim').find(c => c.metadata.name === cacheVolume.persistentVolumeClaim.claimName);
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    const root = engineOf(pod).env.find((e: any) => e.name === 'VLLM_CACHE_ROOT').value;
    expect(engineOf(served).env).toContainEqual({ name: 'VLLM_CACHE_ROOT', value: root });
    expect(engineOf(pod).env.find((e: any) => e.name === 'CS_SEED_MARKER').value).toMatch(new RegExp(`^${root}/\\.coldstart/seeded-[0-9a-f]{8}$`));
  });

  test('a batch pod: runs the engine under a script that exits once /health answers, no probes, ports or Service labels', () => {
    const engine = engineOf(pod);
    expect(engine.command.slice(0, 2)).toEqual(['sh', '-c']);
    const script: string = engine.command[2];
    expect(script).toContain('\'python3\' \'-m\' \'vllm.entrypoints.openai.api_server\' "$@" &');
    expect(script).toMatch(/until python3 -c "\$CS_HEALTH" "\$CS_ENGINE_PORT" \/health/);
    expect(script).toMatch(/if \[ -f "\$CS_SEED_MARKER" \]; then .* exit 0; fi/);
    expect(engine.env).toContainEqual({ name: 'CS_ENGINE_PORT', value: '8000' });
    expect(engine.startupProbe).toBeUndefined();
    expect(engine.livenessProbe).toBeUndefined();
    expect(engine.ports).toBeUndefined();
    expect(pod.restartPolicy).toBe('Never');
    // The one rule a batch run does not meet, waived on the object itself, so the checker reading the output agrees.
    expect(seed.metadata.annotations['coldstart.cdk8s.io/suppress']).toMatch(/^CS-RT-004: the seeding Job waits for \/health/);
    expect(seed.metadata.labels['app.kubernetes.io/component']).toBe('compile-cache-seeder');
    expect(seed.spec.template.metadata.labels['app.kubernetes.io/component']).not.toBe('model-server');
  });

  test('safe to re-run: a name per config, bounded retries, a deadline from the estimate, a TTL', () => {
    expect(seed.metadata.name).toMatch(/^qwen-seed-[0-9a-f]{8}$/);
    expect(seed.metadata.name.length).toBeLessThanOrEqual(63);
    expect(seed.spec.backoffLimit).toBe(2);
    expect(seed.spec.ttlSecondsAfterFinished).toBe(86_400);
    // node + image + twice a compiling start, at least ten minutes
    expect(seed.spec.activeDeadlineSeconds).toBeGreaterThan(600);
    const other = model({ seed: true, loader: WeightLoader.streamer({ concurrency: 8 }) }).manifests;
    expect(job(other, 'compile-cache-seeder').metadata.name).not.toBe(seed.metadata.name);
  });

  test('ordered before the model: written first, and an Argo CD wave below it', () => {
    expect(index(m, seed)).toBeLessThan(index(m, workload(m)));
    const waved = model({ seed: true, argo: true }).manifests;
    const wave = (o: any) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const w = job(waved, 'compile-cache-seeder');
    expect(wave(w)).toBeLessThan(0);
    // The weights' loader runs before the seed.
    expect(wave(job(waved, 'weight-loader'))).toBeLessThan(wave(w));
  });

  test('the estimate and the report count the hit; graphs are still captured', () => {
    const facts = { ...defaultColdStartFacts(), weightPath: WeightPath.SHARED_VOLUME };
    const cold = estimateColdStart({ weightBytes: 140e9, facts });
    const hit = estimateColdStart({ weightBytes: 140e9, facts: { ...facts, compileCacheSeeded: true } });
    expect(hit.compileSeconds).toBeLessThan(cold.compileSeconds);
    expect(hit.graphCaptureSeconds).toBeGreaterThan(0);
    expect(hit.graphCaptureSeconds).toBe(cold.graphCaptureSeconds);
    const s = model({ seed: true, loader: WeightLoader.shardedState() });
    const report = readFileSync(join(s.app.outdir, COLDSTART_REPORT_FILE), 'utf8');
    expect(report).toMatch(/compile [\d.]+ s \(cached, seeded by a Job before the first wake; vLLM captures graphs at every start\)/);
    expect(report).toContain('sharded state read by the default loader, each of 4 ranks its 1/4');
  });

  test('passes the baseline pack and the schemas, and the checker finds nothing in the Jobs it writes', () => {
    const s = model({ seed: true, loader: WeightLoader.shardedState() });
    expect(Findings.of(s.app).filter(f => f.level === 'error' && !f.suppressed)).toEqual([]);
    expect(s.manifests.flatMap(schemaErrors)).toEqual([]);
    const report = checkManifests(s.manifests.map((object, i) => ({ file: 'out.yaml', line: i + 1, object })), { environment: Environment.PRODUCTION, cloud: CloudProvider.GENERIC });
    expect(report.findings.filter(f => f.object.startsWith('Job/') && !f.suppressed)).toEqual([]);
  });

  test.each([
    ['compile off (the lab defaults)', () => synth({ runtime: { compileCacheSeed: {} } }), 'compile off'],
    ['an emptyDir cache', () => model({ seed: true, cache: CacheStorage.emptyDir() }), 'node-local or ReadWriteOnce'],
    ['a ReadWriteOnce cache claim', () => model({ seed: true, cache: CacheStorage.persistentVolumeClaim() }), 'node-local or ReadWriteOnce'],
    ['a modelcar KServe mounts', () => synth({ profile: prod, runtime: { cache: RWX_CACHE, compileCacheSeed: {} }, scaling: { minReplicas: 1, maxReplicas: 2 } }), 'KServe delivers'],
  ])('refuses %s (CS-IN-068)', (_what, make, text) => {
    expect(thrown(make)).toMatch(new RegExp(`^serving/qwen/Runtime: \\[CS-IN-068\\] .*${text}.*Fix: `));
  });

  test('an existing claim is taken as shared (the cluster decides its access mode)', () => {
    const m2 = model({ seed: true, cache: CacheStorage.existingClaim('engine-cache') }).manifests;
    expect(job(m2, 'compile-cache-seeder').spec.template.spec.volumes).toContainEqual({ name: 'cache', persistentVolumeClaim: { claimName: 'engine-cache' } });
  });

  test('a TTL that is not a whole number of seconds is refused (CS-IN-057)', () => {
    expect(thrown(() => synth({ profile: prod, runtime: { cache: RWX_CACHE, compileCacheSeed: { ttlAfterFinished: Duration.millis(1500) } } })))
      .toMatch(/^serving\/qwen\/Runtime: \[CS-IN-057\] runtime.compileCacheSeed.ttlAfterFinished/);
  });
});

describe('sharded state (issue #19 §2)', () => {
  const m = model({ loader: WeightLoader.shardedState(), seed: true }).manifests;
  const served = workloadPod(m);
  const sharder = job(m, 'weight-sharder');
  const link = '/mnt/hf/.coldstart/sharded/meta-llama/Llama-3.1-70B-Instruct/945c8663693130f8be2ee66210e062158b2a9693/tp4';

  test('the model reads its rank\'s shard files from a directory on the shared volume, not the repo id', () => {
    const a = engineOf(served).args;
    expect(a).toContain('--load-format=sharded_state');
    expect(a).toContain(`--model=${link}`);
    expect(a.some((x: string) => x.startsWith('--revision'))).toBe(false);
    expect(a.some((x: string) => x.startsWith('--model-loader-extra-config'))).toBe(false);
  });

  test('the model waits for shards of exactly its config; the Job writes that config into the marker', () => {
    const config = sharder.spec.template.spec.containers[0].env.find((e: any) => e.name === 'CS_SHARD_CONFIG').value;
    expect(config).toMatch(/^[0-9a-f]{8}$/);
    expect(sharder.metadata.name).toBe(`qwen-shards-${config}`);
    const wait = served.initContainers.find((c: any) => c.name === 'await-shards');
    expect(wait.args[0]).toContain(`"$(cat "${link}/.coldstart-complete" 2>/dev/null)" = "${config}"`);
    // The checkpoint first, then the shards.
    expect(served.initContainers.map((c: any) => c.name)).toEqual(['await-weights', 'await-shards']);
  });

  test('the Job is the model pod with the volume writable and no wait on its own output', () => {
    const pod = sharder.spec.template.spec;
    expect(engineOf(pod).args).toEqual(engineOf(served).args);
    expect(engineOf(pod).resources).toEqual(engineOf(served).resources);
    expect(pod.nodeSelector).toEqual(served.nodeSelector);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['await-weights']);
    const hf = pod.volumes.find((v: any) => v.name === 'hf-cache');
    expect(hf.persistentVolumeClaim.readOnly).toBeUndefined();
    expect(engineOf(pod).volumeMounts.find((v: any) => v.name === 'hf-cache').readOnly).toBeUndefined();
    expect(served.volumes.find((v: any) => v.name === 'hf-cache').persistentVolumeClaim.readOnly).toBe(true);
    // As the loader's uid, which owns what it wrote on the volume; HOME on scratch space, off the engine cache claim.
    expect(engineOf(pod).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 });
    expect(job(m, 'weight-loader').spec.template.spec.securityContext.runAsUser).toBe(65532);
    expect(pod.volumes.find((v: any) => v.name === 'cache')).toEqual({ name: 'cache', emptyDir: { sizeLimit: '20Gi' } });
    const script: string = engineOf(pod).command[2];
    expect(script).toContain('python3 /tmp/save_shards.py "$@"');
    expect(script).toMatch(/mv -T "\$CS_SHARD_LINK\.new-\$HOSTNAME" "\$CS_SHARD_LINK"/);
    const py = engineOf(pod).env.find((e: any) => e.name === 'CS_SAVE_SHARDS').value;
    expect(py).toContain('save_sharded_state(path=out)');
    expect(py).toContain('local_files_only=True');
    expect(py).toContain('if __name__ == "__main__":');
    // The token stays with the downloader: the shards are made from the local snapshot.
    expect(engineOf(pod).env.some((e: any) => e.name === 'HF_TOKEN')).toBe(false);
    expect(sharder.spec.backoffLimit).toBe(2);
    expect(sharder.spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(600);
  });

  test('order: loader Job, sharding Job, seeding Job, model', () => {
    const order = ['weight-loader', 'weight-sharder', 'compile-cache-seeder'].map(c => index(m, job(m, c)));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(order[2]).toBeLessThan(index(m, workload(m)));
    // The seed waits for the shards like the model.
    expect(job(m, 'compile-cache-seeder').spec.template.spec.initContainers.map((c: any) => c.name)).toEqual(['await-weights', 'await-shards']);
  });

  test('with the streamer: runai_streamer_sharded, settings in the streamer env (the loader takes no extra config)', () => {
    const s = model({ loader: WeightLoader.shardedState({ streamer: { concurrency: 32, memoryLimit: Size.gibibytes(2) } }) });
    const c = engineOf(workloadPod(s.manifests));
    expect(c.args).toContain('--load-format=runai_streamer_sharded');
    expect(c.args.some((x: string) => x.startsWith('--model-loader-extra-config'))).toBe(false);
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'RUNAI_STREAMER_CONCURRENCY', value: '32' },
      { name: 'RUNAI_STREAMER_MEMORY_LIMIT', value: `${2 * 1024 ** 3}` },
    ]));
  });

  test('the estimate: each rank reads its 1/TP share, so the read is faster than the unsharded one', () => {
    const facts = { ...defaultColdStartFacts(), weightPath: WeightPath.LOCAL_NVME };
    const one = estimateColdStart({ weightBytes: 140e9, facts });
    const four = estimateColdStart({ weightBytes: 140e9, facts: { ...facts, weightLoader: LoaderFact.SHARDED_STATE, loaderRanks: 4 } });
    expect(four.weightReadSeconds).toBeLessThan(one.weightReadSeconds);
    // Each rank copies its own files: four ranks reach four times one rank's copy rate, up to the disk.
    expect(four.loaderBytesPerSecond).toBeCloseTo(Math.min(4 * one.loaderBytesPerSecond, 6e9 * 0.9), -3);
    // On a shared link the link is the limit: sharding removes no bytes from it.
    const nfs = { ...facts, weightPath: WeightPath.SHARED_VOLUME, streamerConcurrency: 16 };
    expect(estimateColdStart({ weightBytes: 140e9, facts: { ...nfs, weightLoader: LoaderFact.SHARDED_STATE, loaderRanks: 4 } }).weightReadSeconds)
      .toBeCloseTo(estimateColdStart({ weightBytes: 140e9, facts: nfs }).weightReadSeconds, 6);
  });

  test.each([
    ['one GPU', () => synth({ weights: WeightSource.huggingFace(REPO, { volume: SharedVolume.newClaim(), loader: WeightLoader.shardedState() }) }), 'serving/qwen/WeightLoad', 'with 1 GPU'],
    ['an existing claim', () => WeightSource.existingClaim('models', { loader: WeightLoader.shardedState() }), 'WeightSource.existingClaim', 'only onto the shared volume'],
    ['a hostPath cache', () => WeightSource.hostPathCache(REPO, { loader: WeightLoader.shardedState() }), 'WeightSource.hostPathCache', 'only onto the shared volume'],
  ])('refuses %s (CS-IN-069)', (_what, make, site, text) => {
    expect(thrown(make)).toMatch(new RegExp(`^${site}: \\[CS-IN-069\\] .*${text}.*Fix: `));
  });
});

describe('fastsafetensors (issue #19 §2)', () => {
  test('node-local: --load-format fastsafetensors, and an init container that stops the pod if the image lacks the package', () => {
    const { manifests } = synth({ weights: WeightSource.hostPathCache(REPO, { loader: WeightLoader.fastsafetensors() }) });
    const p = find(manifests, 'InferenceService')[0].spec.predictor;
    expect(p.containers[0].args).toContain('--load-format=fastsafetensors');
    expect(p.containers[0].args.some((x: string) => x.startsWith('--model-loader-extra-config'))).toBe(false);
    const check = p.initContainers.find((c: any) => c.name === 'check-loader');
    expect(check.command.slice(0, 2)).toEqual(['python3', '-c']);
    expect(check.command[2]).toContain('find_spec("fastsafetensors")');
  });

  test('GPUDirect Storage pins the pod to the nodes that have it, and the estimate counts its rate', () => {
    const gds = { 'example.com/gds': 'true' };
    const size = ModelSize.fromParameters(70e9, Precision.BF16);
    const props = (loader: WeightLoader) => ({ gpu: GPU, size, weights: WeightSource.hostPathCache(REPO, { loader }) });
    const withGds = synth(props(WeightLoader.fastsafetensors({ gpuDirectStorageNodeSelector: gds })));
    const without = synth(props(WeightLoader.fastsafetensors()));
    expect(find(withGds.manifests, 'InferenceService')[0].spec.predictor.nodeSelector).toEqual({ ...GPU.nodeSelector, ...gds });
    expect(find(without.manifests, 'InferenceService')[0].spec.predictor.nodeSelector).toEqual(GPU.nodeSelector);
    const facts = { ...defaultColdStartFacts(), weightPath: WeightPath.LOCAL_NVME, loaderRanks: 4 };
    const nogds = estimateColdStart({ weightBytes: 140e9, facts: { ...facts, weightLoader: LoaderFact.FASTSAFETENSORS } });
    const direct = estimateColdStart({ weightBytes: 140e9, facts: { ...facts, weightLoader: LoaderFact.FASTSAFETENSORS_GDS } });
    const mmap = estimateColdStart({ weightBytes: 140e9, facts: { ...facts, loaderRanks: undefined } });
    // Both reach 85% of the node's NVMe link (6 GB/s) with four ranks; the default loader does not.
    expect(direct.loaderBytesPerSecond).toBeCloseTo(6e9 * 0.85, -3);
    expect(nogds.loaderBytesPerSecond).toBeCloseTo(6e9 * 0.85, -3);
    expect(mmap.loaderBytesPerSecond).toBeLessThan(nogds.loaderBytesPerSecond);
    const one = { ...facts, loaderRanks: 1 };
    const rate = (weightLoader: LoaderFact) => estimateColdStart({ weightBytes: 140e9, facts: { ...one, weightLoader } }).loaderBytesPerSecond;
    // One rank: its own ceiling (6.6 GB/s with GDS, the paper's 26.4 GB/s on four GPUs; 3.7 GB/s without,
    // vllm PR 10647), under 85% of the 6 GB/s disk.
    expect(rate(LoaderFact.FASTSAFETENSORS_GDS)).toBeCloseTo(6e9 * 0.85, -3);
    expect(rate(LoaderFact.FASTSAFETENSORS)).toBeCloseTo(3.7e9, -3);
    expect(withGds.model.estimate.weightLoadSeconds).toBeLessThanOrEqual(without.model.estimate.weightLoadSeconds);
  });

  test('on a shared volume it loads; the report names the loader', () => {
    const s = synth({ weights: WeightSource.existingClaim('models', { loader: WeightLoader.fastsafetensors() }) });
    expect(find(s.manifests, 'InferenceService')[0].spec.predictor.containers[0].args).toContain('--load-format=fastsafetensors');
  });

  test.each([
    ['the streamer beside it', () => WeightSource.hostPathCache(REPO, { streamer: { concurrency: 8 }, loader: WeightLoader.fastsafetensors() }), 'WeightSource.hostPathCache', 'CS-IN-073', 'both given'],
    ['GDS on a shared volume', () => WeightSource.existingClaim('models', { loader: WeightLoader.fastsafetensors({ gpuDirectStorageNodeSelector: { 'example.com/gds': 'true' } }) }), 'WeightSource.existingClaim', 'CS-IN-074', 'GPUDirect Storage on'],
    ['GDS on the Hugging Face shared volume', () => WeightSource.huggingFace(REPO, { volume: SharedVolume.newClaim(), loader: WeightLoader.fastsafetensors({ gpuDirectStorageNodeSelector: { 'example.com/gds': 'true' } }) }), 'WeightSource.huggingFace', 'CS-IN-074', 'GPUDirect Storage on a shared volume'],
    ['an empty GDS selector', () => WeightLoader.fastsafetensors({ gpuDirectStorageNodeSelector: {} }), 'WeightLoader.fastsafetensors', 'CS-IN-074', 'empty or holds a label'],
    ['an invalid GDS label', () => WeightLoader.fastsafetensors({ gpuDirectStorageNodeSelector: { 'bad key!': 'x' } }), 'WeightLoader.fastsafetensors', 'CS-IN-074', 'empty or holds a label'],
    // Found by the bad-input corpus: a list passed, read as the label 0=nvidia.com/gds.enabled.
    ['a GDS selector that is a list', () => WeightLoader.fastsafetensors({ gpuDirectStorageNodeSelector: ['nvidia.com/gds.enabled'] as any }), 'WeightLoader.fastsafetensors', 'CS-IN-074', 'empty or holds a label'],
    ['a loader that is not a WeightLoader', () => WeightSource.prefetch(REPO, { loader: {} as any }), 'WeightSource.prefetch', 'CS-IN-059', 'not a WeightLoader'],
  ])('refuses %s', (_what, make, site, id, text) => {
    expect(thrown(make)).toMatch(new RegExp(`^${site}: \\[${id}\\] .*${text}.*Fix: `));
  });
});

describe('jsii callers', () => {
  // Found by the bad-input corpus: these sources have no loader option, and a loader a JavaScript caller passed was silently dropped.
  test.each([
    ['sharded state on object storage', () => WeightSource.objectStorage('s3://models/llama', { loader: WeightLoader.shardedState() } as any), 'WeightSource.objectStorage', 'CS-IN-069', 'on object storage'],
    ['fastsafetensors on object storage', () => WeightSource.objectStorage('s3://models/llama', { loader: WeightLoader.fastsafetensors() } as any), 'WeightSource.objectStorage', 'CS-IN-073', 'not an object store'],
    ['fastsafetensors on a modelcar', () => WeightSource.modelcar(MODELCAR, { loader: WeightLoader.fastsafetensors() } as any), 'WeightSource.modelcar', 'CS-IN-073', 'on a modelcar'],
    ['the streamer as a loader on object storage', () => WeightSource.objectStorage('s3://models/llama', { loader: WeightLoader.streamer({ concurrency: 8 }) } as any), 'WeightSource.objectStorage', 'CS-IN-059', 'takes no loader'],
    ['fastsafetensors on Cloud Storage FUSE', () => WeightSource.gcsFuse('models', { loader: WeightLoader.fastsafetensors() } as any), 'WeightSource.gcsFuse', 'CS-IN-059', 'Cloud Storage FUSE takes no loader'],
    ['a loader on Mountpoint for S3', () => WeightSource.mountpointS3('models', { loader: 'fast' } as any), 'WeightSource.mountpointS3', 'CS-IN-059', 'takes no loader'],
    ['a loader on Hyperdisk ML', () => WeightSource.hyperdiskMl({ snapshotName: 's', loader: WeightLoader.shardedState() } as any), 'WeightSource.hyperdiskMl', 'CS-IN-069', 'on Hyperdisk ML'],
    ['a loader on FSx for Lustre', () => WeightSource.fsxLustre({ fileSystemId: 'fs-0123456789abcdef0', dnsName: 'fs.example.com', mountName: 'abcdefgh', loader: WeightLoader.fastsafetensors() } as any), 'WeightSource.fsxLustre', 'CS-IN-059', 'takes no loader'],
  ])('a loader where the source takes none: %s', (_what, make, site, id, text) => {
    expect(thrown(make)).toMatch(new RegExp(`^${site}: \\[${id}\\] .*${text}.*Fix: `));
  });

  test('null options are the defaults', () => {
    expect(() => WeightLoader.fastsafetensors(null as any)).not.toThrow();
    expect(() => WeightLoader.shardedState(null as any)).not.toThrow();
    expect(() => WeightLoader.streamer(null as any)).not.toThrow();
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    expect(() => new ColdStartOptimizedModel(chart, 'm', baseProps({ profile: prod, runtime: { compileCacheSeed: null as any } }))).toThrow(/CS-IN-059/);
  });
});
