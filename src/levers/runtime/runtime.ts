import { posix } from 'path';
import { Duration, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { CacheStorage } from './cache-storage';
import { applyLoraAdapters, checkAdapters, LoraAdaptersOptions } from './lora-adapters';
import { RuntimeOptions } from './runtime-options';
import { applySleepMode } from './sleep-mode';
import { startupBudget } from './startup-budget';
import { HEALTH_SCRIPT, healthProbe, warmupProbe } from './warmup';
import { BlueprintConflict, Facts, LeverKind, PodBlueprint, PodWriter } from '../../blueprint';
import { Engine } from '../../engine';
import { ColdStartAssessment, estimateColdStart, EstimateDetail } from '../../estimate/estimate';
import { EXPECTED_STARTUP_ANNOTATION } from '../../private/annotations';
import { wholeSeconds } from '../../private/duration';
import { fail } from '../../private/errors';
import { EXTRA_ARG } from '../../private/extra-args';
import { INT32_MAX } from '../../private/k8s-names';
import { ENGINE_PURPOSE, engineMemoryBytes, SHM_PURPOSE } from '../../private/memory-budget';
import { merged } from '../../private/merged';
import { bytesToQuantity } from '../../private/quantity';
import { bytesIn, positiveBytes } from '../../private/size';
import { renderEngineJob, shellWord } from '../engine-job';
import { Lever, LeverContext } from '../lever';
import { shortHash } from '../weights/source-impl';

/** Above this vLLM has too little headroom on wake (FACTS: <= 0.8, 0.6 safe); rule CS-RT-001 enforces it. */
const GPU_MEMORY_UTILIZATION_CEILING = 0.8;
const DEFAULT_GPU_MEMORY_UTILIZATION = 0.6;
const DEFAULT_SHM = Size.gibibytes(16);
const PROBE_PERIOD_SECONDS = 10;
/** A pod not up after a day is stuck; above this the probe's failureThreshold also nears int32. */
const MAX_STARTUP_BUDGET_SECONDS = 86_400;
const HEALTH_PATH = '/health';
/**
 * The engine's HOME, on the cache volume. The vLLM image runs as root with
 * HOME=/root, a directory only root may enter, and a uid without a passwd
 * entry gets HOME=/; vLLM, Triton, torch.compile, FlashInfer, Numba and
 * Outlines all write under HOME. On a volume, HOME and every cache under it
 * are writable by whichever uid runs the engine (ours, or KServe's
 * uidModelcar), and the compile cache survives the pod with the claim.
 */
const ENGINE_HOME = '/home/vllm';
const VLLM_CACHE_ROOT = `${ENGINE_HOME}/.cache/vllm`;
/**
 * Variables that move a cache the engine's stack writes (vLLM, Hugging Face,
 * torch, Triton, Numba, Outlines, FlashInfer, CUDA) off HOME. Under /root, the
 * image's HOME, a non-root engine cannot write it and a root one writes to the
 * container's disk, lost at every wake: HOME and VLLM_CACHE_ROOT are the levers'.
 */
const CACHE_LOCATIONS = new Set([
  'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'HF_HOME', 'HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'TRANSFORMERS_CACHE', 'TORCH_HOME',
  'TORCHINDUCTOR_CACHE_DIR', 'TRITON_CACHE_DIR', 'NUMBA_CACHE_DIR', 'OUTLINES_CACHE_DIR', 'FLASHINFER_WORKSPACE_BASE',
  'VLLM_CONFIG_ROOT', 'VLLM_ASSETS_CACHE', 'CUDA_CACHE_PATH',
]);
/** A first forward pass can be slow on a cold GPU; the probe waits this long for its one token. */
const WARMUP_TIMEOUT_SECONDS = 30;
const HEALTH_TIMEOUT_SECONDS = 5;
/** Below this a deadline would kill a healthy seeding run on a slow node; ten minutes. */
const MIN_SEED_SECONDS = 600;
const DEFAULT_SEED_TTL = Duration.days(1);

/**
 * Lever 4: container start -> `/health`. Shared memory, NCCL, caches, GPU
 * memory headroom, eager mode, probes sized from the model, and the pod memory
 * budget those imply.
 * @internal
 */
export class Runtime extends Lever {
  public readonly kind = LeverKind.RUNTIME;
  /** Resolved settings, for the model's public accessors. */
  public startupBudgetSeconds = 0;
  /** The port the engine listens on (the public port, or a loopback one behind sleep mode's proxy). */
  private enginePort = 0;
  /** Set when the compile cache is seeded: the seeding Job's ttlSecondsAfterFinished. */
  private seedTtlSeconds?: number;

  constructor(
    scope: Construct,
    id: string,
    context: LeverContext,
    private readonly engine: Engine,
    private readonly options: RuntimeOptions,
    private readonly adapters?: LoraAdaptersOptions,
  ) {
    super(scope, id, context);
    // Above 0.8 is a rule (CS-RT-001) that can be suppressed with a reason; outside (0, 1) is never valid.
    const util = options.gpuMemoryUtilization;
    if (util !== undefined && !(typeof util === 'number' && util > 0 && util < 1)) {
      fail(this, 'CS-RT-001', `gpuMemoryUtilization ${util} is not a fraction in (0, 1)`,
        `use ${DEFAULT_GPU_MEMORY_UTILIZATION} (the safe default) or at most ${GPU_MEMORY_UTILIZATION_CEILING}`);
    }
    const engineMemory = options.engineMemory ? positiveBytes('runtime.engineMemory', options.engineMemory, (p, x) => fail(this, 'CS-SHM-002', p, x)) : undefined;
    if (options.shmSize !== undefined) positiveBytes('runtime.shmSize', options.shmSize, (p, x) => fail(this, 'CS-SHM-001', p, x));
    if (options.memoryLimit !== undefined) positiveBytes('runtime.memoryLimit', options.memoryLimit, (p, x) => fail(this, 'CS-SHM-002', p, x));
    if (engineMemory !== undefined && !(engineMemory >= engineMemoryBytes(context.gpu.count))) {
      fail(this, 'CS-SHM-002', `engineMemory ${options.engineMemory!.asString()} is below ${bytesToQuantity(engineMemoryBytes(context.gpu.count))}, what vLLM's processes take for ${context.gpu.count} GPU(s) and what rule CS-SHM-002 holds the pod to`,
        'drop runtime.engineMemory, or raise it');
    }
    if (options.startupBudget !== undefined) wholeSeconds('runtime.startupBudget', options.startupBudget, 1, MAX_STARTUP_BUDGET_SECONDS, (p, x) => fail(this, 'CS-IN-057', p, x));
    if (options.runAsRoot !== undefined && typeof options.runAsRoot !== 'boolean') {
      fail(this, 'CS-IN-059', `runtime.runAsRoot is ${typeof options.runAsRoot}, not a boolean`, 'pass true for an image that cannot run as another uid, or leave it out');
    }
    if (adapters !== undefined) {
      const sleepProxyImage = options.sleepMode?.proxyImage;
      checkAdapters(this, adapters, { servedModelName: context.servedModelName, sleepProxyImage, extraEnv: engine.extraEnv });
    }
    if (options.compileCacheSeed !== undefined) this.seedTtlSeconds = this.checkSeed(options);
    const cpu = options.cpu;
    if (cpu !== undefined && !(typeof cpu === 'number' && cpu > 0 && Number.isFinite(cpu))) {
      fail(this, 'CS-IN-009', `cpu ${cpu} is not a positive, finite number of cores`, 'set runtime.cpu to the cores per replica, e.g. 4');
    }
  }

  public contribute(pod: PodWriter): void {
    const o = this.options;
    const context = this.context;
    const production = context.profile.isProduction;

    // The module path works on old and new vllm-openai images alike; the
    // image's ENTRYPOINT changed between releases.
    pod.command(['python3', '-m', 'vllm.entrypoints.openai.api_server']);
    pod.port(context.port);
    this.enginePort = context.port;
    pod.arg('--model', pod.get(Facts.MODEL_PATH));
    pod.arg('--served-model-name', context.servedModelName);
    if (o.sleepMode) {
      this.enginePort = applySleepMode(this, pod, o.sleepMode, context.port, context.name, context.size.bytes).enginePort;
    }
    if (this.adapters) {
      const behindProxy = o.sleepMode !== undefined;
      const lora = applyLoraAdapters(this, pod, this.adapters, { publicPort: context.port, name: context.name, behindProxy });
      this.enginePort = lora.enginePort ?? this.enginePort;
    }
    pod.arg('--port', `${this.enginePort}`);
    pod.arg('--tensor-parallel-size', `${context.gpu.count}`);
    pod.arg('--gpu-memory-utilization', `${o.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION}`);
    const eager = o.enforceEager ?? !production;
    if (eager) pod.arg('--enforce-eager');
    // vllm/config/vllm.py OptimizationLevel.O0: no compile, no CUDA graphs.
    // The bare token works across vLLM's -O spellings.
    const compile = o.compile ?? production;
    if (!compile) pod.arg('-O0');
    const extraArgs = pod.withDetail('engine.extraArgs');
    for (const arg of this.engine.extraArgs) {
      // Engine.vllm refused any other shape.
      const m = EXTRA_ARG.exec(arg)!;
      try {
        extraArgs.arg(m[1], m[2]);
      } catch (e) {
        if (!(e instanceof BlueprintConflict)) throw e;
        fail(this, 'CS-IN-006', e.message, `drop ${m[1]} from extraArgs and use the typed prop that sets it`);
      }
    }

    if (!o.ncclCumemEnabled) pod.env('NCCL_CUMEM_ENABLE', '0');
    const extraEnv = pod.withDetail('engine.extraEnv');
    for (const [name, value] of Object.entries(this.engine.extraEnv)) {
      if (CACHE_LOCATIONS.has(name) && /^\/root(\/|$)/.test(posix.normalize(value))) {
        fail(this, 'CS-IN-088', `engine extraEnv ${name}=${value} puts a cache under /root, the image's HOME: the engine runs with HOME=${ENGINE_HOME} on the cache volume, `
          + 'and /root is unwritable to its non-root uid (and, as root, on the container disk that every wake starts empty)', `drop ${name}, or point it under ${ENGINE_HOME}`);
      }
      try {
        extraEnv.env(name, value);
      } catch (e) {
        if (!(e instanceof BlueprintConflict)) throw e;
        fail(this, 'CS-IN-006', e.message, `drop ${name} from extraEnv`);
      }
    }

    // /dev/shm: pods get 64 MB by default; NCCL needs more for tensor parallel.
    const shm = o.shmSize ?? DEFAULT_SHM;
    const shmBytes = bytesIn(shm);
    pod.volume(
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(bytesToQuantity(shmBytes)) } },
      { name: 'dshm', mountPath: '/dev/shm' });
    pod.memory(SHM_PURPOSE, shmBytes);

    const cache: CacheStorage = o.cache ?? (production ? CacheStorage.persistentVolumeClaim() : CacheStorage.emptyDir());
    const bound = cache._bind(this, context.name, context.maxReplicas);
    pod.volume(bound.volume, { name: bound.volume.name, mountPath: ENGINE_HOME });
    // Before the pod, and before a Job that runs it (Argo CD would otherwise wait on a Job whose claim comes in a later wave).
    if (bound.claim) pod.dependsOn(bound.claim);
    pod.env('HOME', ENGINE_HOME);
    // torch reads the user name (getpass.getuser) at import: USER answers it for a uid /etc/passwd does not know.
    pod.env('USER', 'vllm');
    // Explicit, so the compile cache sits at the same path in every pod whatever HOME the image sets.
    pod.env('VLLM_CACHE_ROOT', VLLM_CACHE_ROOT);

    // A Service named `vllm` would inject VLLM_PORT=tcp://... and vLLM refuses to start.
    pod.enableServiceLinks(false);

    pod.memory(ENGINE_PURPOSE, o.engineMemory ? bytesIn(o.engineMemory) : engineMemoryBytes(context.gpu.count));
    if (o.memoryLimit) pod.memoryLimit(bytesIn(o.memoryLimit));

    pod.resource('cpu', `${o.cpu ?? 4 * context.gpu.count}`);

    if (this.seedTtlSeconds !== undefined) {
      // KServe mounts a modelcar or LocalModelCache only into the InferenceService it admits: a Job would find no weights.
      if (pod.get(Facts.STORAGE_URI) !== undefined) {
        fail(this, 'CS-IN-068', 'runtime.compileCacheSeed with weights KServe delivers (modelcar, LocalModelCache): KServe mounts them only into the InferenceService, so a seeding Job would start without weights',
          'use a weight source the pod mounts itself (WeightSource.huggingFace, existingClaim, hostPathCache, prefetch, objectStorage), or drop compileCacheSeed');
      }
      pod.set(Facts.COMPILE_CACHE_SEEDED, true);
    }
    pod.set(Facts.EAGER, eager);
    pod.set(Facts.COMPILE, compile);
    pod.set(Facts.PERSISTENT_COMPILE_CACHE, bound.persistent);
    pod.set(Facts.WARMUP, o.warmup ?? true);
    pod.set(Facts.ENGINE_RUNS_AS_ROOT, o.runAsRoot === true);
  }

  /**
   * The seeding Job: the model pod with a script in place of the engine
   * command. It starts the engine with the model's args ("$@"), waits for
   * `/health` (vLLM answers only after compile and graph capture), writes a
   * marker named by the config on the cache volume and stops the engine. A
   * re-run of the same config exits at the marker; a new config gets a new Job
   * (Job templates are immutable) and a new marker.
   */
  public jobs(bp: PodBlueprint, assessment: ColdStartAssessment, after: readonly IConstruct[]): IConstruct[] {
    if (this.seedTtlSeconds === undefined) return [];
    const { image, args } = bp.engine;
    const config = shortHash(JSON.stringify([image, bp.command, args, bp.renderEnv(), bp.resources, bp.nodeSelector, bp.tolerations]));
    // Twice a start that compiles (the first run always does), on top of finding a node and pulling the image.
    const facts = { ...assessment.inputs.facts, persistentCompileCache: false, compileCacheSeeded: false };
    const cold = estimateColdStart({ ...assessment.inputs, facts });
    const d = assessment.detail;
    const job = renderEngineJob(this, 'CompileCacheSeed', bp, this.context, {
      name: `${this.context.name}-seed-${config}`,
      component: 'compile-cache-seeder',
      scriptName: 'seed-compile-cache',
      script: [
        'set -eu',
        'if [ -f "$CS_SEED_MARKER" ]; then echo "the compile cache holds this engine config already"; exit 0; fi',
        `${bp.command.map(shellWord).join(' ')} "$@" &`,
        'ENGINE=$!',
        'until python3 -c "$CS_HEALTH" "$CS_ENGINE_PORT" /health 4 2>/dev/null; do',
        '  if ! kill -0 "$ENGINE" 2>/dev/null; then S=0; wait "$ENGINE" || S=$?; echo "the engine exited ($S) before it was ready"; exit 1; fi',
        '  sleep 5',
        'done',
        'mkdir -p "$(dirname "$CS_SEED_MARKER")" && touch "$CS_SEED_MARKER"',
        'echo "compile cache seeded"',
        'kill -TERM "$ENGINE"; wait "$ENGINE" || true',
      ].join('\n'),
      env: [
        { name: 'CS_SEED_MARKER', value: `${VLLM_CACHE_ROOT}/.coldstart/seeded-${config}` },
        { name: 'CS_ENGINE_PORT', value: `${this.enginePort}` },
        { name: 'CS_HEALTH', value: HEALTH_SCRIPT },
      ],
      backoffLimit: 2,
      activeDeadlineSeconds: Math.max(MIN_SEED_SECONDS, Math.ceil(d.nodeCapacitySeconds + d.imagePullSeconds + 2 * cold.startupSeconds)),
      ttlSecondsAfterFinished: this.seedTtlSeconds,
      // A batch run: its script polls /health itself, and the Job's deadline bounds it where a probe would restart it.
      suppress: { 'CS-RT-004': 'the seeding Job waits for /health in its own script and is bounded by activeDeadlineSeconds, where a startup probe would only restart it' },
    });
    for (const dependency of after) job.node.addDependency(dependency);
    return [job];
  }

  /** A seed can only hit where the artifacts exist and every replica's node can read them. */
  private checkSeed(o: RuntimeOptions): number {
    const production = this.context.profile.isProduction;
    const seed = o.compileCacheSeed!;
    if (seed === null || typeof seed !== 'object') {
      fail(this, 'CS-IN-059', 'runtime.compileCacheSeed is not an options object', 'pass {} (or { ttlAfterFinished }) to seed the compile cache, or leave it out');
    }
    if ((o.enforceEager ?? !production) || !(o.compile ?? production)) {
      fail(this, 'CS-IN-068', 'runtime.compileCacheSeed with compile off (-O0 or --enforce-eager, the lab defaults): vLLM writes no compile artifacts to seed',
        'set runtime.compile: true and runtime.enforceEager: false (the production defaults), or drop compileCacheSeed');
    }
    const cache: CacheStorage = o.cache ?? (production ? CacheStorage.persistentVolumeClaim() : CacheStorage.emptyDir());
    if (cache._sharedAcrossNodes === false) {
      fail(this, 'CS-IN-068', 'runtime.compileCacheSeed with an engine cache that is node-local or ReadWriteOnce: the seeding Job and the replicas run on different nodes (and at different times), so they could not share the artifacts',
        'use runtime.cache: CacheStorage.persistentVolumeClaim({ accessMode: CacheAccessMode.READ_WRITE_MANY, storageClassName: <an RWX class> }) or an existing ReadWriteMany claim');
    }
    return seed.ttlAfterFinished === undefined ? DEFAULT_SEED_TTL.toSeconds()
      : wholeSeconds('runtime.compileCacheSeed.ttlAfterFinished', seed.ttlAfterFinished, 0, INT32_MAX, (p, x) => fail(this, 'CS-IN-057', p, x));
  }

  /** Probes last: the startup budget is sized from the estimate of the whole pod. */
  public complete(pod: PodWriter, estimate: EstimateDetail): void {
    const o = this.options;
    const context = this.context;
    const budget = o.startupBudget ?? startupBudget(estimate.slow.startupSeconds, PROBE_PERIOD_SECONDS);
    this.startupBudgetSeconds = budget.toSeconds();
    if (this.startupBudgetSeconds > MAX_STARTUP_BUDGET_SECONDS) {
      fail(this, 'CS-IN-057', `the startup budget derived from the estimate is ${this.startupBudgetSeconds} s, above ${MAX_STARTUP_BUDGET_SECONDS} s`,
        'check estimate.bandwidths (a rate far too low?) and the model size, or set runtime.startupBudget');
    }
    // Written on the object so CS-RT-004 can hold the probe to it without reading props.
    pod.annotation(EXPECTED_STARTUP_ANNOTATION, `${Math.ceil(estimate.startupSeconds)}`);
    // Straight to the engine, never through sleep mode's proxy: a proxy failure must restart the proxy, not
    // the engine (a full cold start). Behind the proxy the engine is on loopback, out of the kubelet's reach,
    // so its probes run inside the container; otherwise it serves the public port the kubelet calls.
    const direct = this.enginePort === context.port;
    const health: k8s.Probe = direct
      ? { httpGet: { path: HEALTH_PATH, port: k8s.IntOrString.fromNumber(context.port) } }
      : { exec: { command: healthProbe(this.enginePort, HEALTH_PATH, HEALTH_TIMEOUT_SECONDS - 1) } };
    const failureThreshold = Math.ceil(this.startupBudgetSeconds / PROBE_PERIOD_SECONDS);
    const warmup = { command: warmupProbe(this.enginePort, context.servedModelName, WARMUP_TIMEOUT_SECONDS - 2) };
    pod.probes({
      startup: pod.get(Facts.WARMUP)
        ? { exec: warmup, periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: WARMUP_TIMEOUT_SECONDS, failureThreshold }
        : merged(health, { periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: HEALTH_TIMEOUT_SECONDS, failureThreshold }),
      readiness: merged(health, { periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: HEALTH_TIMEOUT_SECONDS, failureThreshold: 3 }),
      liveness: merged(health, { periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 }),
    });
  }
}
