import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { FactKey, Facts as ALL_FACTS, LeverKind, Pass, stageOf } from './facts';
import { escapeExpansion } from '../private/expansion';
import { redact, showValue } from '../private/redact';
import { settingOf } from '../private/vllm-argv';

/**
 * One line of the pod memory budget. The memory request and limit are the sum
 * of every line, so each lever that costs host RAM says so here.
 * @internal
 */
export interface MemoryItem {
  /** What the memory is for, e.g. `/dev/shm tmpfs`. */
  readonly purpose: string;
  /** Bytes. */
  readonly bytes: number;
  /** The lever that added it. */
  readonly lever: string;
}

/**
 * Two levers set the same thing to different values.
 * @internal
 */
export class BlueprintConflict extends Error {}

/** The pod's probes; the runtime lever sets all three at once. @internal */
export interface Probes {
  readonly startup: k8s.Probe;
  readonly readiness: k8s.Probe;
  readonly liveness: k8s.Probe;
}

/** Where the pod runs: what side objects (buffers, DaemonSets) must mirror. @internal */
export interface Scheduling {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly k8s.Toleration[];
  /** Container resources other than memory, request = limit (GPUs, cpu). */
  readonly resources: Readonly<Record<string, string>>;
}

type Phase = Pass | 'render';

/** One engine flag: `values` when it takes several elements (the flag, then each value). */
interface ArgEntry {
  readonly flag: string;
  /** The value, or the values joined by spaces (how conflicts show them). */
  readonly value?: string;
  readonly values?: readonly string[];
  readonly lever: string;
}
const ORDER: Phase[] = [Pass.CONTRIBUTE, Pass.COMPLETE, 'render'];

/** The facts a lever must write in one pass, by stage; the same for every model, so grouped once. */
let REQUIRED: Map<string, FactKey<unknown>[]> | undefined;
function requiredFacts(stage: string): readonly FactKey<unknown>[] {
  if (!REQUIRED) {
    REQUIRED = new Map();
    for (const key of Object.values(ALL_FACTS) as FactKey<unknown>[]) {
      if (key.fallback !== 'required') continue;
      const keys = REQUIRED.get(key.stage) ?? [];
      keys.push(key);
      REQUIRED.set(key.stage, keys);
    }
  }
  return REQUIRED.get(stage) ?? [];
}

/**
 * The model pod as plain data: what every lever contributed, with the merge
 * rules that keep two levers from silently overwriting each other. Levers
 * write only through a {@link PodWriter} (every write is conflict-checked);
 * backends read it once the passes are over. Contains no cdk8s objects.
 * @internal
 */
export class PodBlueprint {
  /**
   * Why the rendered engine runs as root (the backend's renderer decides),
   * or undefined when it runs as a non-root uid. Read after rendering.
   */
  public engineRootReason: string | undefined;

  private phase: Phase = Pass.CONTRIBUTE;
  private readonly scalars = new Map<string, { value: unknown; lever: string }>();
  /** Keyed by the setting (settingOf), so two spellings of one setting conflict. */
  private readonly args = new Map<string, ArgEntry>();
  private readonly envs = new Map<string, { value?: string; valueFrom?: k8s.EnvVarSource; lever: string }>();
  private readonly inits = new Map<string, { container: k8s.Container; lever: string }>();
  private readonly vols = new Map<string, { volume: k8s.Volume; lever: string }>();
  private readonly mounts = new Map<string, { mount: k8s.VolumeMount; lever: string }>();
  private readonly sidecarList: k8s.Container[] = [];
  private readonly memory: MemoryItem[] = [];
  private memoryOverride?: number;
  private readonly selector: Record<string, string> = {};
  private readonly tolerationList: k8s.Toleration[] = [];
  private readonly resourceMap: Record<string, string> = {};
  private readonly labelMap: Record<string, string> = {};
  private readonly annotationMap: Record<string, string> = {};
  private readonly podAnnotationMap: Record<string, string> = {};
  private readonly dependencyList: IConstruct[] = [];
  private readonly facts = new Map<FactKey<any>, { value: unknown; lever: string }>();
  /** Passes each lever kind has finished: its facts of those passes are final. */
  private readonly finished = new Set<string>();

