import { createHash } from 'crypto';
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { DOWNLOAD_RESOURCES } from './hugging-face';
import { requireSecretRef, SecretKeyReference } from './secret-reference';
import { MODEL_MOUNT, volumeBytesFor } from './source-impl';
import { PodWriter } from '../../blueprint';
import { WeightPath } from '../../estimate/paths';
import { auxContainer } from '../../private/aux-pod';
import { wholeSeconds } from '../../private/duration';
import { fail } from '../../private/errors';
import { bytesToQuantity } from '../../private/quantity';

/*
 * FACTS (KServe v0.20.0, commit 1fb781055dd1567164358233e1125142ca6ef1fe), what a predictor pod sees on a
 * node whose copy is not finished:
 * - pkg/apis/serving/v1beta1/inference_service_defaults.go (setLocalModelLabel): admission matches the cache
 *   by storage URI and names the claim `<cache name>-<node group>`; nothing looks at per-node download state.
 * - pkg/controller/v1alpha1/localmodel/reconcilers/utils.go (ReconcileForIsvcs): that claim, in the
 *   InferenceService's namespace, binds a PV with the node group's persistentVolumeSpec, so the pod may be
 *   scheduled on any node of the group; no gate waits for the node's download.
 * - pkg/webhook/admission/pod/storage_initializer_injector.go (InjectStorageInitializer): the pod gets no
 *   storage initializer; the claim is mounted into kserve-container at /mnt/models with subPath
 *   `models/<sha256(sourceModelUri)[:16]><storage URI minus sourceModelUri>`, volume `kserve-pvc-source`
 *   (pkg/constants), not read-only at the volume. pkg/utils/storage.go (AddModelMount) reuses a volume of
 *   that name when the pod already has one.
 * - The kubelet creates a missing subPath directory (kubernetes pkg/kubelet/kubelet_pods.go, makeMounts), so
 *   on a node without the copy the engine sees an empty /mnt/models and exits: a crash loop with back-off.
 * - pkg/controller/v1alpha1/localmodelnode/controller.go (launchJob): the node agent's Job runs the storage
 *   initializer with args [sourceModelUri, /mnt/models] straight into that subPath; completion is recorded only
 *   in LocalModelNode status (Job succeeded), never on disk (no marker file). python/storage/kserve_storage/
 *   kserve_storage.py downloads in place: Hugging Face files appear whole (huggingface_hub stages them as
 *   `.cache/huggingface/download/*.incomplete` in the target), a GCS blob is written at its final name as it
 *   downloads, and objects come in listing order, so tokenizer files may land after the last shard.
 * So the check reads the files themselves: config.json, every shard the index names, each as long as its
 * safetensors header says (8 + header length + the end of its last tensor), no Hugging Face download in
 * progress, and, when anything in it changed in the last minute, the listing unchanged over a settle
 * interval (the small files that follow the shards).
 */

/** The KServe webhook's name for the cache volume, reused so the pod holds the claim once. */
const KSERVE_PVC_VOLUME = 'kserve-pvc-source';
/** Where the check sees the node group's volume (its root). */
const CACHE_ROOT = '/mnt/lmc-cache';
/** The engine reads `<LINK_MOUNT>/model`: a link to KServe's /mnt/models, or to the fetched copy beside it. */
const LINK_MOUNT = '/mnt/lmc';
const LINK_VOLUME = 'lmc-weights';
/** @internal */
export const FALLBACK_MODEL_PATH = `${LINK_MOUNT}/model`;
const FETCH_DIR = `${LINK_MOUNT}/fetched`;
/** Seconds the listing must stay the same before a complete-looking copy is trusted. */
const SETTLE_SECONDS = 10;
const POLL_SECONDS = 10;

/**
 * Options for fetching the weights into the pod when the node's cache is not
 * complete.
 */
export interface LocalModelCacheFetchOptions {
  /**
   * How long a pod waits for KServe's node agent to finish the node's copy
   * before it fetches the weights itself. The wait pays off only when the
   * agent's download is nearly done; on a brand-new node it is lost time.
   * @default Duration.seconds(30)
   */
  readonly waitFor?: Duration;

  /**
   * Secret key holding a Hugging Face token, for gated or private `hf://`
   * repositories. Set as `HF_TOKEN` on the fetching init container only.
   * `s3://` and `gs://` use the pod's identity (its service account or node).
   * @default - anonymous download
   */
  readonly token?: SecretKeyReference;
}

