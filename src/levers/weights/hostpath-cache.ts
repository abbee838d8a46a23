import { Chart, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { hostCacheScript } from './host-cache-script';
import { DOWNLOAD_RESOURCES, downloaderEnv, HuggingFaceRepo, resolveRepo, ResolvedRepo } from './hugging-face';
import { applyLoader, requireLoaderFor, resolveLoader, WeightLoader } from './loader';
import { MODEL_MOUNT, offline, WeightSourceImpl } from './source-impl';
import { checkStreamer, StreamerOptions } from './streamer';
import { Facts, PodWriter } from '../../blueprint';
import { WeightPath } from '../../estimate/paths';
import { auxContainer, AuxContainer } from '../../private/aux-pod';
import { fail } from '../../private/errors';
import { nodeDirectory } from '../../private/paths';
import { positiveBytes } from '../../private/size';
import { LeverContext, requireNodeSelector } from '../lever';

/**
 * Options for a node-local hostPath cache.
 */
export interface HostPathCacheOptions {
  /**
   * Directory on the node (ideally on NVMe) that holds the cache; each
   * repository and revision gets `<hostPath>/<owner>/<name>/<revision>`.
   * @default '/var/lib/cdk8s-coldstart/models'
   */
  readonly hostPath?: string;

  /**
   * Most the library's downloads in `hostPath` may take on a node, for every
   * model that shares the directory (give them all the same bound). After each
   * download, entries no model uses any more (older revisions) are removed,
   * then the least recently used others until the rest fit; the current one,
   * and one a pod started from in the last 30 minutes, always stay. Other
   * files in the directory are neither counted nor touched. A model larger
   * than the bound is refused.
   * @default Size.tebibytes(1)
   */
  readonly sizeLimit?: Size;

  /**
   * Streamer settings for reading the weights from the node's disk.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;

  /**
   * How vLLM reads the weights (`--load-format`). Give the streamer's
   * settings either here or in \`streamer\`, not both.
   * @default WeightLoader.streamer()
   */
  readonly loader?: WeightLoader;
}

/** @internal */
export const DEFAULT_HOST_PATH = '/var/lib/cdk8s-coldstart/models';
/** @internal */
export const HOST_VOLUME = 'weights-host';
/** Where a downloader mounts the hostPath root. @internal */
export const CACHE_ROOT = '/cache';
/** @internal */
export const DEFAULT_SIZE_LIMIT = Size.tebibytes(1);

/** The bound of each node directory in one app: every model that shares one must prune it alike. */
const LIMITS = new WeakMap<IConstruct, Map<string, { readonly bytes: number; readonly path: string }>>();

/** The checked size bound of a hostPath cache, in bytes. @internal */
export function requireSizeLimit(factory: string, size: Size | undefined): number {
  return positiveBytes('sizeLimit', size ?? DEFAULT_SIZE_LIMIT,
    (problem, fix) => fail(factory, 'CS-IN-082', problem, fix), 'Size.gibibytes(500)');
}

/** What a downloader needs to keep its node directory within the bound. @internal */
export interface HostCache {
  readonly hostPath: string;
  readonly limitBytes: number;
  /** `<namespace>.<model>`: the file that records which entry the model uses. */
  readonly key: string;
  readonly modelBytes: number;
}

/**
 * Refuses a model larger than its bound, and two models of one app that share
 * a node directory with different bounds (each would prune the other's
 * entries to its own). Returns what the downloader needs.
 * @internal
 */
export function checkHostCache(scope: Construct, hostPath: string, limitBytes: number, context: LeverContext): HostCache {
  const modelBytes = context.size.bytes;
  if (modelBytes > limitBytes) {
    fail(scope, 'CS-IN-082', `the model (${gib(modelBytes)}) is larger than the hostPath cache's sizeLimit (${gib(limitBytes)}): it could never be kept`,
      `raise sizeLimit to at least ${Math.ceil(modelBytes / 2 ** 30)} GiB, within the node disk that holds ${hostPath}`);
  }
  const root = scope.node.root;
  const known = LIMITS.get(root) ?? new Map<string, { readonly bytes: number; readonly path: string }>();
  LIMITS.set(root, known);
  const other = known.get(hostPath);
  if (other && other.bytes !== limitBytes) {
    fail(scope, 'CS-IN-083', `hostPath ${hostPath} has sizeLimit ${gib(limitBytes)} here but ${gib(other.bytes)} at ${other.path}`,
      'give every model that shares the node directory the same sizeLimit, or give each its own hostPath');
  }
  for (const [path, entry] of known) {
    if (path.startsWith(`${hostPath}/`) || hostPath.startsWith(`${path}/`)) {
      fail(scope, 'CS-IN-083', `hostPath ${hostPath} and ${path} (at ${entry.path}) nest: the outer cache would count and prune the inner one's downloads`,
        'give the models one shared hostPath, or directories side by side');
    }
  }
  if (!other) known.set(hostPath, { bytes: limitBytes, path: scope.node.path });
  const namespace = Chart.of(scope).namespace;
  const key = namespace && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) ? `${namespace}.${context.name}` : context.name;
  return { hostPath, limitBytes, key, modelBytes };
}