  /** A writer bound to one lever: every write it makes names that lever in a conflict. */
  public writer(lever: IConstruct & { readonly kind: LeverKind }, detail?: string): PodWriter {
    return new PodWriter(this, lever.kind, detail ? `${lever.node.path} (${detail})` : lever.node.path);
  }

  /** The model's own writer (labels that name the workload). */
  public modelWriter(model: IConstruct): PodWriter {
    return new PodWriter(this, undefined, model.node.path);
  }

  /**
   * Marks `kind`'s `pass` as done: its facts of that pass become readable,
   * and a required one it did not write is a bug in the lever.
   */
  public finish(kind: LeverKind, pass: Pass): void {
    const stage = stageOf(kind, pass);
    for (const key of requiredFacts(stage)) {
      if (!this.facts.has(key)) throw new Error(`the ${kind} lever finished its ${pass} pass without writing ${key.name}`);
    }
    this.finished.add(stage);
  }

  /** Moves to the next phase (contribute -> complete -> render). */
  public advance(to: Pass | 'render'): void {
    if (ORDER.indexOf(to) !== ORDER.indexOf(this.phase) + 1) throw new Error(`blueprint phase ${this.phase} cannot move to ${to}`);
    this.phase = to;
  }

  /** A fact, once its owner has written it (or finished its pass without it). */
  public fact<T>(key: FactKey<T>, reader = 'the model'): T {
    if (!this.finished.has(key.stage)) {
      throw new Error(`${reader} reads ${key.name} before the ${key.owner} lever has finished its ${key.pass} pass, which writes it`);
    }
    const written = this.facts.get(key);
    if (written) return written.value as T;
    if (key.fallback === 'required') throw new Error(`${key.name} was never written`);
    return key.fallback.value;
  }

  /** The pod's scheduling, final once every lever has contributed. */
  public get scheduling(): Scheduling {
    this.requirePhaseAfter(Pass.CONTRIBUTE, 'the pod\'s scheduling');
    return { nodeSelector: { ...this.selector }, tolerations: this.tolerationList.map(t => ({ ...t })), resources: { ...this.resourceMap } };
  }

  /** The engine image and rendered flags; levers set both in the contribute pass. */
  public get engine(): { readonly image: string | undefined; readonly args: string[] } {
    this.requirePhaseAfter(Pass.CONTRIBUTE, 'the engine image and flags');
    return { image: this.image, args: this.renderArgs() };
  }

  // Read by backends, after the passes.
  public get image(): string | undefined { return this.scalar('image'); }
  public get imagePullPolicy(): string | undefined { return this.scalar('imagePullPolicy'); }
  public get command(): string[] { return this.scalar<string[]>('command') ?? []; }
  public get port(): number { return this.scalar<number>('port') ?? 8080; }
  public get probes(): Probes | undefined { return this.scalar('probes'); }
  public get priorityClassName(): string | undefined { return this.scalar('priorityClassName'); }
  public get enableServiceLinks(): boolean | undefined { return this.scalar('enableServiceLinks'); }
  public get serviceAccountName(): string | undefined { return this.scalar('serviceAccountName'); }
  public get labels(): Readonly<Record<string, string>> { return this.labelMap; }
  /** Annotations on the owning object (the InferenceService or Deployment). */
  public get annotations(): Readonly<Record<string, string>> { return this.annotationMap; }
  /** Annotations on the pod template (KServe: `spec.predictor.annotations`). */
  public get podAnnotations(): Readonly<Record<string, string>> { return this.podAnnotationMap; }
  /**
   * Objects that must exist before the workload is created (a LocalModelCache
   * KServe matches at admission, a loader Job): the model adds them as cdk8s
   * dependencies, so `cdk8s synth` writes them first.
   */
  public get dependencies(): readonly IConstruct[] { return this.dependencyList; }
  /** Containers beside the engine (sleep mode's proxy). */
  public get sidecars(): readonly k8s.Container[] { return this.sidecarList; }
  public get nodeSelector(): Readonly<Record<string, string>> { return this.selector; }
  public get tolerations(): readonly k8s.Toleration[] { return this.tolerationList; }
  /** Container resources other than memory (request = limit). */
  public get resources(): Readonly<Record<string, string>> { return this.resourceMap; }

