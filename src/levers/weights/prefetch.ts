import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CACHE_ROOT, checkHostCache, DEFAULT_HOST_PATH, HOST_VOLUME, hostDownloader, mountHostCache, requireHostPath, requireSizeLimit } from './hostpath-cache';
import { awaitMarkerScript, HuggingFaceRepo, resolveRepo, ResolvedRepo, WAIT_RESOURCES } from './hugging-face';
import { applyLoader, requireLoaderFor, resolveLoader, WeightLoader } from './loader';
import { COMPLETION_MARKER, WeightSourceImpl } from './source-impl';
import { checkStreamer, StreamerOptions } from './streamer';
import { Facts, PodWriter } from '../../blueprint';
import { WeightPath } from '../../estimate/paths';
import { auxContainer, auxLabels, auxPodSpec } from '../../private/aux-pod';
import { ManifestObject } from '../../private/manifest-object';
import { LeverContext, requireNodeSelector } from '../lever';

/**
 * Options for a prefetch DaemonSet.
 */
export interface PrefetchOptions {
  /**
   * Directory on the node that holds the weights.
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
   * settings either here or in `streamer`, not both.
   * @default WeightLoader.streamer()
   */
  readonly loader?: WeightLoader;
}

/**
 * A DaemonSet on exactly the model's GPU nodes (same nodeSelector and
 * tolerations) downloads the weights into a hostPath as soon as a node joins,
 * before any wake; the model pod mounts them read-only and its init container
 * waits for the completion marker, in case it lands on a node the DaemonSet
 * has not finished. The DaemonSet's idle container runs the engine image, so
 * it pre-pulls that image too.
 * @internal
 */
export class PrefetchSource implements WeightSourceImpl {
  private readonly repo: ResolvedRepo;
  private readonly hostPath: string;
  private readonly limitBytes: number;
  private readonly loader: WeightLoader;

  constructor(source: HuggingFaceRepo, options: PrefetchOptions) {
    const factory = 'WeightSource.prefetch';
    this.repo = resolveRepo(factory, source);
    this.hostPath = requireHostPath(factory, options.hostPath ?? DEFAULT_HOST_PATH);
    this.limitBytes = requireSizeLimit(factory, options.sizeLimit);
    checkStreamer(factory, options.streamer);
    this.loader = resolveLoader(factory, options);
    requireLoaderFor(factory, this.loader, WeightPath.LOCAL_NVME, 'a prefetched hostPath');
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    const repo = this.repo;
    checkHostCache(scope, this.hostPath, this.limitBytes, context);
    pod.initContainer(auxContainer({
      name: 'await-weights',
      image: context.engineImage,
      command: ['sh', '-c'],
      args: [awaitMarkerScript(`${CACHE_ROOT}/${repo.directory}/${COMPLETION_MARKER}`)],
      volumeMounts: [{ name: HOST_VOLUME, mountPath: CACHE_ROOT, readOnly: true }],
      resources: WAIT_RESOURCES,
    }));
    mountHostCache(pod, this.hostPath, repo);
    applyLoader(scope, pod, context, this.loader);
    pod.set(Facts.WEIGHT_PATH, WeightPath.LOCAL_NVME);
    // A new node's DaemonSet pod downloads from the Hub before the engine can read.
    pod.set(Facts.WEIGHT_FETCH_ORIGIN, WeightPath.HF_HUB);
    pod.set(Facts.HOST_CACHE, { limitBytes: this.limitBytes, prefetch: true });
  }

  /** The DaemonSet mirrors the finished pod's nodes. */
  public complete(scope: Construct, pod: PodWriter, context: LeverContext): void {
    requireNodeSelector(scope, pod, 'the prefetch DaemonSet runs a root downloader on a hostPath, and without one it would run on every node of the cluster');
    const repo = this.repo;
    const labels = auxLabels(context.name, 'weight-prefetch');
    ManifestObject.render(scope, 'Prefetch', k8s.KubeDaemonSet, {
      metadata: { name: `${context.name}-prefetch`, labels },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: auxPodSpec({
            nodeSelector: { ...pod.placement.nodeSelector },
            tolerations: pod.placement.tolerations.map(t => ({ ...t })),
            volumes: [{ name: HOST_VOLUME, hostPath: { path: this.hostPath, type: 'DirectoryOrCreate' } }],
            initContainers: [hostDownloader('prefetch', context.engineImage, repo, checkHostCache(scope, this.hostPath, this.limitBytes, context))],
            // Holds the node's slot once the weights are in; it only sleeps.
            containers: [{
              name: 'hold',
              image: context.engineImage,
              command: ['sleep', 'infinity'],
              resources: WAIT_RESOURCES,
            }],
            terminationGracePeriodSeconds: 0,
          }),
        },
      },
    });
  }
}
