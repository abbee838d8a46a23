import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CacheStorage } from './cache-storage';
import { RuntimeOptions } from './runtime-options';
import { applySleepMode } from './sleep-mode';
import { startupBudget } from './startup-budget';
import { warmupProbe } from './warmup';
import { EXPECTED_STARTUP_ANNOTATION } from '../../private/annotations';
import { BlueprintConflict, PodBlueprint } from '../../blueprint';
import { Engine } from '../../engine';
import { fail } from '../../private/errors';
import { EXTRA_ARG } from '../../private/extra-args';
import { estimateColdStart, EstimateDetail } from '../../estimate/estimate';
import { EstimateOptions } from '../../estimate/estimate-options';
import { validateEstimateOptions } from '../../estimate/validate';
import { bytesToQuantity, GIB } from '../../private/quantity';
import { Lever, LeverContext } from '../lever';

/** @internal */
export interface RuntimeProps {
  readonly engine: Engine;
  readonly options: RuntimeOptions;
  readonly maxReplicas: number;
  readonly estimate?: EstimateOptions;
}

/** Above this vLLM has too little headroom on wake (FACTS: <= 0.8, 0.6 safe); rule CS-RT-001 enforces it. */
const GPU_MEMORY_UTILIZATION_CEILING = 0.8;
const DEFAULT_GPU_MEMORY_UTILIZATION = 0.6;
const DEFAULT_SHM = Size.gibibytes(16);
const PROBE_PERIOD_SECONDS = 10;
const HEALTH_PATH = '/health';
const VLLM_CACHE_ROOT = '/root/.cache/vllm';
/** A first forward pass can be slow on a cold GPU; the probe waits this long for its one token. */
const WARMUP_TIMEOUT_SECONDS = 30;

/**
 * Lever 4: container start -> `/health`. Shared memory, NCCL, caches, GPU
 * memory headroom, eager mode, probes sized from the model, and the pod memory
 * budget those imply.
 * @internal
 */
export class Runtime extends Lever {
  /** Resolved settings, for the model's public accessors and the report. */
  public startupBudgetSeconds = 0;
  public eager = false;
  /** The cold-start estimate, once the pod is complete. */
  public estimate?: EstimateDetail;
  /** The port the engine listens on (the public port, or a loopback one behind sleep mode's proxy). */
  private enginePort = 0;

  constructor(scope: Construct, id: string, private readonly props: RuntimeProps) {
    super(scope, id);
    // Above 0.8 is a rule (CS-RT-001) that can be suppressed with a reason; outside (0, 1) is never valid.
    const util = props.options.gpuMemoryUtilization;
    if (util !== undefined && !(util > 0 && util < 1)) {
      fail(this, 'CS-RT-001', `gpuMemoryUtilization ${util} is not a fraction in (0, 1)`,
        `use ${DEFAULT_GPU_MEMORY_UTILIZATION} (the safe default) or at most ${GPU_MEMORY_UTILIZATION_CEILING}`);
    }
    const cpu = props.options.cpu;
    if (cpu !== undefined && !(cpu > 0)) {
      fail(this, 'CS-IN-009', `cpu ${cpu} is not a positive number of cores`, 'set runtime.cpu to the cores per replica, e.g. 4');
    }
    validateEstimateOptions(this, props.estimate);
  }

