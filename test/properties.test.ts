import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { schemaErrors } from './schema';
import { MODELCAR, VLLM } from './util';
import {
  Backend, CacheAccessMode, CacheStorage, Cloud, ColdStartError, ColdStartOptimizedModel, ColdStartOptimizedModelProps, Engine, Findings,
  KnativeFeature,
  ModelSize, Precision, Profile, WeightSource,
} from '../src';

// fast-check: random valid configurations synthesize, validate and pass the
// baseline pack; random invalid ones fail with the library's own errors.
const RUNS = 1000;

const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/);
const size = fc.oneof(
  fc.integer({ min: 1, max: 800 }).map(g => ModelSize.of(Size.gibibytes(g))),
  fc.tuple(fc.double({ min: 0.1, max: 405, noNaN: true }), fc.constantFrom(...Object.values(Precision)))
    .map(([b, p]) => ModelSize.fromParameters(b * 1e9, p)),
);
const cloud = fc.constantFrom(Cloud.generic(), Cloud.gke({ region: 'us-central1' }), Cloud.eks({ region: 'us-east-1' }));

const valid: fc.Arbitrary<ColdStartOptimizedModelProps> = fc.record({
  servedModelName: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,40}$/),
  name: dnsLabel,
  size,
  production: fc.boolean(),
  cloud,
  gpus: fc.integer({ min: 1, max: 8 }),
  // Label keys and values as the API server takes them (both ends alphanumeric).
  selector: fc.option(fc.dictionary(
    fc.stringMatching(/^[a-z]([a-z0-9-]{0,18}[a-z0-9])?\/[a-z]([a-z0-9.-]{0,18}[a-z0-9])?$/),
    fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,18}[A-Za-z0-9])?$/), { maxKeys: 2 }), { nil: undefined }),
  shmGi: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
  util: fc.option(fc.double({ min: 0.05, max: 0.8, noNaN: true }), { nil: undefined }),
  eager: fc.option(fc.boolean(), { nil: undefined }),
  cumem: fc.option(fc.boolean(), { nil: undefined }),
  cpu: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
  minReplicas: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  extraReplicas: fc.integer({ min: 0, max: 3 }),
  priority: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
  concurrency: fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }),
  cacheKind: fc.constantFrom('default', 'emptyDir', 'rwx', 'existing'),
}).map(r => {
  const minReplicas = r.minReplicas;
  const maxReplicas = Math.max(1, minReplicas ?? 0) + r.extraReplicas;
  const rwx = CacheStorage.persistentVolumeClaim({ accessMode: CacheAccessMode.READ_WRITE_MANY });
  // Production refuses an emptyDir cache (CS-RT-003), and its default claim is
  // ReadWriteOnce, valid with one replica only (CS-IN-008): keep valid configs valid.
  const cache = r.cacheKind === 'rwx' ? rwx
    : r.cacheKind === 'existing' ? CacheStorage.existingClaim('shared-cache')
      : r.cacheKind === 'emptyDir' && !r.production ? CacheStorage.emptyDir()
        : (r.production && maxReplicas > 1 ? rwx : undefined);
  const props: ColdStartOptimizedModelProps = {
    servedModelName: r.servedModelName,
    name: r.name,
    weights: WeightSource.modelcar(MODELCAR, { streamer: { concurrency: r.concurrency } }),
    engine: Engine.vllm({ image: VLLM }),
    size: r.size,
    gpu: { count: r.gpus, nodeSelector: r.selector },
    profile: r.production ? Profile.production({ cloud: r.cloud }) : Profile.lab({ cloud: r.cloud }),
    // A cluster whose max-revision-timeout-seconds allows any wake (else CS-KSV-003 warns, rightly).
    backend: Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature), maxRevisionTimeout: Duration.hours(24) }),
    scaling: { minReplicas, maxReplicas },
    capacity: { priority: r.priority },
    runtime: {
      shmSize: r.shmGi === undefined ? undefined : Size.gibibytes(r.shmGi),
      gpuMemoryUtilization: r.util,
      enforceEager: r.eager,
      ncclCumemEnabled: r.cumem,
      cpu: r.cpu,
      cache,
    },
  };
  return props;
});

