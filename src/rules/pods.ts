import { parse as parseShell } from 'shell-quote';
import { readArgv, resolveFlag } from '../private/vllm-argv';

/**
 * Reading pods out of any object: core workloads, KServe InferenceServices and
 * serving runtimes. Rules work on these views, never on our props.
 */

/** @internal */
export interface ContainerView {
  readonly name: string;
  readonly image?: string;
  readonly imagePullPolicy?: string;
  readonly init: boolean;
  /** command + args, split into tokens (shell strings too). */
  readonly tokens: string[];
  readonly env: Record<string, string | undefined>;
  readonly raw: any;
  /** `isVllm` of this view, set on its first call: a dozen rules ask it of every container. */
  vllm?: boolean;
}

/** @internal */
export interface PodView {
  /** Where the pod spec sits in the object, e.g. `spec.template.spec`. */
  readonly where: string;
  readonly spec: any;
  readonly containers: ContainerView[];
  /** Object kind, to tell KServe components apart. */
  readonly kind: string;
  /** False for a pod template whose spec is not a map (read as an empty pod). */
  readonly wellFormed: boolean;
}

const KSERVE_COMPONENTS = ['predictor', 'transformer', 'explainer'];

/** A POSIX shell by its basename; `-c` (alone or in a flag group like `-ec`) makes the next element its script. */
const SHELL = /(^|\/)(sh|bash|dash|ash|zsh|ksh)$/;

/**
 * The words the program sees. Each argv element is one argument, as the
 * kubelet passes it, white space and all; only a shell script (`sh -c
 * "vllm serve ..."`) is split, with a real shell-words parser, into the
 * words of the commands it runs.
 */
function words(argv: string[]): string[] {
  const c = SHELL.test(argv[0] ?? '') ? argv.findIndex((a, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(a)) : -1;
  // Most argvs hold no empty element: returned as they are, not copied.
  if (c < 0 || argv[c + 1] === undefined) return argv.includes('') ? argv.filter(Boolean) : argv;
  return [...argv.slice(0, c + 1), ...scriptWords(argv[c + 1]), ...argv.slice(c + 2)].filter(Boolean);
}

/** Words of each script seen, by its text: the same few scripts (`exit 0`) recur in every model's pods. */
const SCRIPT_WORDS = new Map<string, readonly string[]>();
const MAX_SCRIPTS = 1000;

/** The words of a shell script, read with a shell-words parser; variables stay as written: the rules judge the script, not one environment. */
function scriptWords(script: string): readonly string[] {
  let found = SCRIPT_WORDS.get(script);
  if (found === undefined) {
    found = parseShell(script, name => `$${name}`).filter((w): w is string => typeof w === 'string');
    if (SCRIPT_WORDS.size >= MAX_SCRIPTS) SCRIPT_WORDS.clear();
    SCRIPT_WORDS.set(script, found);
  }
  return found;
}

// Views are made for every container of every object, mostly before the JIT has optimized this code:
// indexed loops and pushes, without the iterators, spreads and intermediate arrays they would need.
function container(raw: any, init: boolean): ContainerView {
  const argv: string[] = [];
  pushStrings(argv, raw.command);
  pushStrings(argv, raw.args);
  const env: Record<string, string | undefined> = {};
  const list = raw.env;
  if (Array.isArray(list)) {
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (typeof e?.name === 'string') env[e.name] = e.value;
    }
  }
  return { name: raw.name ?? '', image: raw.image, imagePullPolicy: raw.imagePullPolicy, init, tokens: words(argv), env, raw, vllm: undefined };
}

/** Each element of a list field as a string; anything but a list adds none. */
function pushStrings(out: string[], list: unknown): void {
  if (Array.isArray(list)) for (let i = 0; i < list.length; i++) out.push(String(list[i]));
}

/** The views of the maps of a list field; anything else (null, a string, a map) reads as none. */
function pushContainers(out: ContainerView[], list: unknown, init: boolean): void {
  if (Array.isArray(list)) for (let i = 0; i < list.length; i++) if (isMap(list[i])) out.push(container(list[i], init));
}

/** No containers besides the pod's own. */
const NO_EXTRA: readonly any[] = [];

function view(where: string, spec: any, kind: string, extra: readonly any[] = NO_EXTRA): PodView {
  const pod = spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? spec : {};
  const containers: ContainerView[] = [];
  pushContainers(containers, pod.initContainers, true);
  pushContainers(containers, pod.containers, false);
  for (let i = 0; i < extra.length; i++) containers.push(container(extra[i], false));
  return { where, spec: pod, containers, kind, wellFormed: pod === spec };
}