  /**
   * The engine flags, `--flag=value` (or `--flag`), in insertion order. Values
   * are data (paths, URIs, JSON): `$(` and `$$` in them are escaped, so the
   * kubelet never substitutes an env var (a Secret's, say) into the command line.
   */
  public renderArgs(): string[] {
    return [...this.args.values()].flatMap(({ flag, value, values }) => (values ? [flag, ...values.map(escapeExpansion)]
      : value === undefined ? [flag] : [`${flag}=${escapeExpansion(value)}`]));
  }

  public renderEnv(): k8s.EnvVar[] {
    return [...this.envs].map(([name, { value, valueFrom }]) => (valueFrom ? { name, valueFrom } : { name, value }));
  }

  public renderInitContainers(): k8s.Container[] {
    return [...this.inits.values()].map(c => c.container);
  }

  public renderVolumes(): k8s.Volume[] {
    return [...this.vols.values()].map(v => v.volume);
  }

  public renderVolumeMounts(): k8s.VolumeMount[] {
    return [...this.mounts.values()].map(m => m.mount);
  }

  public get memoryItems(): readonly MemoryItem[] {
    return this.memory;
  }

  /** Sum of the budget lines. */
  public get memoryRequired(): number {
    return this.memory.reduce((sum, item) => sum + item.bytes, 0);
  }

  /** The memory limit the pod gets: the override, or the budget. */
  public get memoryLimit(): number {
    return this.memoryOverride ?? this.memoryRequired;
  }

  public get memoryOverridden(): boolean {
    return this.memoryOverride !== undefined;
  }

  private scalar<T>(name: string): T | undefined {
    return this.scalars.get(name)?.value as T | undefined;
  }

  private requirePhaseAfter(pass: Pass, what: string): void {
    if (ORDER.indexOf(this.phase) <= ORDER.indexOf(pass)) {
      throw new Error(`${what} is read before every lever has finished its ${pass} pass`);
    }
  }

  /** @internal */
  public _write(state: WriterState, op: Write): void {
    if (this.phase === 'render') throw new Error(`${state.lever} writes the pod after it was rendered`);
    op(state);
  }

  /** What one writer may touch; each writer builds it once, at its first write. @internal */
  public _state(lever: string, kind: LeverKind | undefined): WriterState {
    const bp = this;
    return {
      lever,
      get phase() { return bp.phase as Pass; },
      setScalar(name, value, equal = (a, b) => a === b) {
        const existing = bp.scalars.get(name);
        if (existing && !equal(existing.value, value)) {
          throw new BlueprintConflict(`${name} is set to ${show(existing.value)} by ${existing.lever} and to ${show(value)} by ${lever}`);
        }
        bp.scalars.set(name, { value, lever });
      },
      setFact(key, value) {
        if (key.owner !== kind) throw new Error(`${lever} writes ${key.name}, which only the ${key.owner} lever may write`);
        if (key.pass !== bp.phase) throw new Error(`${lever} writes ${key.name} in the ${bp.phase} pass; it belongs to the ${key.pass} pass`);
        const existing = bp.facts.get(key);
        if (existing && existing.value !== value) {
          throw new BlueprintConflict(`${key.name} is set to ${show(existing.value)} by ${existing.lever} and to ${show(value)} by ${lever}`);
        }
        bp.facts.set(key, { value, lever });
      },
      readFact: (key) => bp.fact(key, lever),
      args: bp.args,
      envs: bp.envs,
      inits: bp.inits,
      vols: bp.vols,
      mounts: bp.mounts,
      sidecars: bp.sidecarList,
      memory: bp.memory,
      overrideMemory(bytes) { bp.memoryOverride = bytes; },
      selector: bp.selector,
      tolerations: bp.tolerationList,
      resources: bp.resourceMap,
      labels: bp.labelMap,
      annotations: bp.annotationMap,
      podAnnotations: bp.podAnnotationMap,
      dependencies: bp.dependencyList,
    };
  }
}