/**
 * What a model pod does on a node where KServe's local-model agent has not
 * finished the model's copy (a node that just joined the node group).
 */
export class LocalModelCacheFallback {
  /**
   * An init container checks the node's copy; when it is not complete within
   * `waitFor`, it fetches the model from the storage URI into a pod-local
   * emptyDir (needs free disk on the node for one copy), and the engine reads
   * that instead. `hf://` uses the engine image's `huggingface_hub`, `s3://`
   * and `gs://` the engine image's Run:ai streamer (`pull_files`).
   */
  public static fetch(options: LocalModelCacheFetchOptions = {}): LocalModelCacheFallback {
    const factory = 'LocalModelCacheFallback.fetch';
    if (options === null || typeof options !== 'object') fail(factory, 'CS-IN-059', 'the options are not an object', 'pass { waitFor: Duration.seconds(30) } or nothing');
    const waitSeconds = options.waitFor === undefined ? DEFAULT_WAIT_SECONDS
      : wholeSeconds('waitFor', options.waitFor, 0, 3600, (p, x) => fail(factory, 'CS-IN-064', p, x));
    const token = options.token ? requireSecretRef(factory, options.token, 'the Hugging Face token') : undefined;
    return new LocalModelCacheFallback(true, waitSeconds, token);
  }

  /**
   * No fallback: the engine reads KServe's mount as it is, and on a node
   * whose copy is not finished it exits and restarts with back-off until the
   * agent is done.
   */
  public static none(): LocalModelCacheFallback {
    return new LocalModelCacheFallback(false, 0, undefined);
  }

  private constructor(
    /** @internal */ public readonly _fetch: boolean,
    /** @internal */ public readonly _waitSeconds: number,
    /** @internal */ public readonly _token: SecretKeyReference | undefined,
  ) {}
}

const DEFAULT_WAIT_SECONDS = 30;

/** How the engine image fetches one URI scheme. */
interface Fetcher {
  readonly env: k8s.EnvVar[];
  readonly python: string;
  /** The link a download from this source crosses, for the estimate. */
  readonly path: WeightPath;
}

// KServe's Hugging Face URI: hf://<owner>/<model>[:<revision>] (kserve_storage.py, _download_hf).
const HF_URI = /^hf:\/\/([A-Za-z0-9][A-Za-z0-9._-]*)\/([A-Za-z0-9][A-Za-z0-9._-]*)(?::([A-Za-z0-9][A-Za-z0-9._/-]*))?$/;
const HF_FETCH = 'import os; from huggingface_hub import snapshot_download; '
  + 'snapshot_download(repo_id=os.environ["CS_REPO_ID"], revision=os.environ.get("CS_REVISION") or None, local_dir=os.environ["CS_FETCH_DIR"])';
// vLLM's ObjectStorageModel.pull_files calls the streamer's pull_files(model_path ending in /, dst, allow, ignore).
const OBJECT_FETCH = 'import os; from runai_model_streamer import pull_files; '
  + 'pull_files(os.environ["CS_SOURCE_URI"].rstrip("/") + "/", os.environ["CS_FETCH_DIR"], None, None)';

/**
 * The link a download of `uri` crosses: the Hub for `hf://`, object storage
 * for everything else KServe fetches.
 * @internal
 */
export function downloadLink(uri: string): WeightPath {
  return uri.startsWith('hf://') ? WeightPath.HF_HUB : WeightPath.OBJECT_STORAGE;
}

/**
 * How the fallback fetches `uri`, or a CS-IN-063 error when the engine image
 * has no downloader for it.
 * @internal
 */