/**
 * `read` of a text, computed once per distinct text: rules read the same few spellings (durations, keys, paths) in
 * every model. At most 1,000 are kept (then forgotten all at once), so a foreign app of many spellings grows nothing.
 * @internal
 */
export function memoized<V>(read: (text: string) => V): (text: string) => V {
  const cache = new Map<string, V>();
  return text => {
    if (cache.has(text)) return cache.get(text)!;
    const value = read(text);
    if (cache.size >= 1000) cache.clear();
    cache.set(text, value);
    return value;
  };
}

/** The value for `key`, made on first use: every rule reads the same JSON, so views of it are made once. @internal */
export function once<K extends object, V>(cache: WeakMap<K, V>, key: K, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, value = make());
  return value;
}

/*
 * The views of each object, by its JSON. The pack drops an object's views once it has judged it
 * (`_forgetViewsOf`), and any left when its pass ends (`_forgetViews`): kept, they would live as long as that JSON,
 * which the writer holds until the manifest is written (megabytes at a thousand models), and dropped at once they
 * die young, which costs the collector nothing.
 */
let VIEWS = new WeakMap<object, Views>();

/** The views of one object, each made on its first use: one entry per object, whichever views the rules ask for. */
interface Views {
  pods?: PodView[];
  vllm?: Array<{ pod: PodView; c: ContainerView }>;
  uris?: string[];
  metadata?: PodMetadata;
}

// Read without `once`: every rule asks for every object's views, and its closure would be made at each call.
function viewsOf(obj: object): Views {
  let views = VIEWS.get(obj);
  if (views === undefined) VIEWS.set(obj, views = { pods: undefined, vllm: undefined, uris: undefined, metadata: undefined });
  return views;
}

/** Drops the views of one object (see `VIEWS`); they are made again if asked for. @internal */
export function _forgetViewsOf(obj: object): void {
  VIEWS.delete(obj);
}

/** Drops the views made so far (see `VIEWS`); they are made again if asked for. @internal */
export function _forgetViews(): void {
  VIEWS = new WeakMap();
}

/** Every pod spec in an object. @internal */
export function podsOf(obj: any): PodView[] {
  if (obj === null || typeof obj !== 'object') return [];
  const views = viewsOf(obj);
  return views.pods ??= readPods(obj);
}

/** Deep enough for every workload API seen (LeaderWorkerSet's worker template sits at depth 4). */
const MAX_DEPTH = 8;

/**
 * Every pod spec in the object, found by shape rather than by kind: any map
 * with a `containers` or `initContainers` list under `spec` (a Deployment's
 * `spec.template.spec`, a CronJob's job template, a Knative Service, an Argo
 * Rollout, a LeaderWorkerSet's leader and worker templates, a ServingRuntime,
 * an InferenceService component and its `workerSpec`, a custom resource).
 */
function readPods(obj: any): PodView[] {
  const kind = typeof obj?.kind === 'string' ? obj.kind : '';
  const spec = obj?.spec;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return [];
  const pods: PodView[] = [];
  // The keys from `spec` down to the node: its `where` is joined only for a pod spec.
  const path = ['spec'];
  // Every map under every object's spec is visited, mostly before the JIT has optimized this: no closure or list per node.
  const walk = (node: any, depth: number, component: boolean): void => {
    const n = path.length;
    // `<...>.template.spec`, a pod template's spec.
    const atTemplateSpec = n >= 2 && path[n - 1] === 'spec' && path[n - 2] === 'template';
    if (node === null || typeof node !== 'object' || Array.isArray(node) || depth > MAX_DEPTH) {
      // A pod template whose spec is not a map: a pod no rule could read.
      if (node !== undefined && node !== null && atTemplateSpec) pods.push(view(path.join('.'), node, kind));
      return;
    }
    // A pod template's spec (or a Pod's) is a pod whatever its containers hold: CS-WL-002 reports a list that is not one.
    const template = atTemplateSpec || (kind === 'Pod' && n === 1);
    const isPod = Array.isArray(node.containers) || Array.isArray(node.initContainers)
      || (template && (node.containers !== undefined || node.initContainers !== undefined));
    // An InferenceService component's `model` is a container merged into kserve-container at admission.
    const model = component ? node.model : undefined;
    const hasModel = component && model !== null && typeof model === 'object' && !Array.isArray(model);
    if (isPod || hasModel) pods.push(view(path.join('.'), node, kind, hasModel ? [{ name: 'kserve-container', ...model }] : NO_EXTRA));
    const keys = Object.keys(node);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      // A pod's own containers and volumes hold no pod specs.
      if (isPod && (key === 'containers' || key === 'initContainers' || key === 'ephemeralContainers' || key === 'volumes')) continue;
      const value = node[key];
      // A template's `spec` is walked whatever it is, so a spec that is not a map is reported.
      if ((value !== null && typeof value === 'object' && !Array.isArray(value)) || (key === 'spec' && path[n - 1] === 'template')) {
        path.push(key);
        // Depth 0 is `spec` itself, where an InferenceService's components sit.
        walk(value, depth + 1, kind === 'InferenceService' && depth === 0 && KSERVE_COMPONENTS.includes(key));
        path.pop();
      }
    }
  };
  walk(spec, 0, false);
  return pods;
}

