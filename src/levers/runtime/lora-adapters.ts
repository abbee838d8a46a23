import { Construct } from 'constructs';
import { applyApiProxy } from './sleep-mode';
import { Facts, PodWriter } from '../../blueprint';
import { fail } from '../../private/errors';
import { EXPANSION_SYNTAX } from '../../private/expansion';
import { requireDigest } from '../../private/image';
import { relativePathProblem } from '../../private/paths';
import { isDnsSubdomain } from '../weights/source-impl';

/**
 * Options for an existing claim of LoRA adapters.
 */
export interface AdapterClaimOptions {
  /**
   * Directory of the adapters inside the volume (the mount's `subPath`).
   * @default - the volume root
   */
  readonly subPath?: string;
}

/**
 * Where the LoRA adapters live: one directory per adapter (its
 * `adapter_config.json` and weights), mounted read-only into the engine.
 */
export class AdapterVolume {
  /**
   * An existing PersistentVolumeClaim in the model's namespace, filled by your
   * training pipeline. Replicas on several nodes need a claim they can all
   * mount (ReadWriteMany or ReadOnlyMany); a new adapter written to it is
   * served without a restart when `loadOnFirstUse` is on.
   *
   * @param claimName name of the claim
   */
  public static existingClaim(claimName: string, options: AdapterClaimOptions = {}): AdapterVolume {
    const factory = 'AdapterVolume.existingClaim';
    options = options ?? {}; // jsii callers can pass null
    if (!isDnsSubdomain(claimName)) {
      fail(factory, 'CS-IN-075', `adapter claim ${JSON.stringify(claimName)} is not a valid PersistentVolumeClaim name`, 'pass the name of an existing claim in the model\'s namespace');
    }
    const problem = options.subPath === undefined ? undefined : relativePathProblem(options.subPath);
    if (problem) fail(factory, 'CS-IN-075', `adapter claim subPath ${JSON.stringify(options.subPath)} ${problem}`, 'pass a relative directory such as "adapters/qwen"');
    return new AdapterVolume(claimName, options.subPath);
  }

  /** @internal */
  public readonly _claimName: string;
  /** @internal */
  public readonly _subPath?: string;

  private constructor(claimName: string, subPath: string | undefined) {
    this._claimName = claimName;
    this._subPath = subPath;
  }
}

/**
 * LoRA adapters served on top of the model's weights (`--enable-lora`): a new
 * fine-tune of the same base model is an adapter load on a running replica,
 * not a model of its own with its own cold start.
 */
export interface LoraAdaptersOptions {
  /**
   * The volume holding the adapters, mounted read-only at `/mnt/lora-adapters`.
   */
  readonly volume: AdapterVolume;

  /**
   * Adapters loaded at startup (`--lora-modules name=path`): the name clients
   * send in the OpenAI `model` field, and the adapter's directory inside the
   * volume. Names are letters, digits, `.`, `_` and `-`.
   * @default - none
   */
  readonly preload?: { [name: string]: string };

  /**
   * Load any adapter of the volume on the first request that names it
   * (vLLM's filesystem LoRA resolver: `VLLM_ALLOW_RUNTIME_LORA_UPDATING=true`
   * with `VLLM_LORA_RESOLVER_CACHE_DIR` on the volume), so an adapter written
   * to the volume is served without a restart. The adapter's directory name
   * is its model name, and vLLM v0.10 loads it only when its
   * `adapter_config.json` has `peft_type` `LORA` and `base_model_name_or_path`
   * equal to the engine's `--model` (the directory the weight source mounts,
   * e.g. `/mnt/models`). The same setting registers `POST
   * /v1/load_lora_adapter`, which loads any path of the container: the engine
   * then listens on 127.0.0.1 behind the API proxy (sleep mode's, or one
   * from `proxyImage`), which never forwards it.
   * @default false
   */
  readonly loadOnFirstUse?: boolean;

  /**
   * An nginx image, pinned by digest, that runs as a non-root user (e.g.
   * `nginxinc/nginx-unprivileged@sha256:...`), for the proxy that keeps the
   * runtime-loading endpoints inside the pod. Required with `loadOnFirstUse`
   * unless `runtime.sleepMode` already puts its proxy in front (then, if
   * given, it must be the same image).
   * @default - the sleep-mode proxy image; none without `loadOnFirstUse`
   */
  readonly proxyImage?: string;

  /**
   * `--max-loras`: adapters in one batch, each holding a slot in GPU memory.
   * @default 1 (vLLM's default)
   */
  readonly maxLoras?: number;