export function fetcherFor(factory: string, uri: string, fallback: LocalModelCacheFallback): Fetcher {
  const hf = HF_URI.exec(uri);
  const token = fallback._token;
  if (hf) {
    return {
      env: [
        { name: 'CS_REPO_ID', value: `${hf[1]}/${hf[2]}` },
        ...(hf[3] ? [{ name: 'CS_REVISION', value: hf[3] }] : []),
        { name: 'HF_HUB_DISABLE_TELEMETRY', value: '1' },
        ...(token ? [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: token.name, key: token.key } } }] : []),
      ],
      python: HF_FETCH,
      path: WeightPath.HF_HUB,
    };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(uri)?.[1];
  if (uri.startsWith('hf://')) {
    fail(factory, 'CS-IN-063', 'the fallback fetch cannot read the Hugging Face storage URI: it is not hf://<owner>/<model>[:<revision>]',
      'pass the URI as KServe reads it, e.g. hf://Qwen/Qwen2.5-0.5B-Instruct, or set fallback: LocalModelCacheFallback.none()');
  }
  if (scheme !== 's3' && scheme !== 'gs') {
    fail(factory, 'CS-IN-063', `the fallback fetch has no downloader for ${scheme}:// in the engine image (it fetches hf://, s3:// and gs://)`,
      'use an hf://, s3:// or gs:// storage URI, or set fallback: LocalModelCacheFallback.none() and let pods wait for the node agent');
  }
  if (token) {
    fail(factory, 'CS-IN-063', `a Hugging Face token is set for the fallback fetch of a ${scheme}:// storage URI`,
      `drop the token: ${scheme}:// is read with the pod's identity (its service account or node)`);
  }
  return { env: [{ name: 'CS_SOURCE_URI', value: uri }], python: OBJECT_FETCH, path: WeightPath.OBJECT_STORAGE };
}

/**
 * The KServe subPath of the model under the node group's volume:
 * `models/<first 16 hex of sha256(sourceModelUri)>` plus the storage URI
 * after the source (KServe cuts the prefix and keeps a leading /).
 * @internal
 */
export function cacheSubPath(sourceModelUri: string, storageUri: string): string {
  const key = createHash('sha256').update(sourceModelUri).digest('hex').slice(0, 16);
  const rest = storageUri.startsWith(sourceModelUri) ? storageUri.slice(sourceModelUri.length) : '';
  const trimmed = rest.replace(/^\/+|\/+$/g, '');
  return trimmed ? `models/${key}/${trimmed}` : `models/${key}`;
}

/**
 * The check-or-fetch script. Inputs by env only (no URI is spliced into shell):
 * CS_CACHE_DIR (the node's copy as this container sees it), CS_CACHE_VIEW
 * (the same copy in the engine container), CS_LINK, CS_FETCH_DIR,
 * CS_WAIT_SECONDS, CS_SETTLE_SECONDS, CS_POLL_SECONDS. `fetchPython` is one of
 * the constant programs above. Exits non-zero, so the kubelet retries the
 * init container, when a fetched copy is itself incomplete.
 * @internal
 */
export function cacheCheckScript(fetchPython: string): string {
  return [
    'set -eu',
    // A safetensors file is whole when its size is 8 + header length + the end offset of its last tensor.
    'shard_ok() {',
    '  [ -f "$1" ] || return 1',
    '  size=$(wc -c < "$1" | tr -d " ")',
    '  [ "$size" -ge 8 ] || return 1',
    '  set -- "$1" $(od -An -tu1 -N8 "$1")',
    '  [ "$6$7$8$9" = "0000" ] || return 1',
    '  n=$(( $2 + 256 * $3 + 65536 * $4 + 16777216 * $5 ))',
    '  [ "$size" -ge $(( 8 + n )) ] || return 1',
    '  end=$(head -c $(( 8 + n )) "$1" | tail -c "$n" | tr -d " \\n\\r\\t" | grep -o \'"data_offsets":[[][0-9]*,[0-9]*]\' | sed \'s/.*,\\([0-9]*\\)]$/\\1/\' | sort -n | tail -n 1)',
    '  [ "$size" -eq $(( 8 + n + ${end:-0} )) ]',
    '}',
    'complete() {',
    '  d=$1',
    '  [ -f "$d/config.json" ] || return 1',
    '  if [ -d "$d/.cache/huggingface/download" ] && [ -n "$(find "$d/.cache/huggingface/download" -name "*.incomplete" | head -n 1)" ]; then return 1; fi',
    '  if [ -f "$d/model.safetensors.index.json" ]; then',
    '    shards=$(tr -d " \\n\\r\\t" < "$d/model.safetensors.index.json" | grep -o \'"weight_map":{[^}]*}\' | grep -o \':"[^"]*"\' | sed \'s/^:"//; s/"$//\' | sort -u)',
    '    [ -n "$shards" ] || return 1',
    '    for s in $shards; do shard_ok "$d/$s" || return 1; done',
    '  else',
    '    shard_ok "$d/model.safetensors" || return 1',
    '  fi',
    '}',
    'listing() { find "$1" -type f -exec wc -c {} + | sort; }',
    'deadline=$(( $(date +%s) + CS_WAIT_SECONDS ))',
    'while :; do',
    '  if complete "$CS_CACHE_DIR"; then',
    // Nothing changed in the last minute (ctime: a downloader may set mtime, never ctime): trust it now.
    '    if [ -z "$(find "$CS_CACHE_DIR" -cmin -1 | head -n 1)" ]; then',
    '      ln -sfn "$CS_CACHE_VIEW" "$CS_LINK"',
    '      echo "the node\'s cached copy is complete: the engine reads it"',
    '      exit 0',
    '    fi',
    '    before=$(listing "$CS_CACHE_DIR")',
    '    sleep "$CS_SETTLE_SECONDS"',
    '    if complete "$CS_CACHE_DIR" && [ "$before" = "$(listing "$CS_CACHE_DIR")" ]; then',
    '      ln -sfn "$CS_CACHE_VIEW" "$CS_LINK"',
    '      echo "the node\'s cached copy is complete: the engine reads it"',
    '      exit 0',
    '    fi',
    '  fi',
    '  [ "$(date +%s)" -lt "$deadline" ] || break',
    '  echo "the node\'s cached copy is not complete yet: waiting for the node agent"',
    '  sleep "$CS_POLL_SECONDS"',
    'done',
    'echo "fetching the weights into the pod: the node\'s cached copy is not complete"',
    // A restarted init container keeps the emptyDir: a copy it already fetched whole is reused.
    'if ! complete "$CS_FETCH_DIR"; then',
    '  rm -rf "$CS_FETCH_DIR" && mkdir -p "$CS_FETCH_DIR"',
    `  python3 -c '${fetchPython}'`,
    'fi',
    'if ! complete "$CS_FETCH_DIR"; then echo "the fetched copy is incomplete" >&2; exit 1; fi',
    'ln -sfn "$CS_FETCH_DIR" "$CS_LINK"',
    'echo "the engine reads the fetched copy"',
  ].join('\n');
}

