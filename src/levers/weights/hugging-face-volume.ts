import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { awaitMarkerScript, DOWNLOAD_RESOURCES, downloaderEnv, HuggingFaceRepo, resolveRepo, ResolvedRepo, WAIT_RESOURCES } from './hugging-face';
import { applyLoader, LoaderKind, requireLoaderFor, resolveLoader, WeightLoader } from './loader';
import { SharedVolume } from './shared-volume';
import { COMPLETION_MARKER, offline, shortHash, WeightSourceImpl } from './source-impl';
import { checkStreamer, StreamerOptions } from './streamer';
import { Facts, PodBlueprint, PodWriter } from '../../blueprint';
import { ColdStartAssessment, estimateColdStart } from '../../estimate/estimate';
import { LoaderFact, WeightPath } from '../../estimate/paths';
import { auxContainer, auxLabels, auxPodSpec, NON_ROOT_UID } from '../../private/aux-pod';
import { ManifestObject } from '../../private/manifest-object';
import { renderEngineJob } from '../engine-job';
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

  /**
   * How vLLM reads the weights (`--load-format`). `WeightLoader.shardedState()`
   * adds a one-time GPU Job that saves each tensor-parallel rank's share on
   * this volume. Give the streamer's settings either here or in `streamer`,
   * not both.
   * @default WeightLoader.streamer()
   */
  readonly loader?: WeightLoader;
}

/** The engine's HOME volume (the runtime lever's), swapped for scratch space in the sharding Job. */
const ENGINE_CACHE_VOLUME = 'cache';
const SCRATCH_HOME = '20Gi';
/** The init container that holds the engine until its shards exist. */
const AWAIT_SHARDS = 'await-shards';
/** Below this a Job deadline would kill a healthy run on a slow node; ten minutes. */
const MIN_JOB_SECONDS = 600;

const volumeClaim = (v: k8s.Volume): string => v.persistentVolumeClaim!.claimName;
const writable = (m: k8s.VolumeMount): k8s.VolumeMount => ({ name: m.name, mountPath: m.mountPath });

/** The stable path the engine reads: a link to the directory of the current config's shards. */
function shardLink(repo: ResolvedRepo, context: LeverContext): string {
  return `${HF_ROOT}/.coldstart/sharded/${repo.directory}/tp${context.gpu.count}`;
}

/**
 * What the shards depend on, hashed: the engine image (vLLM's parameter
 * layout) and every flag but `--model` (quantization, dtype, parallelism).
 */
function shardConfig(engine: { readonly image?: string; readonly args: readonly string[] }): string {
  return shortHash(JSON.stringify([engine.image, engine.args.filter(a => !/^--model(=|$)/.test(a))]));
}

/**
 * Saves the shards of one engine config. Our own script, using vLLM's public
 * API: the engine flags are parsed as vLLM's CLI parses them (the server's own
 * flags skipped), the checkpoint is the offline Hugging Face snapshot, and the
 * V1 engine saves each worker's state. `__main__` guarded: vLLM's workers may
 * start by spawn, which imports the script again.
 */
const SAVE_SHARDS_PY = [
  'import dataclasses, os, shutil, sys',
  'from huggingface_hub import snapshot_download',
  'from vllm import LLM, EngineArgs',
  'from vllm.utils import FlexibleArgumentParser',
  '',
  'def main():',
  '    parser = FlexibleArgumentParser()',
  '    EngineArgs.add_cli_args(parser)',
  '    args, _ = parser.parse_known_args(sys.argv[1:])',
  '    source = snapshot_download(repo_id=os.environ["CS_REPO_ID"], revision=os.environ["CS_REVISION"], local_files_only=True)',
  '    args.model, args.revision, args.load_format, args.enforce_eager = source, None, "auto", True',
  '    llm = LLM(**dataclasses.asdict(EngineArgs.from_cli_args(args)))',
  '    out = os.environ["CS_TMP"]',
  '    engine = llm.llm_engine',
  '    (engine.engine_core if hasattr(engine, "engine_core") else engine.model_executor).save_sharded_state(path=out)',
  '    for name in os.listdir(source):',
  '        path = os.path.join(source, name)',
  '        if os.path.splitext(name)[1] in (".bin", ".pt", ".safetensors"):',
  '            continue',
  '        if os.path.isdir(path):',
  '            shutil.copytree(path, os.path.join(out, name))',
  '        else:',
  '            shutil.copy(path, out)',
  '',
  'if __name__ == "__main__":',
  '    main()',
].join('\n');

/**
 * Saves into a private directory named by the config, writes the marker
 * (holding the config) last, then swaps the link with a rename, so a model pod
 * sees either the old complete shards or the new ones.
 */