function synthesize(props: ColdStartOptimizedModelProps) {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  new ColdStartOptimizedModel(chart, 'm', props);
  return { app, manifests: Testing.synth(chart) };
}

test(`${RUNS} random valid configurations synthesize, validate and pass the baseline pack`, () => {
  fc.assert(fc.property(valid, props => {
    const { app, manifests } = synthesize(props);
    expect(manifests.flatMap(schemaErrors)).toEqual([]);
    expect(Findings.of(app)).toEqual([]);
    const isvc = manifests.find(m => m.kind === 'InferenceService');
    // Values pass through unchanged.
    expect(isvc.spec.predictor.containers[0].args).toContain(`--tensor-parallel-size=${props.gpu.count}`);
    expect(isvc.spec.predictor.containers[0].args).toContain(`--gpu-memory-utilization=${props.runtime?.gpuMemoryUtilization ?? 0.6}`);
  }), { numRuns: RUNS });
});

/** One way to break a valid configuration, and the id its error must carry. */
const BREAKS: Array<[string, (p: ColdStartOptimizedModelProps) => ColdStartOptimizedModelProps]> = [
  ['CS-IMG-001', p => ({ ...p, engine: Engine.vllm({ image: 'vllm/vllm-openai:latest' }) })],
  ['CS-IMG-001', p => ({ ...p, weights: WeightSource.modelcar('registry.example.com/m:v1') })],
  ['CS-IN-002', p => ({ ...p, gpu: { count: 0 } })],
  ['CS-IN-002', p => ({ ...p, gpu: { count: Number.NaN } })],
  ['CS-IN-020', p => ({ ...p, servedModelName: '' })],
  ['CS-IN-001', p => ({ ...p, name: 'Bad_Name' })],
  ['CS-RT-001', p => ({ ...p, runtime: { ...p.runtime, gpuMemoryUtilization: 1.5 } })],
  ['CS-RT-001', p => ({ ...p, runtime: { ...p.runtime, gpuMemoryUtilization: Number.NaN } })],
  ['CS-SHM-002', p => ({ ...p, runtime: { ...p.runtime, shmSize: Size.gibibytes(64), memoryLimit: Size.gibibytes(32) } })],
  ['CS-IN-004', p => ({ ...p, capacity: { priority: -5 } })],
  ['CS-IN-005', p => ({ ...p, weights: WeightSource.modelcar(MODELCAR, { streamer: { concurrency: 0 } }) })],
  ['CS-IN-006', p => ({ ...p, engine: Engine.vllm({ image: VLLM, extraArgs: ['--port=1'] }) })],
  ['CS-IN-043', p => ({ ...p, engine: Engine.vllm({ image: VLLM, extraArgs: ['--port 1'] }) })],
  ['CS-IN-007', p => ({ ...p, scaling: { minReplicas: 5, maxReplicas: 1 } })],
  ['CS-IN-009', p => ({ ...p, runtime: { ...p.runtime, cpu: -1 } })],
];

test(`${RUNS} random invalid configurations fail with the library's own error, never a TypeError`, () => {
  fc.assert(fc.property(valid, fc.constantFrom(...BREAKS), (props, [id, breakIt]) => {
    let error: unknown;
    try {
      synthesize(breakIt(props));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ColdStartError);
    expect((error as ColdStartError).code).toBe(id);
    // A lever's or the model's path, or the factory that refused its argument (Engine.vllm).
    expect((error as Error).message).toMatch(new RegExp(`^(c/m(/[A-Za-z]+)?|[A-Z][A-Za-z]+\\.[a-z][A-Za-z]+): \\[${id}\\] .+ Fix: .+`));
  }), { numRuns: RUNS });
});
