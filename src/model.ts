import { ApiObject, Duration, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Aspects } from './aspects/aspects';
import { RuleSuppressions } from './aspects/suppressions';
import { Backend } from './backends/backend';
import { BlueprintConflict, Pass, PodBlueprint } from './blueprint';
import { Engine } from './engine';
import { ColdStartReportWriter } from './estimate/cold-start-report';
import { assessColdStart } from './estimate/estimate';
import { ColdStartEstimate, EstimateOptions } from './estimate/estimate-options';
import { coldStartFactsOf } from './estimate/facts';
import { captureSizesOf } from './estimate/shape';
import { validateEstimateOptions } from './estimate/validate';
import { GpuOptions } from './gpu';
import { CapacityOptions } from './levers/capacity/capacity-options';
import { NodeCapacity } from './levers/capacity/node-capacity';
import { PreWarmSchedule } from './levers/capacity/pre-warm';
import { ImagePull } from './levers/image/image-pull';
import { ImagePullOptions } from './levers/image/image-pull-options';
import { Lever, LeverContext } from './levers/lever';
import { LoraAdaptersOptions } from './levers/runtime/lora-adapters';
import { Runtime } from './levers/runtime/runtime';
import { RuntimeOptions } from './levers/runtime/runtime-options';
import { WeightLoad } from './levers/weights/weight-load';
import { WeightSource } from './levers/weights/weight-source';
import { ModelSize } from './model-size';
import { ColdStartBaseline } from './packs/baseline';
import { requireNoCredential } from './private/credentials';
import { fail } from './private/errors';
import { EXPANSION_SYNTAX } from './private/expansion';
import { resolveGpu } from './private/gpu';
import { INT32_MAX } from './private/k8s-names';
import { memoryShortfall, readableBytes } from './private/memory-budget';
import { applyArgoSyncWaves } from './private/sync-waves';
import { Profile } from './profile';

/**
 * Replica bounds.
 */
export interface ScalingOptions {
  /**
   * Replica floor. 0 scales to zero: every wake is a cold start.
   * @default - 0 in lab, 1 in production
   */
  readonly minReplicas?: number;

  /**
   * Replica ceiling.
   * @default 1
   */
  readonly maxReplicas?: number;

  /**
   * Hold warm capacity in known busy hours and let it go after: the replica
   * floor (`replicas`) and/or the warm buffer (`warmNodes`) rise while a
   * window is open, through KEDA's cron scaler. The cold-start report prints
   * the GPU-hours a week it holds next to the wake it avoids.
   * @default - no schedule: the floor and the buffer stay as set
   */
  readonly preWarm?: PreWarmSchedule;
}

/**
 * Props of a {@link ColdStartOptimizedModel}.
 */
export interface ColdStartOptimizedModelProps {
  /**
   * The name clients send in the OpenAI `model` field (`--served-model-name`).
   * White space, `$(` and `$$` are refused: the kubelet would rewrite the
   * last two in the engine's args.
   */
  readonly servedModelName: string;

  /**
   * Where the weights come from (lever 1).
   */
  readonly weights: WeightSource;

  /**
   * The inference engine and its digest-pinned image (lever 2).
   */
  readonly engine: Engine;

  /**
   * Size of the weights: drives the startup budget and the streamer buffer.
   */
  readonly size: ModelSize;

  /**
   * GPUs per replica and the nodes that have them (lever 3).
   */
  readonly gpu: GpuOptions;

  /**
   * Environment and cloud: the defaults of every lever.
   * @default Profile.lab()
   */
  readonly profile?: Profile;

  /**
   * How the model is served.
   * @default Backend.kserveKnative()
   */
  readonly backend?: Backend;

  /**
   * Name of the model's Kubernetes objects (a DNS-1035 label of at most 45
   * characters: KServe and Knative append suffixes up to the 63 limit).
   * @default - the construct id, lower-cased
   */
  readonly name?: string;

  /**
   * Replica bounds.
   * @default - see ScalingOptions
   */
  readonly scaling?: ScalingOptions;

  /**
   * Node 0->1 settings (lever 3).
   * @default - a PriorityClass at 1000 created by the library
   */
  readonly capacity?: CapacityOptions;

