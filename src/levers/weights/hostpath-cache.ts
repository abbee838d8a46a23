import { Construct } from 'constructs';
import { DOWNLOAD_RESOURCES, downloaderEnv, downloadToDirectoryScript, HuggingFaceRepo, resolveRepo, ResolvedRepo } from './hugging-face';
import { applyLoader, requireLoaderFor, resolveLoader, WeightLoader } from './loader';
import { MODEL_MOUNT, offline, WeightSourceImpl } from './source-impl';
import { checkStreamer, StreamerOptions } from './streamer';
import { Facts, PodWriter } from '../../blueprint';
import { WeightPath } from '../../estimate/paths';
import { auxContainer, AuxContainer } from '../../private/aux-pod';
import { fail } from '../../private/errors';
import { nodeDirectory } from '../../private/paths';
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
export function requireHostPath(factory: string, path: string): string {
  const checked = nodeDirectory(path);
  if (checked.problem) {
    fail(factory, 'CS-IN-019', `hostPath "${String(path)}" ${checked.problem}`, `pass a dedicated directory on the node's local disk, e.g. ${DEFAULT_HOST_PATH}`);
  }
  return checked.path!;
}

/**
 * The model reads `<hostPath>/<repo>/<revision>` read-only at /mnt/models.
 * @internal
 */
/**
 * A container that downloads the repository into the hostPath cache (only when
 * its completion marker is missing), shared by the init-container cache and
 * the prefetch DaemonSet.
 * @internal
 */
export function hostDownloader(name: string, image: string, repo: ResolvedRepo): AuxContainer {
  return {
    name,
    image,
    command: ['sh', '-c'],
    args: [downloadToDirectoryScript(CACHE_ROOT)],
    env: [{ name: 'HOME', value: '/tmp' }, ...downloaderEnv(repo)],
    volumeMounts: [{ name: HOST_VOLUME, mountPath: CACHE_ROOT }],
    resources: DOWNLOAD_RESOURCES,
    // A hostPath directory is created root-owned by the kubelet: only root may write it.
    needsRoot: true,
  };
}

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
  private readonly loader: WeightLoader;

  constructor(repo: HuggingFaceRepo, options: HostPathCacheOptions) {
    const factory = 'WeightSource.hostPathCache';
    this.repo = resolveRepo(factory, repo);
    this.hostPath = requireHostPath(factory, options.hostPath ?? DEFAULT_HOST_PATH);
    checkStreamer(factory, options.streamer);
    this.loader = resolveLoader(factory, options);
    requireLoaderFor(factory, this.loader, WeightPath.LOCAL_NVME, 'a hostPath cache');
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    const repo = this.repo;
    const hostPath = this.hostPath;
    pod.initContainer(auxContainer(hostDownloader('fetch-weights', context.engineImage, repo)));
    mountHostCache(pod, hostPath, repo);
    applyLoader(scope, pod, context, this.loader);
    pod.set(Facts.WEIGHT_PATH, WeightPath.LOCAL_NVME);
  }

  public complete(scope: Construct, pod: PodWriter): void {
    requireNodeSelector(scope, pod, 'the hostPath cache runs a root downloader that writes to the node\'s disk, so it must land only on the GPU nodes meant for it');
  }
}


