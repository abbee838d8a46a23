import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { ColdStartFacts, defaultColdStartFacts } from './estimate/facts';

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
 * What the image-pull lever asks of the nodes (not of the pod): the node
 * provisioner's objects (GKE ComputeClass, Karpenter EC2NodeClass) render it.
 * @internal
 */
export interface NodeImageCache {
  /** GKE image streaming. */
  imageStreaming: boolean;
  /** GKE secondary boot disks in CONTAINER_IMAGE_CACHE mode. */
  readonly secondaryBootDisks: Array<{ readonly diskImageName: string; readonly project?: string }>;
  /** EBS snapshot the Bottlerocket data volume starts from. */
  dataVolumeSnapshotId?: string;
  /** Size of that data volume (a Karpenter quantity, e.g. `200Gi`). */
  dataVolumeSize?: string;
}

/**
 * Two levers set the same thing to different values.
 * @internal
 */
export class BlueprintConflict extends Error {}

/**
 * The model pod as plain data: what every lever contributed, with the merge
 * rules that keep two levers from silently overwriting each other. Contains no
 * cdk8s objects; a backend renders it.
 * @internal
 */
export class PodBlueprint {
  public image?: string;
  public imagePullPolicy?: string;
  public command: string[] = [];
  public port = 8080;
  /** Container resource requests and limits other than memory (see the memory budget). */
  public readonly requests: Record<string, string> = {};
  public readonly limits: Record<string, string> = {};
  public startupProbe?: k8s.Probe;
  public readinessProbe?: k8s.Probe;
  public livenessProbe?: k8s.Probe;
  public priorityClassName?: string;
  public enableServiceLinks?: boolean;
  public readonly nodeSelector: Record<string, string> = {};
  public readonly tolerations: k8s.Toleration[] = [];
  public readonly labels: Record<string, string> = {};
  /** Annotations on the owning object (the InferenceService or Deployment). */
  public readonly annotations: Record<string, string> = {};
  /** Annotations on the pod template (KServe: `spec.predictor.annotations`). */
  public readonly podAnnotations: Record<string, string> = {};
  public serviceAccountName?: string;
  /**
   * Objects that must exist before the workload is created (a LocalModelCache
   * KServe matches at admission, a loader Job): the model adds them as cdk8s
   * dependencies, so `cdk8s synth` writes them first.
   */
  public readonly dependencies: IConstruct[] = [];
  /** Node-level image settings for the node provisioner (lever 2 -> lever 3). */
  public readonly nodeImage: NodeImageCache = { imageStreaming: false, secondaryBootDisks: [] };
  /** What each lever did, in the terms the cold-start estimate reads. */
  public readonly coldStart: ColdStartFacts = defaultColdStartFacts();
  /** Values only a storage-aware backend uses (KServe's `STORAGE_URI`). */
  public storageUri?: string;
  /** The directory the weights appear in inside the container. */
  public modelPath?: string;

  /** Containers beside the engine (see `addSidecar`). */
  public readonly sidecars: k8s.Container[] = [];
  /**
   * The engine container declares the public port. False when a sidecar
   * (sleep mode's proxy) serves it and the engine listens on loopback only.
   */
  public engineServesPort = true;

  private readonly args = new Map<string, { value?: string; lever: string }>();
  private readonly env = new Map<string, { value?: string; valueFrom?: k8s.EnvVarSource; lever: string }>();
  private readonly initContainers = new Map<string, { container: k8s.Container; lever: string }>();
  private readonly volumes = new Map<string, { volume: k8s.Volume; lever: string }>();
  private readonly mounts = new Map<string, { mount: k8s.VolumeMount; lever: string }>();
  private readonly memory: MemoryItem[] = [];
  private memoryOverride?: number;

  /**
   * Adds an engine flag. The same flag twice with different values is a
   * conflict between levers, never a silent last-one-wins.
   */
  public addArg(lever: string, flag: string, value?: string): void {
    const existing = this.args.get(flag);
    if (existing && existing.value !== value) {
      throw new BlueprintConflict(`${flag} is set to "${existing.value}" by ${existing.lever} and to "${value}" by ${lever}`);
    }
    this.args.set(flag, { value, lever });
  }

  /** The engine flags, `--flag=value` (or `--flag`), in insertion order. */
  public renderArgs(): string[] {
    return [...this.args].map(([flag, { value }]) => (value === undefined ? flag : `${flag}=${value}`));
  }

  public addEnv(lever: string, name: string, value: string): void {
    const existing = this.env.get(name);
    if (existing && existing.value !== value) {
      throw new BlueprintConflict(`env ${name} is set to ${describeEnv(existing)} by ${existing.lever} and to "${value}" by ${lever}`);
    }
    this.env.set(name, { value, lever });
  }