/** What the fallback needs to know about the cache. @internal */
export interface FallbackTarget {
  readonly storageUri: string;
  readonly sourceModelUri: string;
  /** The claim KServe binds in the model's namespace: `<cache name>-<node group>`. */
  readonly claimName: string;
  readonly modelBytes: number;
  readonly engineImage: string;
  readonly fetcher: Fetcher;
  readonly waitSeconds: number;
}

/**
 * Adds the check-or-fetch init container, the claim (under KServe's volume
 * name, so the webhook mounts the same volume into the engine), and the
 * emptyDir that holds the link and a fetched copy; returns the engine's path.
 * @internal
 */
export function applyFallback(pod: PodWriter, t: FallbackTarget): string {
  const sub = cacheSubPath(t.sourceModelUri, t.storageUri);
  // Not read-only at the volume, as KServe writes it: the kubelet must be able to create the engine's
  // subPath on a node that has no copy yet, or the engine would never start. Knative counts the init
  // container's mount as the volume's use (k8s_validation.go, AllMountedVolumes of init and main containers).
  pod.podVolume({ name: KSERVE_PVC_VOLUME, persistentVolumeClaim: { claimName: t.claimName } });
  pod.volume(
    { name: LINK_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString(bytesToQuantity(volumeBytesFor(t.modelBytes))) } },
    { name: LINK_VOLUME, mountPath: LINK_MOUNT, readOnly: true },
  );
  pod.initContainer(auxContainer({
    name: 'lmc-check',
    image: t.engineImage,
    command: ['sh', '-c'],
    args: [cacheCheckScript(t.fetcher.python)],
    env: [
      { name: 'HOME', value: '/tmp' },
      { name: 'CS_CACHE_DIR', value: `${CACHE_ROOT}/${sub}` },
      { name: 'CS_CACHE_VIEW', value: MODEL_MOUNT },
      { name: 'CS_LINK', value: FALLBACK_MODEL_PATH },
      { name: 'CS_FETCH_DIR', value: FETCH_DIR },
      { name: 'CS_WAIT_SECONDS', value: String(t.waitSeconds) },
      { name: 'CS_SETTLE_SECONDS', value: String(SETTLE_SECONDS) },
      { name: 'CS_POLL_SECONDS', value: String(POLL_SECONDS) },
      ...t.fetcher.env,
    ],
    volumeMounts: [
      { name: KSERVE_PVC_VOLUME, mountPath: CACHE_ROOT, readOnly: true },
      { name: LINK_VOLUME, mountPath: LINK_MOUNT },
    ],
    resources: DOWNLOAD_RESOURCES,
  }));
  return FALLBACK_MODEL_PATH;
}