/** The state a writer may touch, handed to it per write. */
interface WriterState {
  readonly lever: string;
  readonly phase: Pass;
  readonly args: Map<string, ArgEntry>;
  readonly envs: Map<string, { value?: string; valueFrom?: k8s.EnvVarSource; lever: string }>;
  readonly inits: Map<string, { container: k8s.Container; lever: string }>;
  readonly vols: Map<string, { volume: k8s.Volume; lever: string }>;
  readonly mounts: Map<string, { mount: k8s.VolumeMount; lever: string }>;
  readonly sidecars: k8s.Container[];
  readonly memory: MemoryItem[];
  readonly selector: Record<string, string>;
  readonly tolerations: k8s.Toleration[];
  readonly resources: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly podAnnotations: Record<string, string>;
  readonly dependencies: IConstruct[];
  setScalar(name: string, value: unknown, equal?: (a: unknown, b: unknown) => boolean): void;
  setFact<T>(key: FactKey<T>, value: T): void;
  readFact<T>(key: FactKey<T>): T;
  overrideMemory(bytes: number): void;
}
type Write = (s: WriterState) => void;

/**
 * The only way a lever changes the pod. Bound to one lever, whose construct
 * path names it in every conflict.
 * @internal
 */
export class PodWriter {
  /** Built at the first write, then reused: a model makes dozens of writes per writer. */
  private state?: WriterState;

  constructor(private readonly bp: PodBlueprint, private readonly kind: LeverKind | undefined, public readonly lever: string) {}

  /** An engine flag. The same flag twice with different values is a conflict, never a silent last-one-wins. */
  public arg(flag: string, value?: string): void {
    this.write(s => {
      const setting = settingOf(flag);
      const existing = s.args.get(setting);
      if (existing && (existing.flag !== flag || existing.value !== value)) {
        throw new BlueprintConflict(`${setting} is set to ${showArg(existing.flag, existing.value)} by ${existing.lever} and to ${showArg(flag, value)} by ${s.lever}`);
      }
      s.args.set(setting, { flag, value, lever: s.lever });
    });
  }

  /**
   * A flag that takes several values, each its own argv element
   * (`--lora-modules a=/x b=/y`): vLLM's parser keeps only the last
   * occurrence of such a flag, so the values must follow one flag.
   */
  public argValues(flag: string, values: readonly string[]): void {
    this.write(s => {
      const setting = settingOf(flag);
      const existing = s.args.get(setting);
      const value = values.join(' ');
      if (existing && (existing.flag !== flag || existing.value !== value)) {
        throw new BlueprintConflict(`${setting} is set to ${showArg(existing.flag, existing.value)} by ${existing.lever} and to ${showArg(flag, value)} by ${s.lever}`);
      }
      s.args.set(setting, { flag, value, values: [...values], lever: s.lever });
    });
  }

  /** A literal env var of the engine container. */
  public env(name: string, value: string): void {
    this.write(s => {
      const existing = s.envs.get(name);
      if (existing && existing.value !== value) {
        throw new BlueprintConflict(`env ${name} is set to ${describeEnv(existing)} by ${existing.lever} and to ${describeEnv({ value })} by ${s.lever}`);
      }
      s.envs.set(name, { value, lever: s.lever });
    });
  }

  /** An env var read from a Secret key: credentials never appear as literals. */
  public secretEnv(name: string, secretName: string, key: string): void {
    this.write(s => {
      const existing = s.envs.get(name);
      const ref = existing?.valueFrom?.secretKeyRef;
      if (existing && (ref?.name !== secretName || ref?.key !== key)) {
        throw new BlueprintConflict(`env ${name} is set to ${describeEnv(existing)} by ${existing.lever} and to secret ${secretName}/${key} by ${s.lever}`);
      }
      s.envs.set(name, { valueFrom: { secretKeyRef: { name: secretName, key } }, lever: s.lever });
    });
  }