const SHARD_SCRIPT = [
  'set -eu',
  'if [ "$(cat "$CS_SHARD_LINK/' + COMPLETION_MARKER + '" 2>/dev/null)" = "$CS_SHARD_CONFIG" ]; then echo "shards of this engine config present"; exit 0; fi',
  'D="$CS_SHARD_LINK-$CS_SHARD_CONFIG"',
  'export CS_TMP="$D.partial-$HOSTNAME"',
  'rm -rf "$CS_TMP" && mkdir -p "$CS_TMP"',
  'printf "%s" "$CS_SAVE_SHARDS" > /tmp/save_shards.py',
  'python3 /tmp/save_shards.py "$@"',
  'printf "%s" "$CS_SHARD_CONFIG" > "$CS_TMP/' + COMPLETION_MARKER + '"',
  'rm -rf "$D" && mv -T "$CS_TMP" "$D"',
  'ln -sfn "$(basename "$D")" "$CS_SHARD_LINK.new-$HOSTNAME" && mv -T "$CS_SHARD_LINK.new-$HOSTNAME" "$CS_SHARD_LINK"',
].join('\n');

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
  private readonly loader: WeightLoader;

  constructor(repo: HuggingFaceRepo, private readonly options: HuggingFaceVolumeOptions) {
    const factory = 'WeightSource.huggingFace';
    this.repo = resolveRepo(factory, repo);
    checkStreamer(factory, options.streamer);
    this.loader = resolveLoader(factory, options);
    // A shared volume (NFS, EFS): fastsafetensors reads it, GDS is not promised over it.
    requireLoaderFor(factory, this.loader, WeightPath.SHARED_VOLUME, 'a shared volume', { writesShards: true });
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
    if (this.sharded) {
      // A directory: vLLM's sharded-state loader globs the rank's files in it.
      pod.set(Facts.MODEL_PATH, shardLink(repo, context));
    } else {
      // Offline, a repo id resolves from HF_HUB_CACHE at the pinned revision.
      pod.set(Facts.MODEL_PATH, repo.repoId);
      pod.arg('--revision', repo.revision);
    }
    applyLoader(scope, pod, context, this.loader);
    pod.set(Facts.WEIGHT_PATH, volume.weightPath);
    for (const o of volume.objects) pod.dependsOn(o);
    pod.dependsOn(job);
  }

  /** Sharded: the engine waits for shards saved for exactly its config (known once every lever has written its flags). */
  public complete(_scope: Construct, pod: PodWriter, context: LeverContext): void {
    if (!this.sharded) return;
    const link = shardLink(this.repo, context);
    pod.initContainer(auxContainer({
      name: AWAIT_SHARDS,
      image: context.engineImage,
      command: ['sh', '-c'],
      args: [[
        'set -eu',
        `until [ "$(cat "${link}/${COMPLETION_MARKER}" 2>/dev/null)" = "${shardConfig(pod.engine)}" ]; do echo "waiting for the shards of this engine config in ${link}"; sleep 10; done`,
      ].join('\n')],
      volumeMounts: [{ name: VOLUME, mountPath: HF_ROOT, readOnly: true }],
      resources: WAIT_RESOURCES,
    }));
  }

  /**
   * The sharding Job: the model pod itself (same image, flags, GPUs, nodes),
   * with the volume writable and a script that loads the checkpoint with the
   * model's engine flags and saves each rank's state (vLLM's
   * save_sharded_state, as examples/offline_inference/save_sharded_state.py
   * does), plus the checkpoint's other files (config, tokenizer), into a
   * directory named by the engine config, then points the stable link the
   * model reads at it. Idempotent: a config already saved exits at once.
   */
  public jobs(
    scope: Construct, bp: PodBlueprint, context: LeverContext, assessment: ColdStartAssessment, after: readonly IConstruct[],
  ): IConstruct[] {
    if (!this.sharded) return [];
    const config = shardConfig(bp.engine);
    const link = shardLink(this.repo, context);
    // Three unsharded starts (read, save, slack) on top of finding a node and pulling the image.
    const facts = { ...assessment.inputs.facts, loaderRanks: undefined, streamerConcurrency: undefined, weightLoader: LoaderFact.DEFAULT };
    const unsharded = estimateColdStart({ ...assessment.inputs, facts });
    const d = assessment.detail;
    const job = renderEngineJob(scope, 'ShardingJob', bp, context, {
      name: `${context.name}-shards-${config}`,
      component: 'weight-sharder',
      scriptName: 'save-shards',
      script: SHARD_SCRIPT,
      env: [
        { name: 'CS_SHARD_LINK', value: link },
        { name: 'CS_SHARD_CONFIG', value: config },
        { name: 'CS_SAVE_SHARDS', value: SAVE_SHARDS_PY },
        ...downloaderEnv(this.repo).filter(e => e.name !== 'HF_TOKEN'),
      ],
      backoffLimit: 2,
      activeDeadlineSeconds: Math.max(MIN_JOB_SECONDS, Math.ceil(d.nodeCapacitySeconds + d.imagePullSeconds + 3 * unsharded.startupSeconds)),
      adjust: spec => ({
        ...spec,
        // It writes the shards; it waits for the checkpoint, never for its own output.
        initContainers: spec.initContainers?.filter(c => c.name !== AWAIT_SHARDS),
        // The engine cache is not needed to save shards (eager, no compile): a scratch HOME keeps the Job off that claim.
        volumes: spec.volumes?.map(v => (v.name === VOLUME ? { name: VOLUME, persistentVolumeClaim: { claimName: volumeClaim(v) } }
          : v.name === ENGINE_CACHE_VOLUME ? { name: ENGINE_CACHE_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString(SCRATCH_HOME) } } : v)),
        containers: spec.containers.map(c => ({
          ...c,
          volumeMounts: c.volumeMounts?.map(m => (m.name === VOLUME ? writable(m) : m)),
          // The loader's uid, which owns the directories it made on the volume (file systems such as NFS ignore fsGroup).
          securityContext: c.securityContext?.runAsUser === 0 ? c.securityContext
            : { ...c.securityContext, runAsNonRoot: true, runAsUser: NON_ROOT_UID, runAsGroup: NON_ROOT_UID },
        })),
        securityContext: spec.securityContext && { ...spec.securityContext, fsGroup: NON_ROOT_UID },
      }),
    });
    for (const dependency of after) job.node.addDependency(dependency);
    return [job];
  }

  private get sharded(): boolean {
    return this.loader._kind === LoaderKind.SHARDED_STATE;
  }
}
