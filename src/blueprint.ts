import { k8s } from 'cdk8s-plus-28';

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
  /** Values only a storage-aware backend uses (KServe's `STORAGE_URI`). */
  public storageUri?: string;
  /** The directory the weights appear in inside the container. */
  public modelPath?: string;

  private readonly args = new Map<string, { value?: string; lever: string }>();
  private readonly env = new Map<string, { value: string; lever: string }>();
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
      throw new BlueprintConflict(`env ${name} is set to "${existing.value}" by ${existing.lever} and to "${value}" by ${lever}`);
    }
    this.env.set(name, { value, lever });
  }

  public renderEnv(): k8s.EnvVar[] {
    return [...this.env].map(([name, { value }]) => ({ name, value }));
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
}