  /**
   * Runtime knobs (lever 4).
   * @default - the profile's defaults
   */
  readonly runtime?: RuntimeOptions;

  /**
   * Add the `ColdStartBaseline` rule pack, for this model's profile, to the
   * app, so `cdk8s synth` refuses any object in it that breaks a cold-start
   * invariant. Turn it off only to add packs per scope yourself.
   * @default true
   */
  readonly enforceBaseline?: boolean;

  /**
   * Annotate every object the model depends on (LocalModelCache, node group,
   * loader Job, claims) with an Argo CD `argocd.argoproj.io/sync-wave` below
   * the workload's (0): Argo CD then creates them, and waits for them to be
   * healthy (a Job: complete), before the model. `cdk8s synth` orders the
   * manifests the same way either way.
   * @default false
   */
  readonly argoCdSyncWaves?: boolean;

  /**
   * Inputs of the cold-start estimate the configuration cannot tell: measured
   * bandwidths, the engine image size, node provisioning time.
   * @default - the published figures (README, "Cold-start estimate")
   */
  readonly estimate?: EstimateOptions;

  /**
   * Image-pull settings (lever 2): pre-pull DaemonSet, GKE image streaming
   * and secondary boot disks, EKS image snapshot.
   * @default - pre-pull in production; no cloud accelerator
   */
  readonly imagePull?: ImagePullOptions;

  /**
   * LoRA adapters of this model's weights (`--enable-lora`), from a volume:
   * preloaded at startup, and/or loaded on the first request that names one,
   * so a new fine-tune is served by a running replica instead of a model of
   * its own with its own cold start.
   * @default - no LoRA
   */
  readonly adapters?: LoraAdaptersOptions;
}

const MAX_NAME = 45;

/**
 * An LLM served by vLLM with all four cold-start levers applied: weight load,
 * image pull, node 0->1 and runtime. Each lever is a child construct writing
 * into one pod blueprint; the backend renders the blueprint.
 */
export class ColdStartOptimizedModel extends Construct {
  /** Name of the model's objects. */
  public readonly name: string;
  /** The profile in force. */
  public readonly profile: Profile;
  /** The served object (an InferenceService for the KServe backends): the model's default child (id `Resource`), so `ApiObject.of(model)` returns it. */
  public readonly workload: ApiObject;
  /** The PriorityClass the model pod runs at. */
  public readonly priorityClassName: string;
  /** Memory request and limit of the model container. */
  public readonly memoryLimit: Size;
  /** Time the startup probe allows from container start to `/health`. */
  public readonly startupBudget: Duration;
  /** Replica floor. */
  public readonly minReplicas: number;
  /** Replica ceiling. */
  public readonly maxReplicas: number;
  /** The cold-start estimate: seconds per lever, total and physical limit. */
  public readonly estimate: ColdStartEstimate;

  constructor(scope: Construct, id: string, props: ColdStartOptimizedModelProps) {
    super(scope, id);
    requireProps(this, props);
    this.profile = props.profile ?? Profile.lab();
    const backend = props.backend ?? Backend.kserveKnative();
    this.name = props.name ?? id.toLowerCase();
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(this.name) || this.name.length > MAX_NAME) {
      fail(this, 'CS-IN-001', `name "${this.name}" is not a DNS-1035 label of at most ${MAX_NAME} characters`, 'pass props.name with lower-case letters, digits and dashes, starting with a letter');
    }
    if (typeof props.servedModelName !== 'string' || !props.servedModelName.trim()) {
      fail(this, 'CS-IN-020', `servedModelName is ${typeof props.servedModelName === 'string' ? 'empty' : 'not a string'}; clients could not address the model`, 'set servedModelName to the name clients send, e.g. "qwen2.5-0.5b-instruct"');
    }
    if (/\s/.test(props.servedModelName)) {
      fail(this, 'CS-IN-020', `servedModelName "${props.servedModelName}" contains white space`, 'use a name without spaces');
    }
    // Refused, not escaped: a name is what clients send, and one that needs a
    // `$(` is far likelier a reference meant to expand (a Secret into /v1/models).
    if (EXPANSION_SYNTAX.test(props.servedModelName)) {
      fail(this, 'CS-IN-055', `servedModelName "${props.servedModelName}" contains $( or $$, which the kubelet rewrites in the engine's args ($(NAME) becomes the value of env var NAME, a Secret's included)`,
        'use a plain name such as "qwen2.5-0.5b-instruct"');
    }
    // The name is an engine arg and what /v1/models lists: a token there is a credential in clear text.
    requireNoCredential(this, props.servedModelName, 'servedModelName');