  /** Adds an env var read from a Secret key: credentials never appear as literals. */
  public addSecretEnv(lever: string, name: string, secretName: string, key: string): void {
    const existing = this.env.get(name);
    const ref = existing?.valueFrom?.secretKeyRef;
    if (existing && (ref?.name !== secretName || ref?.key !== key)) {
      throw new BlueprintConflict(`env ${name} is set to ${describeEnv(existing)} by ${existing.lever} and to secret ${secretName}/${key} by ${lever}`);
    }
    this.env.set(name, { valueFrom: { secretKeyRef: { name: secretName, key } }, lever });
  }

  public renderEnv(): k8s.EnvVar[] {
    return [...this.env].map(([name, { value, valueFrom }]) => (valueFrom ? { name, valueFrom } : { name, value }));
  }

  /** Adds an init container of the model pod (they run in insertion order). */
  public addInitContainer(lever: string, container: k8s.Container): void {
    const existing = this.initContainers.get(container.name);
    if (existing) {
      throw new BlueprintConflict(`init container ${container.name} is added by ${existing.lever} and by ${lever}`);
    }
    this.initContainers.set(container.name, { container, lever });
  }

  public renderInitContainers(): k8s.Container[] {
    return [...this.initContainers.values()].map(c => c.container);
  }

  /** Sets an annotation on the owning object; two levers may not disagree. */
  public addAnnotation(lever: string, key: string, value: string): void {
    setOnce(this.annotations, 'annotation', lever, key, value);
  }

  /** Sets an annotation on the pod template; two levers may not disagree. */
  public addPodAnnotation(lever: string, key: string, value: string): void {
    setOnce(this.podAnnotations, 'pod annotation', lever, key, value);
  }

  /** Adds a node selector term; two levers may not select different values. */
  public addNodeSelector(lever: string, key: string, value: string): void {
    setOnce(this.nodeSelector, 'nodeSelector', lever, key, value);
  }

  /** The workload must be created after `scope` (see `dependencies`). */
  public addDependency(scope: IConstruct): void {
    if (!this.dependencies.includes(scope)) this.dependencies.push(scope);
  }

  public addVolume(lever: string, volume: k8s.Volume, mount: k8s.VolumeMount): void {
    if (this.volumes.has(volume.name)) {
      throw new BlueprintConflict(`volume ${volume.name} is added by ${this.volumes.get(volume.name)!.lever} and by ${lever}`);
    }
    const clash = this.mounts.get(mount.mountPath);
    if (clash) {
      throw new BlueprintConflict(`${mount.mountPath} is mounted by ${clash.lever} and by ${lever}`);
    }
    this.volumes.set(volume.name, { volume, lever });
    this.mounts.set(mount.mountPath, { mount, lever });
  }

  public renderVolumes(): k8s.Volume[] {
    return [...this.volumes.values()].map(v => v.volume);
  }

  public renderVolumeMounts(): k8s.VolumeMount[] {
    return [...this.mounts.values()].map(m => m.mount);
  }

  /** Adds a line to the pod memory budget. */
  public addMemory(item: MemoryItem): void {
    this.memory.push(item);
  }

  /** Pins the memory limit; it must still cover the budget. */
  public overrideMemory(bytes: number): void {
    this.memoryOverride = bytes;
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

  /**
   * Adds a container beside the engine (sleep mode's proxy) and the volumes
   * only it mounts. Only a backend that can route its Service to the sidecar
   * accepts one.
   */
  public addSidecar(lever: string, container: k8s.Container, volumes: k8s.Volume[] = []): void {
    if (this.sidecars.some(c => c.name === container.name)) {
      throw new BlueprintConflict(`sidecar ${container.name} is added twice (again by ${lever})`);
    }
    for (const volume of volumes) {
      const existing = this.volumes.get(volume.name);
      if (existing) throw new BlueprintConflict(`volume ${volume.name} is added by ${existing.lever} and by ${lever}`);
      this.volumes.set(volume.name, { volume, lever });
    }
    this.sidecars.push(container);
  }
}

function describeEnv(e: { value?: string; valueFrom?: k8s.EnvVarSource }): string {
  const ref = e.valueFrom?.secretKeyRef;
  return ref ? `secret ${ref.name}/${ref.key}` : `"${e.value}"`;
}

function setOnce(target: Record<string, string>, what: string, lever: string, key: string, value: string): void {
  const existing = target[key];
  if (existing !== undefined && existing !== value) {
    throw new BlueprintConflict(`${what} ${key} is "${existing}" and ${lever} sets it to "${value}"`);
  }
  target[key] = value;
}