  /** An init container of the model pod (they run in insertion order). */
  public initContainer(container: k8s.Container): void {
    this.write(s => {
      const existing = s.inits.get(container.name);
      if (existing) throw new BlueprintConflict(`init container ${container.name} is added by ${existing.lever} and by ${s.lever}`);
      s.inits.set(container.name, { container, lever: s.lever });
    });
  }

  /** A volume and its mount in the engine container. */
  public volume(volume: k8s.Volume, mount: k8s.VolumeMount): void {
    this.write(s => {
      const existing = s.vols.get(volume.name);
      if (existing) throw new BlueprintConflict(`volume ${volume.name} is added by ${existing.lever} and by ${s.lever}`);
      const clash = s.mounts.get(mount.mountPath);
      if (clash) throw new BlueprintConflict(`${mount.mountPath} is mounted by ${clash.lever} and by ${s.lever}`);
      s.vols.set(volume.name, { volume, lever: s.lever });
      s.mounts.set(mount.mountPath, { mount, lever: s.lever });
    });
  }

  /**
   * A volume the engine container does not mount: an init container does, or
   * KServe's webhook adds the engine's mount at admission.
   */
  public podVolume(volume: k8s.Volume): void {
    this.write(s => {
      const existing = s.vols.get(volume.name);
      if (existing) throw new BlueprintConflict(`volume ${volume.name} is added by ${existing.lever} and by ${s.lever}`);
      s.vols.set(volume.name, { volume, lever: s.lever });
    });
  }

  /**
   * A container beside the engine (sleep mode's proxy) and the volumes only it
   * mounts. A sidecar that declares the public port gets the traffic on every
   * backend (src/backends/kserve.ts says how KServe routes to it).
   */
  public sidecar(container: k8s.Container, volumes: k8s.Volume[] = []): void {
    this.write(s => {
      if (s.sidecars.some(c => c.name === container.name)) {
        throw new BlueprintConflict(`sidecar ${container.name} is added twice (again by ${s.lever})`);
      }
      for (const volume of volumes) {
        const existing = s.vols.get(volume.name);
        if (existing) throw new BlueprintConflict(`volume ${volume.name} is added by ${existing.lever} and by ${s.lever}`);
      }
      for (const volume of volumes) s.vols.set(volume.name, { volume, lever: s.lever });
      s.sidecars.push(container);
    });
  }

  /** A node selector term; two levers may not select different values. */
  public nodeSelector(key: string, value: string): void {
    this.schedule(s => setOnce(s.selector, 'nodeSelector', s.lever, key, value));
  }

  /** A toleration (the same one twice is kept once). */
  public toleration(t: k8s.Toleration): void {
    this.schedule(s => {
      const same = (a: k8s.Toleration) => a.key === t.key && a.operator === t.operator && a.value === t.value && a.effect === t.effect;
      if (!s.tolerations.some(same)) s.tolerations.push(t);
    });
  }

  /** A container resource other than memory, with request = limit (Guaranteed QoS). */
  public resource(name: string, quantity: string): void {
    if (name === 'memory') throw new Error(`${this.lever}: memory comes from the memory budget (memory())`);
    this.schedule(s => setOnce(s.resources, 'resource', s.lever, name, quantity));
  }

  /** The PriorityClass the pod runs at. */
  public priorityClassName(name: string): void {
    this.schedule(s => s.setScalar('priorityClassName', name));
  }

  /** A line of the pod memory budget. */
  public memory(purpose: string, bytes: number): void {
    this.write(s => { s.memory.push({ purpose, bytes, lever: s.lever }); });
  }

  /** Pins the memory limit; the model checks that it still covers the budget. */
  public memoryLimit(bytes: number): void {
    this.write(s => { s.setScalar('memoryLimit', bytes); s.overrideMemory(bytes); });
  }

  /** An annotation on the owning object; two levers may not disagree. */
  public annotation(key: string, value: string): void {
    this.write(s => setOnce(s.annotations, 'annotation', s.lever, key, value));
  }

