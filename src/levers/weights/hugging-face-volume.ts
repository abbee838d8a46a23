import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { awaitMarkerScript, DOWNLOAD_RESOURCES, downloaderEnv, HuggingFaceRepo, resolveRepo, ResolvedRepo, WAIT_RESOURCES } from './hugging-face';
import { SharedVolume } from './shared-volume';
import { COMPLETION_MARKER, offline, shortHash, WeightSourceImpl } from './source-impl';
import { applyStreamer, checkStreamer, StreamerOptions } from './streamer';
import { Facts, PodWriter } from '../../blueprint';
import { auxContainer, auxLabels, auxPodSpec } from '../../private/aux-pod';
import { ManifestObject } from '../../private/manifest-object';
import { LeverContext } from '../lever';

/**
 * Options for a Hugging Face repository on a shared volume.
 */
export interface HuggingFaceVolumeOptions {
  /** The ReadWriteMany volume that holds the Hugging Face cache. */
  readonly volume: SharedVolume;

  /**
   * Streamer settings for reading the weights from the volume.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;
}

/** The Hugging Face cache root (`HF_HOME`) in the loader and the model pod. */
const HF_ROOT = '/mnt/hf';
const VOLUME = 'hf-cache';

/**
 * A Hugging Face cache on a shared volume: one loader Job downloads the
 * repository into `HF_HUB_CACHE` with `snapshot_download` and then writes a
 * completion marker; every replica mounts the volume read-only, runs fully
 * offline, and waits in an init container until the marker exists, so an
 * engine never starts on half a model.
 * @internal
 */
export class HuggingFaceVolumeSource implements WeightSourceImpl {
  private readonly repo: ResolvedRepo;

  constructor(repo: HuggingFaceRepo, private readonly options: HuggingFaceVolumeOptions) {
    const factory = 'WeightSource.huggingFace';
    this.repo = resolveRepo(factory, repo);
    checkStreamer(factory, options.streamer);
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    const repo = this.repo;
    const volume = this.options.volume._resolve(scope, context);
    const marker = `${HF_ROOT}/.coldstart/${repo.directory}/${COMPLETION_MARKER}`;
    const cacheEnv = [
      { name: 'HF_HOME', value: HF_ROOT },
      { name: 'HF_HUB_CACHE', value: `${HF_ROOT}/hub` },
    ];

    const job = ManifestObject.render(scope, 'Loader', k8s.KubeJob, {
      metadata: { name: `${context.name}-weights-${shortHash(`${repo.repoId}@${repo.revision}`)}`, labels: auxLabels(context.name, 'weight-loader') },
      spec: {
        backoffLimit: 4,
        template: {
          metadata: { labels: auxLabels(context.name, 'weight-loader') },
          spec: auxPodSpec({
            restartPolicy: 'Never',
            volumes: [{ name: VOLUME, persistentVolumeClaim: { claimName: volume.claimName } }],
            containers: [{
              name: 'loader',
              image: context.engineImage,
              command: ['sh', '-c'],
              args: [[
                'set -eu',
                `M="${marker}"`,
                'if [ -f "$M" ]; then echo "weights already loaded"; exit 0; fi',
                'python3 -c \'import os; from huggingface_hub import snapshot_download; snapshot_download(repo_id=os.environ["CS_REPO_ID"], revision=os.environ["CS_REVISION"])\'',
                'mkdir -p "$(dirname "$M")" && touch "$M"',
              ].join('\n')],
              // HOME: the engine image's is /root, which the non-root loader cannot write.
              env: [...cacheEnv, { name: 'HOME', value: '/tmp' }, ...downloaderEnv(repo)],
              volumeMounts: [{ name: VOLUME, mountPath: HF_ROOT }],
              resources: { ...DOWNLOAD_RESOURCES, ephemeralStorage: '1Gi' },
            }],
          }),
        },
      },
    });
    for (const o of volume.objects) job.node.addDependency(o);

    pod.volume({ name: VOLUME, persistentVolumeClaim: { claimName: volume.claimName, readOnly: true } },
      { name: VOLUME, mountPath: HF_ROOT, readOnly: true });
    pod.initContainer(auxContainer({
      name: 'await-weights',
      image: context.engineImage,
      command: ['sh', '-c'],
      args: [awaitMarkerScript(marker)],
      volumeMounts: [{ name: VOLUME, mountPath: HF_ROOT, readOnly: true }],
      resources: WAIT_RESOURCES,
    }));
    for (const { name, value } of cacheEnv) pod.env(name, value);
    offline(pod);
    // Offline, a repo id resolves from HF_HUB_CACHE at the pinned revision.
    pod.set(Facts.MODEL_PATH, repo.repoId);
    pod.arg('--revision', repo.revision);
    applyStreamer(pod, context.size.bytes, context.gpu.count, this.options.streamer);
    pod.set(Facts.WEIGHT_PATH, volume.weightPath);
    for (const o of volume.objects) pod.dependsOn(o);
    pod.dependsOn(job);
  }
}