    // Lab scales to zero where the backend can wake the model again; elsewhere 1.
    this.minReplicas = props.scaling?.minReplicas ?? (this.profile.isProduction || !backend._wakesFromZero ? 1 : 0);
    this.maxReplicas = props.scaling?.maxReplicas ?? Math.max(1, this.minReplicas);
    const { minReplicas: min, maxReplicas: max } = this;
    // Both land in int32 fields (InferenceService min/maxReplicas, Deployment replicas, KEDA counts).
    if (!Number.isInteger(min) || min < 0 || !Number.isInteger(max) || max < 1 || max < min || max > INT32_MAX) {
      fail(this, 'CS-IN-007', `replicas min ${this.minReplicas} / max ${this.maxReplicas} are not integers with 0 <= min <= max and 1 <= max <= ${INT32_MAX}`, 'fix scaling.minReplicas and scaling.maxReplicas');
    }
    if (min === 0 && !backend._wakesFromZero) {
      fail(this, 'CS-IN-053', 'scaling.minReplicas is 0, but nothing in this backend wakes the model when a request arrives: it would stay at zero',
        'use Backend.kserveKnative() (Knative holds the request and starts a pod) or Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn() }) (the KEDA HTTP add-on does) to scale to zero, or set scaling.minReplicas to 1');
    }

    const preWarm = checkPreWarm(this, props.scaling?.preWarm, backend, min, max);

    validateEstimateOptions(this, props.estimate);
    const context: LeverContext = {
      name: this.name,
      servedModelName: props.servedModelName,
      profile: this.profile,
      size: props.size,
      gpu: resolveGpu(this, props.gpu),
      port: backend._port,
      engineImage: props.engine?.image,
      minReplicas: this.minReplicas,
      maxReplicas: this.maxReplicas,
      preWarm,
    };

    // Construct every lever first (constructor checks run before any output),
    // in the order they contribute: a lever reads only facts of levers before
    // it in a pass (the blueprint throws otherwise). Capacity goes first:
    // weight and image side objects mirror the pod's nodes.
    const capacity = new NodeCapacity(this, 'NodeCapacity', context, props.capacity ?? {});
    const runtime = new Runtime(this, 'Runtime', context, props.engine, props.runtime ?? {}, props.adapters);
    const levers: Lever[] = [
      capacity,
      new WeightLoad(this, 'WeightLoad', context, props.weights),
      new ImagePull(this, 'ImagePull', context, props.imagePull ?? {}),
      runtime,
    ];
    const blueprint = new PodBlueprint();
    const own = blueprint.modelWriter(this);
    own.label('app.kubernetes.io/name', this.name);
    own.label('app.kubernetes.io/component', 'model-server');
    own.label('app.kubernetes.io/managed-by', 'cdk8s-coldstart');

    // contribute -> estimate -> complete -> render
    const writers = new Map(levers.map(lever => [lever, blueprint.writer(lever)]));
    this.pass(levers, lever => lever.contribute(writers.get(lever)!), blueprint, Pass.CONTRIBUTE);
    blueprint.advance(Pass.COMPLETE);
    const assessment = assessColdStart({
      weightBytes: props.size.bytes,
      facts: coldStartFactsOf(blueprint),
      options: props.estimate,
      shape: {
        parameters: props.size.parameters,
        tensorParallel: props.gpu.count,
        podCpus: props.runtime?.cpu ?? 4 * props.gpu.count,
        captureSizes: captureSizesOf(props.engine.extraArgs),
      },
    });
    this.pass(levers, lever => lever.complete(writers.get(lever)!, assessment.detail), blueprint, Pass.COMPLETE);
    blueprint.advance('render');
    this.checkMemory(blueprint);