/** The metadata beside the first pod spec found by shape (`<template>.metadata` for `<template>.spec`). */
function templateMetadata(obj: any): any {
  const where = podsOf(obj)[0]?.where;
  if (!where?.endsWith('.spec')) return undefined;
  let node = obj;
  for (const key of where.split('.').slice(0, -1)) node = node?.[key];
  return node?.metadata;
}

/** The pod template's metadata (labels and annotations), where the kind has one. @internal */
export function podMetadata(obj: any): PodMetadata {
  if (obj === null || typeof obj !== 'object') return readPodMetadata(obj);
  // Read once per object, like its pods: CS-SEC-001 and CS-SEC-002 ask it of every object.
  const views = viewsOf(obj);
  return views.metadata ??= readPodMetadata(obj);
}

/** @internal */
export interface PodMetadata {
  readonly annotations: Record<string, string>;
  readonly labels: Record<string, string>;
}

function readPodMetadata(obj: any): PodMetadata {
  const m = obj?.kind === 'Pod' ? obj.metadata
    : obj?.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template?.metadata
      : obj?.kind === 'InferenceService' ? obj.spec?.predictor
        : obj?.spec?.template?.metadata ?? templateMetadata(obj);
  const map = (x: unknown): Record<string, string> => (x !== null && typeof x === 'object' && !Array.isArray(x) ? x as Record<string, string> : {});
  return { annotations: map(m?.annotations), labels: map(m?.labels) };
}

/**
 * True for a vLLM server: its command says so, or it runs a vLLM image's own
 * entrypoint. A `command` replaces that entrypoint, so a vLLM-image container
 * running e.g. `sh -c` (a weight loader, a wait) is not a server.
 * @internal
 */
export function isVllm(c: ContainerView): boolean {
  let yes = c.vllm;
  if (yes === undefined) c.vllm = yes = readVllm(c);
  return yes;
}

const VLLM_TOKEN = /^vllm$|^vllm\.entrypoints|(^|\/)vllm$/;
const VLLM_IMAGE = /(^|[/_-])vllm([/:@_-]|$)/i;

function readVllm(c: ContainerView): boolean {
  const tokens = c.tokens;
  for (let i = 0; i < tokens.length; i++) if (VLLM_TOKEN.test(tokens[i])) return true;
  return VLLM_IMAGE.test(c.image ?? '') && !(c.raw.command?.length);
}

/** True when the container asks for a GPU (`<vendor>/gpu`). @internal */
export function isGpu(c: ContainerView): boolean {
  const r = c.raw.resources ?? {};
  return hasGpuKey(r.limits ?? {}) || hasGpuKey(r.requests ?? {});
}

function hasGpuKey(resources: object): boolean {
  for (const k of Object.keys(resources)) if (k.endsWith('/gpu')) return true;
  return false;
}

/**
 * The value of a flag as vLLM's parser reads it (`true` for a bare flag,
 * `false` for `--no-flag`): `--flag=value` or `--flag value`, any unambiguous
 * prefix, `_` for `-`, `-tp` for `--tensor-parallel-size`; the last occurrence
 * wins, as in argparse. `--json-flag.key` is found as `--json-flag.key`.
 * @internal
 */
export function flag(tokens: string[], ...names: string[]): string | boolean | undefined {
  let flags = FLAGS.get(tokens);
  if (flags === undefined) FLAGS.set(tokens, flags = readFlags(tokens));
  let found: { at: number; value: string | boolean } | undefined;
  for (const n of names) {
    const r = resolveFlag(n);
    const f = flags.get(r.key ? `${r.name}.${r.key}` : r.name);
    if (f && (!found || f.at > found.at)) found = f;
  }
  return found?.value;
}

const FLAGS = new WeakMap<string[], Map<string, { at: number; value: string | boolean }>>();