  public contribute(blueprint: PodBlueprint, context: LeverContext): void {
    const o = this.props.options;
    const lever = this.leverName;
    const production = context.profile.isProduction;

    if (blueprint.modelPath === undefined) {
      throw new Error(`${this.node.path}: no weight source set the model path`);
    }
    // The module path works on old and new vllm-openai images alike; the
    // image's ENTRYPOINT changed between releases.
    blueprint.command = ['python3', '-m', 'vllm.entrypoints.openai.api_server'];
    blueprint.port = context.port;
    this.enginePort = context.port;
    blueprint.addArg(lever, '--model', blueprint.modelPath);
    blueprint.addArg(lever, '--served-model-name', context.servedModelName);
    if (o.sleepMode) {
      this.enginePort = applySleepMode(this, lever, blueprint, o.sleepMode, context.port, context.name, context.size.bytes).enginePort;
    }
    blueprint.addArg(lever, '--port', `${this.enginePort}`);
    blueprint.addArg(lever, '--tensor-parallel-size', `${context.gpuCount}`);
    blueprint.addArg(lever, '--gpu-memory-utilization', `${o.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION}`);
    this.eager = o.enforceEager ?? !production;
    if (this.eager) blueprint.addArg(lever, '--enforce-eager');
    // FACTS: -O0 skips torch.compile. The bare token works across vLLM's -O spellings.
    if (!(o.compile ?? production)) blueprint.addArg(lever, '-O0');
    for (const arg of this.props.engine.extraArgs) {
      // Engine.vllm refused any other shape.
      const m = EXTRA_ARG.exec(arg)!;
      try {
        blueprint.addArg(`${lever} (engine.extraArgs)`, m[1], m[2]);
      } catch (e) {
        if (!(e instanceof BlueprintConflict)) throw e;
        fail(this, 'CS-IN-006', e.message, `drop ${m[1]} from extraArgs and use the typed prop that sets it`);
      }
    }

    if (!o.ncclCumemEnabled) blueprint.addEnv(lever, 'NCCL_CUMEM_ENABLE', '0');
    for (const [name, value] of Object.entries(this.props.engine.extraEnv)) {
      try {
        blueprint.addEnv(`${lever} (engine.extraEnv)`, name, value);
      } catch (e) {
        if (!(e instanceof BlueprintConflict)) throw e;
        fail(this, 'CS-IN-006', e.message, `drop ${name} from extraEnv`);
      }
    }

    // /dev/shm: pods get 64 MB by default; NCCL needs more for tensor parallel.
    const shm = o.shmSize ?? DEFAULT_SHM;
    const shmBytes = shm.toKibibytes() * 1024;
    if (!(shmBytes > 0)) fail(this, 'CS-SHM-001', `shmSize ${shm.asString()} is not positive`, 'use Size.gibibytes(16)');
    blueprint.addVolume(lever,
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(bytesToQuantity(shmBytes)) } },
      { name: 'dshm', mountPath: '/dev/shm' });
    blueprint.addMemory({ purpose: '/dev/shm tmpfs (Memory emptyDir sizeLimit)', bytes: shmBytes, lever });

    const cache: CacheStorage = o.cache ?? (production ? CacheStorage.persistentVolumeClaim() : CacheStorage.emptyDir());
    const bound = cache._bind(this, context.name, this.props.maxReplicas);
    blueprint.addVolume(lever, bound.volume, { name: bound.volume.name, mountPath: '/root/.cache' });
    // Explicit, so the compile cache sits at the same path in every pod whatever HOME the image sets.
    blueprint.addEnv(lever, 'VLLM_CACHE_ROOT', VLLM_CACHE_ROOT);

    // A Service named `vllm` would inject VLLM_PORT=tcp://... and vLLM refuses to start.
    blueprint.enableServiceLinks = false;

    const engineBytes = o.engineMemory ? o.engineMemory.toKibibytes() * 1024 : (8 + 2 * (context.gpuCount - 1)) * GIB;
    blueprint.addMemory({ purpose: 'engine processes (API server, engine core, one worker per GPU)', bytes: engineBytes, lever });
    if (o.memoryLimit) blueprint.overrideMemory(o.memoryLimit.toKibibytes() * 1024);

    const cpu = `${o.cpu ?? 4 * context.gpuCount}`;
    blueprint.requests.cpu = cpu;
    blueprint.limits.cpu = cpu;

    blueprint.coldStart.eager = this.eager;
    blueprint.coldStart.persistentCompileCache = bound.persistent;
  }

  /** Probes last: the startup budget depends on what every lever did. */
  public complete(blueprint: PodBlueprint, context: LeverContext): void {
    const o = this.props.options;
    const warmup = o.warmup ?? true;
    blueprint.coldStart.warmup = warmup;
    // Every lever has set its cold-start facts by now (contribute pass).
    this.estimate = estimateColdStart({ weightBytes: context.size.bytes, facts: blueprint.coldStart, options: this.props.estimate });
    const budget = o.startupBudget ?? startupBudget(this.estimate.startupSeconds, PROBE_PERIOD_SECONDS);
    this.startupBudgetSeconds = budget.toSeconds();
    // Written on the object so CS-RT-004 can hold the probe to it without reading props.
    blueprint.addAnnotation(this.leverName, EXPECTED_STARTUP_ANNOTATION, `${Math.ceil(this.estimate.startupSeconds)}`);
    // Through the public port: behind sleep mode's proxy the engine is on loopback, out of the kubelet's reach.
    const httpGet = { path: HEALTH_PATH, port: k8s.IntOrString.fromNumber(context.port) };
    const failureThreshold = Math.ceil(this.startupBudgetSeconds / PROBE_PERIOD_SECONDS);
    blueprint.startupProbe = warmup
      ? { exec: { command: warmupProbe(this.enginePort, context.servedModelName, WARMUP_TIMEOUT_SECONDS - 2) }, periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: WARMUP_TIMEOUT_SECONDS, failureThreshold }
      : { httpGet, periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold };
    blueprint.readinessProbe = { httpGet, periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold: 3 };
    blueprint.livenessProbe = { httpGet, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 5 };
  }
}