function gib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 30 * 10) / 10} GiB`;
}

/** @internal */
export function requireHostPath(factory: string, path: string): string {
  const checked = nodeDirectory(path);
  if (checked.problem) {
    fail(factory, 'CS-IN-019', `hostPath "${String(path)}" ${checked.problem}`, `pass a dedicated directory on the node's local disk, e.g. ${DEFAULT_HOST_PATH}`);
  }
  return checked.path!;
}

/**
 * A container that downloads the repository into the hostPath cache (only when
 * its completion marker is missing) and prunes the cache, shared by the
 * init-container cache and the prefetch DaemonSet.
 * @internal
 */
export function hostDownloader(name: string, image: string, repo: ResolvedRepo, cache: HostCache): AuxContainer {
  return {
    name,
    image,
    command: ['sh', '-c'],
    args: [hostCacheScript(CACHE_ROOT)],
    env: [
      { name: 'HOME', value: '/tmp' },
      ...downloaderEnv(repo),
      { name: 'CS_CACHE_KEY', value: cache.key },
      { name: 'CS_CACHE_LIMIT_KIB', value: String(Math.floor(cache.limitBytes / 1024)) },
      { name: 'CS_MODEL_KIB', value: String(Math.ceil(cache.modelBytes / 1024)) },
    ],
    volumeMounts: [{ name: HOST_VOLUME, mountPath: CACHE_ROOT }],
    resources: DOWNLOAD_RESOURCES,
    // A hostPath directory is created root-owned by the kubelet: only root may write it.
    needsRoot: true,
  };
}

/** The model reads `<hostPath>/<repo>/<revision>` read-only at /mnt/models. @internal */
export function mountHostCache(pod: PodWriter, hostPath: string, repo: ResolvedRepo): void {
  pod.volume({ name: HOST_VOLUME, hostPath: { path: hostPath, type: 'DirectoryOrCreate' } },
    { name: HOST_VOLUME, mountPath: MODEL_MOUNT, readOnly: true, subPath: repo.directory });
  pod.set(Facts.MODEL_PATH, MODEL_MOUNT);
  offline(pod);
}

/**
 * For clusters without KServe's local model cache: an init container of the
 * model pod downloads the repository into a hostPath directory only when its
 * completion marker is missing, so only the first wake on a node pays the
 * download; every later wake reads node-local disk.
 * @internal
 */
export class HostPathCacheSource implements WeightSourceImpl {
  private readonly repo: ResolvedRepo;
  private readonly hostPath: string;
  private readonly limitBytes: number;
  private readonly loader: WeightLoader;

  constructor(repo: HuggingFaceRepo, options: HostPathCacheOptions) {
    const factory = 'WeightSource.hostPathCache';
    this.repo = resolveRepo(factory, repo);
    this.hostPath = requireHostPath(factory, options.hostPath ?? DEFAULT_HOST_PATH);
    this.limitBytes = requireSizeLimit(factory, options.sizeLimit);
    checkStreamer(factory, options.streamer);
    this.loader = resolveLoader(factory, options);
    requireLoaderFor(factory, this.loader, WeightPath.LOCAL_NVME, 'a hostPath cache');
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    const repo = this.repo;
    const hostPath = this.hostPath;
    const cache = checkHostCache(scope, hostPath, this.limitBytes, context);
    pod.initContainer(auxContainer(hostDownloader('fetch-weights', context.engineImage, repo, cache)));
    mountHostCache(pod, hostPath, repo);
    applyLoader(scope, pod, context, this.loader);
    pod.set(Facts.WEIGHT_PATH, WeightPath.LOCAL_NVME);
    // On a new node the init container downloads from the Hub first.
    pod.set(Facts.WEIGHT_FETCH_ORIGIN, WeightPath.HF_HUB);
    pod.set(Facts.HOST_CACHE, { limitBytes: this.limitBytes, prefetch: false });
  }

  public complete(scope: Construct, pod: PodWriter): void {
    requireNodeSelector(scope, pod, 'the hostPath cache runs a root downloader that writes to the node\'s disk, so it must land only on the GPU nodes meant for it');
  }
}