  /**
   * `--max-lora-rank`: the highest adapter rank served, one of 8, 16, 32, 64,
   * 128, 256, 320 and 512 (vLLM v0.10's LoRAConfig). Every slot is sized for
   * it, so a higher rank takes GPU memory from the KV cache.
   * @default 16 (vLLM's default)
   */
  readonly maxLoraRank?: number;

  /**
   * `--max-cpu-loras`: adapters kept in host memory, at least `maxLoras`.
   * @default - maxLoras (vLLM's default)
   */
  readonly maxCpuLoras?: number;
}

/** Where the adapters are mounted. @internal */
export const ADAPTER_MOUNT = '/mnt/lora-adapters';
/** vLLM v0.10 LoRAConfig.__post_init__: the ranks `--max-lora-rank` accepts. */
const LORA_RANKS = [8, 16, 32, 64, 128, 256, 320, 512];
/** vLLM v0.10 pyproject.toml: the resolver's entry point in the `vllm.general_plugins` group. */
const RESOLVER_PLUGIN = 'lora_filesystem_resolver';
/** A name clients send: no `=` or `,`, which vLLM's `name=path` form splits on, no white space. */
const ADAPTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_NAME = 253;
/** Slots are GPU memory: far beyond this a typo, not a plan. */
const MAX_LORAS = 1024;

/**
 * The adapters, checked at construction (before any output).
 * @internal
 */
export function checkAdapters(
  scope: Construct,
  a: LoraAdaptersOptions,
  o: { readonly servedModelName: string; readonly sleepProxyImage?: string; readonly extraEnv: Readonly<Record<string, string>> },
): void {
  const bad = (problem: string, fix: string): never => fail(scope, 'CS-IN-075', problem, fix);
  if (a === null || typeof a !== 'object') bad('adapters is not an options object', 'pass { volume: AdapterVolume.existingClaim("adapters"), preload: { name: "dir" } }');
  if (!(a.volume instanceof AdapterVolume)) bad('adapters.volume is missing or not an AdapterVolume', 'pass volume: AdapterVolume.existingClaim("<claim>")');
  if (a.preload !== undefined && (a.preload === null || typeof a.preload !== 'object' || Array.isArray(a.preload))) {
    bad('adapters.preload is not a map of adapter names to directories', 'pass e.g. { "sql-expert": "sql-expert" }');
  }
  if (a.loadOnFirstUse !== undefined && typeof a.loadOnFirstUse !== 'boolean') bad(`adapters.loadOnFirstUse is ${typeof a.loadOnFirstUse}, not a boolean`, 'pass true or false');
  const preload = Object.entries(a.preload ?? {});
  if (!preload.length && !a.loadOnFirstUse) {
    bad('adapters names no adapter to preload and loadOnFirstUse is off: --enable-lora would serve none',
      'list adapters in adapters.preload, or set adapters.loadOnFirstUse');
  }
  for (const [name, dir] of preload) {
    if (!ADAPTER_NAME.test(name) || name.length > MAX_NAME) {
      bad(`adapter name ${JSON.stringify(name)} is not letters, digits, ".", "_" and "-" (at most ${MAX_NAME}, starting with a letter or digit)`,
        'name the adapter as clients will send it in the "model" field, e.g. "sql-expert"');
    }
    if (name === o.servedModelName) bad(`adapter name "${name}" is the served model name: clients could not tell the two apart`, 'give the adapter a name of its own');
    const problem = typeof dir !== 'string' ? 'is not a string' : relativePathProblem(dir) ?? (/[=,]/.test(dir) ? 'holds "=" or ",", which vLLM\'s name=path form splits on' : undefined);
    if (problem || EXPANSION_SYNTAX.test(dir)) {
      bad(`adapter "${name}" directory ${JSON.stringify(dir)} ${problem ?? 'holds $( or $$, which the kubelet rewrites in the engine\'s args'}`,
        'pass the adapter\'s directory relative to the adapter volume, e.g. "sql-expert"');
    }
  }
  const count = (what: string, v: number | undefined, min: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= MAX_LORAS)) bad(`adapters.${what} ${v} is not an integer in [${min}, ${MAX_LORAS}]`, `set adapters.${what} to the adapters it should hold, e.g. 4`);
  };
  count('maxLoras', a.maxLoras, 1);
  count('maxCpuLoras', a.maxCpuLoras, 1);
  const maxLoras = a.maxLoras ?? 1;
  if (a.maxCpuLoras !== undefined && a.maxCpuLoras < maxLoras) {
    bad(`adapters.maxCpuLoras ${a.maxCpuLoras} is below maxLoras ${maxLoras} (vLLM refuses to start)`, 'raise maxCpuLoras to at least maxLoras, or leave it out');
  }
  if (a.maxLoraRank !== undefined && !LORA_RANKS.includes(a.maxLoraRank)) {
    bad(`adapters.maxLoraRank ${a.maxLoraRank} is not one of ${LORA_RANKS.join(', ')} (vLLM refuses to start)`, 'use the smallest of them at or above your adapters\' rank');
  }
  if (a.proxyImage !== undefined) {
    requireDigest(scope, a.proxyImage, 'adapter proxy image');
    if (o.sleepProxyImage !== undefined && a.proxyImage !== o.sleepProxyImage) {
      fail(scope, 'CS-IN-006', `adapters.proxyImage ${a.proxyImage} differs from runtime.sleepMode.proxyImage ${o.sleepProxyImage}: the pod has one API proxy`,
        'leave adapters.proxyImage out (sleep mode\'s proxy serves both) or pass the same image');
    }
  }
  if (a.loadOnFirstUse) {
    if (a.proxyImage === undefined && o.sleepProxyImage === undefined) {
      fail(scope, 'CS-IN-076', 'adapters.loadOnFirstUse sets VLLM_ALLOW_RUNTIME_LORA_UPDATING, which registers POST /v1/load_lora_adapter (any path of the container into the engine) on the API port, and no proxy keeps it off the network',
        'pass adapters.proxyImage (an nginx image pinned by digest: the engine moves to 127.0.0.1 behind it), or use runtime.sleepMode, whose proxy serves both');
    }
    const plugins = o.extraEnv.VLLM_PLUGINS;
    if (plugins !== undefined && !plugins.split(',').includes(RESOLVER_PLUGIN)) {
      fail(scope, 'CS-IN-077', `engine.extraEnv VLLM_PLUGINS "${plugins}" leaves out ${RESOLVER_PLUGIN}: vLLM would never register the filesystem resolver, and adapters.loadOnFirstUse would load nothing`,
        `add ${RESOLVER_PLUGIN} to VLLM_PLUGINS, or drop VLLM_PLUGINS (vLLM then loads every installed plugin)`);
    }
  }
}