function readFlags(tokens: string[]): Map<string, { at: number; value: string | boolean }> {
  const flags = new Map<string, { at: number; value: string | boolean }>();
  for (const f of readArgv(tokens)) flags.set(f.key ? `${f.name}.${f.key}` : f.name, { at: f.at, value: f.value });
  return flags;
}

/** Seconds a startup probe lets a container take: initial delay + failureThreshold x period (Kubernetes' defaults 0, 3, 10). @internal */
export function probeBudgetSeconds(probe: any): number {
  return (Number(probe?.initialDelaySeconds) || 0) + (Number(probe?.failureThreshold) || 3) * (Number(probe?.periodSeconds) || 10);
}

/**
 * An InferenceService served by Knative: `deploymentMode` Knative or
 * Serverless, or unset (the cluster default, Knative in KServe's install configs).
 * @internal
 */
export function isKnativeInferenceService(obj: any): boolean {
  if (obj?.kind !== 'InferenceService') return false;
  const mode = obj.metadata?.annotations?.['serving.kserve.io/deploymentMode'];
  return mode === undefined || mode === 'Knative' || mode === 'Serverless';
}

/** True for a map (not null, not a list). @internal */
export function isMap(x: unknown): x is Record<string, any> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** Tensor parallel size of a vLLM container (1 when unset). @internal */
export function tensorParallel(c: ContainerView): number {
  const v = flag(c.tokens, '--tensor-parallel-size', '-tp');
  const n = typeof v === 'string' ? Number(v) : 1;
  return Number.isFinite(n) ? n : 1;
}

const UNITS: Record<string, number> = {
  '': 1,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/** Bytes of a Kubernetes quantity (`16Gi`, `500M`, `1e9`), undefined if unreadable. @internal */
export function quantityBytes(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([0-9.]+(?:[eE][0-9]+)?)([KMGTPE]i|[kMGTPE])?$/.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2] ?? ''];
}

/** The volume mounted at `path` in the container, if any. @internal */
export function volumeAt(pod: PodView, c: ContainerView, path: string): any | undefined {
  const mount = (c.raw.volumeMounts ?? []).find((m: any) => m.mountPath === path || m.mountPath === `${path}/`);
  if (!mount) return undefined;
  return (pod.spec.volumes ?? []).find((v: any) => v.name === mount.name);
}

/** `Kind/name` of an object, for messages. @internal */
export function describe(obj: any): string {
  return `${obj?.kind ?? '?'}/${obj?.metadata?.name ?? '?'}`;
}

/** Every storage URI of an InferenceService: `storageUri` fields and `STORAGE_URI` env. @internal */
export function storageUris(obj: any): string[] {
  if (obj?.kind !== 'InferenceService') return [];
  // Six rules ask for them: read once per object, like its pods.
  const views = viewsOf(obj);
  return views.uris ??= readStorageUris(obj);
}

function readStorageUris(obj: any): string[] {
  const uris: string[] = [];
  for (const name of KSERVE_COMPONENTS) {
    const component = obj.spec?.[name];
    if (!component) continue;
    for (const value of Object.values<any>(component)) {
      if (value && typeof value === 'object' && typeof value.storageUri === 'string') uris.push(value.storageUri);
    }
    for (const s of component.storageUris ?? []) if (typeof s?.uri === 'string') uris.push(s.uri);
    for (const c of component.containers ?? []) {
      for (const e of c.env ?? []) if (e.name === 'STORAGE_URI' && typeof e.value === 'string') uris.push(e.value);
    }
  }
  return uris;
}

/** Every (non-init) vLLM container of an object, with its pod; read once per object, like its pods. @internal */
export function vllmContainers(obj: any): Array<{ pod: PodView; c: ContainerView }> {
  if (obj === null || typeof obj !== 'object') return [];
  const views = viewsOf(obj);
  return views.vllm ??= readVllmContainers(podsOf(obj));
}

/** Most objects run no vLLM: they share one empty list. */
const NO_VLLM: Array<{ pod: PodView; c: ContainerView }> = [];

function readVllmContainers(pods: PodView[]): Array<{ pod: PodView; c: ContainerView }> {
  let found = NO_VLLM;
  for (let p = 0; p < pods.length; p++) {
    const pod = pods[p];
    const containers = pod.containers;
    for (let i = 0; i < containers.length; i++) {
      const c = containers[i];
      if (c.init || !isVllm(c)) continue;
      if (found === NO_VLLM) found = [];
      found.push({ pod, c });
    }
  }
  return found;
}