  /** An annotation on the pod template; two levers may not disagree. */
  public podAnnotation(key: string, value: string): void {
    this.write(s => setOnce(s.podAnnotations, 'pod annotation', s.lever, key, value));
  }

  /** A label of the workload and its pods (also the Service selector). */
  public label(key: string, value: string): void {
    this.write(s => setOnce(s.labels, 'label', s.lever, key, value));
  }

  /** The engine image and its pull policy. */
  public image(image: string, pullPolicy: string): void {
    this.write(s => { s.setScalar('image', image); s.setScalar('imagePullPolicy', pullPolicy); });
  }

  /** The engine command. */
  public command(command: string[]): void {
    this.write(s => s.setScalar('command', command, (a, b) => JSON.stringify(a) === JSON.stringify(b)));
  }

  /** The public port of the pod. */
  public port(port: number): void {
    this.write(s => s.setScalar('port', port));
  }

  /** The engine's startup, readiness and liveness probes. */
  public probes(probes: Probes): void {
    this.write(s => s.setScalar('probes', probes));
  }

  public enableServiceLinks(enabled: boolean): void {
    this.write(s => s.setScalar('enableServiceLinks', enabled));
  }

  /** The pod's service account; two paths may not want different identities. */
  public serviceAccount(name: string): void {
    this.write(s => s.setScalar('serviceAccountName', name));
  }

  /** The workload must be created after `scope` (see `PodBlueprint.dependencies`). */
  public dependsOn(scope: IConstruct): void {
    this.write(s => { if (!s.dependencies.includes(scope)) s.dependencies.push(scope); });
  }

  /** Writes a fact this lever owns. */
  public set<T>(key: FactKey<T>, value: T): void {
    this.write(s => s.setFact(key, value));
  }

  /** Reads a fact; throws when its owner has not finished the pass that writes it. */
  public get<T>(key: FactKey<T>): T {
    return this.bp.fact(key, this.lever);
  }

  /** Where the pod runs, final once every lever has contributed (for side objects that mirror it). */
  public get placement(): Scheduling {
    return this.bp.scheduling;
  }

  /** The engine image and flags as rendered, final once every lever has contributed (for what is keyed by the engine config). */
  public get engine(): { readonly image: string | undefined; readonly args: string[] } {
    return this.bp.engine;
  }

  /** The same lever, named with a detail in conflicts (e.g. `engine.extraArgs`). */
  public withDetail(detail: string): PodWriter {
    return new PodWriter(this.bp, this.kind, `${this.lever} (${detail})`);
  }

  private write(op: Write): void {
    this.bp._write(this.state ??= this.bp._state(this.lever, this.kind), op);
  }

  /** Side objects mirror the pod's nodes in the complete pass, so scheduling is final after contribute. */
  private schedule(op: Write): void {
    this.write(s => {
      if (s.phase !== Pass.CONTRIBUTE) throw new Error(`${s.lever} changes the pod's scheduling after the contribute pass, when side objects already mirror it`);
      op(s);
    });
  }
}


function show(v: unknown): string {
  return redact(typeof v === 'string' ? `"${v}"` : JSON.stringify(v));
}

/** A flag's value for a conflict: `--hf-token` and the like are masked whole, others have any credential inside masked. */
function showArg(flag: string, value: string | undefined): string {
  return value === undefined ? `the bare flag ${flag}` : `"${showValue(flag, value)}"`;
}

/** Env values may be credentials (extraEnv): a conflict names where each came from, never the literal. */
function describeEnv(e: { value?: string; valueFrom?: k8s.EnvVarSource }): string {
  const ref = e.valueFrom?.secretKeyRef;
  return ref ? `secret ${ref.name}/${ref.key}` : `a literal of ${e.value?.length ?? 0} characters`;
}

function setOnce(target: Record<string, string>, what: string, lever: string, key: string, value: string): void {
  const existing = target[key];
  if (existing !== undefined && existing !== value) {
    throw new BlueprintConflict(`${what} ${key} is "${showValue(key, existing)}" and ${lever} sets it to "${showValue(key, value)}"`);
  }
  target[key] = value;
}