/** @internal */
export interface AdapterWiring {
  /** The engine's port when a proxy this call added sits in front, else undefined. */
  readonly enginePort?: number;
}

/**
 * Writes the adapters into the pod: the volume, `--enable-lora` and its
 * limits, the preloaded adapters and, for loading on first use, the resolver's
 * settings and (unless sleep mode's is there) the API proxy.
 *
 * SOURCE: vLLM v0.10.0 (commit 6d8d0a24c02b): `--lora-modules` takes several
 * values and keeps the last occurrence (cli_args.py LoRAParserAction);
 * VLLM_ALLOW_RUNTIME_LORA_UPDATING is true for "1" or "true" and both
 * registers `/v1/load_lora_adapter` and `/v1/unload_lora_adapter`
 * (api_server.py) and lets a request for an unknown model name go to the
 * resolvers (serving_engine.py `_check_model`); the filesystem resolver is
 * the `lora_filesystem_resolver` general plugin, registered when
 * VLLM_LORA_RESOLVER_CACHE_DIR names a directory (plugins/lora_resolvers).
 * @internal
 */
export function applyLoraAdapters(
  scope: Construct,
  pod: PodWriter,
  a: LoraAdaptersOptions,
  o: { readonly publicPort: number; readonly name: string; readonly behindProxy: boolean },
): AdapterWiring {
  const volume = a.volume;
  pod.volume(
    { name: 'lora-adapters', persistentVolumeClaim: { claimName: volume._claimName, readOnly: true } },
    { name: 'lora-adapters', mountPath: ADAPTER_MOUNT, readOnly: true, subPath: volume._subPath });
  pod.arg('--enable-lora');
  if (a.maxLoras !== undefined) pod.arg('--max-loras', `${a.maxLoras}`);
  if (a.maxLoraRank !== undefined) pod.arg('--max-lora-rank', `${a.maxLoraRank}`);
  if (a.maxCpuLoras !== undefined) pod.arg('--max-cpu-loras', `${a.maxCpuLoras}`);
  const preload = Object.entries(a.preload ?? {});
  if (preload.length) pod.argValues('--lora-modules', preload.map(([name, dir]) => `${name}=${ADAPTER_MOUNT}/${dir}`));
  pod.set(Facts.LORA_ADAPTERS, true);
  if (!a.loadOnFirstUse) return {};
  pod.env('VLLM_ALLOW_RUNTIME_LORA_UPDATING', 'true');
  pod.env('VLLM_LORA_RESOLVER_CACHE_DIR', ADAPTER_MOUNT);
  if (o.behindProxy) return {};
  // checkAdapters refused loadOnFirstUse with neither proxy.
  return applyApiProxy(scope, pod, { image: a.proxyImage!, role: 'api-proxy', what: 'adapter proxy image' }, o.publicPort, o.name);
}