    this.priorityClassName = capacity.priorityClassName;
    this.startupBudget = Duration.seconds(runtime.startupBudgetSeconds);
    this.estimate = publicEstimate(assessment.detail);
    this.memoryLimit = Size.mebibytes(Math.ceil(blueprint.memoryLimit / 1024 ** 2));
    // Deadlines hold the slow case: a wake that takes the slow end of every lever must still make it.
    const wakeSeconds = assessment.detail.slow.nodeCapacitySeconds + assessment.detail.slow.imagePullSeconds + runtime.startupBudgetSeconds;
    // Before the backend renders: the Jobs render the same pod, and the backend's rendering must be the last word on it.
    const jobs: IConstruct[] = [];
    for (const lever of levers) jobs.push(...lever.jobs(blueprint, assessment, [...blueprint.dependencies, ...jobs]));
    this.workload = backend._render(this, {
      name: this.name, minReplicas: this.minReplicas, maxReplicas: this.maxReplicas, wakeSeconds, preWarm,
    }, blueprint);
    for (const dependency of [...blueprint.dependencies, ...jobs]) this.workload.node.addDependency(dependency);
    if (props.argoCdSyncWaves) applyArgoSyncWaves(this.workload);
    if (props.enforceBaseline ?? true) {
      this.enforceBaseline();
      // A documented choice, listed in the report: the README's Pod Security table says where and why.
      if (blueprint.engineRootReason) RuleSuppressions.add(this.workload, [{ id: 'CS-SEC-004', reason: `the engine runs as root: ${blueprint.engineRootReason}` }]);
    }
    ColdStartReportWriter.of(this.node.root)
      .add({ path: this.node.path, name: this.name, assessment, startupBudgetSeconds: runtime.startupBudgetSeconds });
  }

  /** Runs one pass over every lever; a conflict between two levers names the lever that met it. */
  private pass(levers: Lever[], run: (lever: Lever) => void, blueprint: PodBlueprint, pass: Pass): void {
    for (const lever of levers) {
      try {
        run(lever);
      } catch (e) {
        if (!(e instanceof BlueprintConflict)) throw e;
        fail(lever, 'CS-IN-006', e.message, 'set each value in one place only');
      }
      blueprint.finish(lever.kind, pass);
    }
  }

  /** One pack per app, for one profile: a second profile cannot be checked by the same pack. */
  private enforceBaseline(): void {
    const root = this.node.root;
    const { environment, cloud } = this.profile;
    const existing = Aspects.of(root).all.find((a): a is ColdStartBaseline => a instanceof ColdStartBaseline);
    if (!existing) {
      Aspects.of(root).add(new ColdStartBaseline({ environment, cloud: cloud.provider, region: cloud.region }));
    } else if (existing.environment !== environment || existing.cloud !== cloud.provider || existing.region !== cloud.region) {
      const where = (cloudName: string, region?: string) => (region ? `${cloudName}/${region}` : cloudName);
      fail(this, 'CS-IN-010', `this app's ColdStartBaseline pack checks ${existing.environment}/${where(existing.cloud, existing.region)} but this model's profile is ${environment}/${where(cloud.provider, cloud.region)}`,
        'synthesize models with different profiles in separate Apps, or set enforceBaseline: false on them and add a ColdStartBaseline per chart: Aspects.of(chart).add(new ColdStartBaseline({ environment, cloud }))');
    }
  }

  /** A pinned memory limit must still cover the pod's need (the same math as rule CS-SHM-002). */
  private checkMemory(bp: PodBlueprint): void {
    if (!bp.memoryOverridden) return;
    const short = memoryShortfall(bp.memoryLimit, bp.memoryItems);
    if (short) fail(this, 'CS-SHM-002', short.problem, `raise runtime.memoryLimit to at least ${readableBytes(short.need)}, or lower runtime.shmSize`);
  }
}

/**
 * The schedule's replica windows against the floor, the ceiling and what the
 * backend can carry; `warmNodes` is the capacity lever's to check.
 */
function checkPreWarm(
  scope: Construct, schedule: PreWarmSchedule | undefined, backend: Backend, min: number, max: number,
): PreWarmSchedule | undefined {
  if (schedule === undefined) return undefined;
  if (!(schedule instanceof PreWarmSchedule)) {
    fail(scope, 'CS-IN-065', 'scaling.preWarm is not a PreWarmSchedule', 'pass PreWarmSchedule.daily({...}) or PreWarmSchedule.cron({...})');
  }
  const raising = schedule._windows.filter(w => w.replicas !== undefined);
  const refusal = backend._preWarmRefusal;
  if (raising.length && refusal !== undefined) {
    fail(scope, 'CS-IN-067', `scaling.preWarm raises the replica floor, but ${refusal}`,
      'raise the warm buffer instead (warmNodes: held GPU nodes, which this backend allows), or serve with Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn() }), whose ScaledObject carries the schedule');
  }
  for (const w of raising) {
    // The HPA KEDA writes clamps at maxReplicaCount; at or below the floor the window changes nothing.
    if (w.replicas! <= min || w.replicas! > max) {
      fail(scope, 'CS-IN-066', `scaling.preWarm window "${w.start}" -> "${w.end}" holds ${w.replicas} replicas, outside (${min}, ${max}]: ${w.replicas! <= min ? 'at or below the floor it holds nothing' : 'KEDA never scales above maxReplicas'}`,
        `set replicas above scaling.minReplicas (${min}) and at most scaling.maxReplicas (${max}), or raise scaling.maxReplicas`);
    }
  }
  return schedule;
}

/** Only the public fields: the detail stays internal. */
function publicEstimate(d: ColdStartEstimate): ColdStartEstimate {
  return {
    weightLoadSeconds: d.weightLoadSeconds,
    imagePullSeconds: d.imagePullSeconds,
    nodeCapacitySeconds: d.nodeCapacitySeconds,
    runtimeSeconds: d.runtimeSeconds,
    startupSeconds: d.startupSeconds,
    totalSeconds: d.totalSeconds,
    physicalLimitSeconds: d.physicalLimitSeconds,
    slowestLinkBytesPerSecond: d.slowestLinkBytesPerSecond,
    weightLoadRange: d.weightLoadRange,
    imagePullRange: d.imagePullRange,
    nodeCapacityRange: d.nodeCapacityRange,
    runtimeRange: d.runtimeRange,
    startupRange: d.startupRange,
    totalRange: d.totalRange,
  };
}

/**
 * The props TypeScript cannot check for a caller in another jsii language
 * (or plain JavaScript), where any of them can be null or of another type.
 */
function requireProps(scope: Construct, props: ColdStartOptimizedModelProps): void {
  const missing = (what: string, fix: string): never => fail(scope, 'CS-IN-059', `${what} is missing or not of its type`, fix);
  if (props === null || typeof props !== 'object') missing('props', 'pass ColdStartOptimizedModelProps with servedModelName, engine, weights, size and gpu');
  const p = props as any;
  if (typeof p.engine?.image !== 'string' || !Array.isArray(p.engine?.extraArgs)) missing('props.engine', 'pass Engine.vllm({ image: "vllm/vllm-openai@sha256:..." })');
  if (typeof p.weights?._bind !== 'function') missing('props.weights', 'pass a WeightSource, e.g. WeightSource.modelcar(...)');
  if (typeof p.size?.bytes !== 'number') missing('props.size', 'pass ModelSize.fromParameters(...) or ModelSize.of(Size.gibibytes(...))');
  if (p.gpu === null || typeof p.gpu !== 'object') missing('props.gpu', 'pass { count: 1 } (GPUs per replica)');
  for (const key of ['profile', 'backend', 'scaling', 'capacity', 'imagePull', 'runtime', 'estimate', 'adapters']) {
    if (p[key] !== undefined && (p[key] === null || typeof p[key] !== 'object')) missing(`props.${key}`, `leave props.${key} out for its default, or pass one`);
  }
  // Read by truthiness, a 0 or '' would switch the baseline pack off unasked, and a 'false' would leave it on.
  for (const key of ['enforceBaseline', 'argoCdSyncWaves']) {
    if (p[key] !== undefined && typeof p[key] !== 'boolean') missing(`props.${key}`, `pass true or false, or leave props.${key} out for its default`);
  }
}
