import { App } from 'cdk8s';
import { InputError, Manifest } from './input';
import { COLDSTART_REPORT_FILE, ColdStartReportWriter } from '../estimate/cold-start-report';
import { assessColdStart, ColdStartAssessment } from '../estimate/estimate';
import { ColdStartFacts } from '../estimate/facts';
import { CapacityArrival, ImageArrival, WeightPath } from '../estimate/paths';
import { captureSizesOf } from '../estimate/shape';
import { fmt } from '../estimate/waterfall-svg';
import { maskUserInfo } from '../levers/weights/secret-reference';
import { ModelSize, Precision } from '../model-size';
import { ContainerView, flag, isGpu, PodView, podMetadata, podsOf, quantityBytes, storageUris, tensorParallel, vllmContainers } from '../rules/pods';

/** The weights' size, which no ordinary manifest states: `140Gi` or `70B/bf16`. @internal */
export const MODEL_SIZE_ANNOTATION = 'coldstart.cdk8s.io/model-size';

/** The probe that limits a start: the startup probe, else the liveness probe (it runs from the start), else none. @internal */
export interface ProbeBudget {
  readonly probe: 'startup' | 'liveness' | 'none';
  /** initialDelaySeconds + periodSeconds x failureThreshold. */
  readonly seconds?: number;
}

/** The cold-start estimate of one vLLM workload of the input, or why there is none. @internal */
export interface WorkloadEstimate {
  readonly file: string;
  readonly line: number;
  /** `Kind/name` as written. */
  readonly object: string;
  readonly namespace?: string;
  readonly container: string;
  /** Unique label of the workload in the report: `[namespace/]Kind/name[/container]`. */
  readonly path: string;
  /** File-name stem of its picture. */
  readonly name: string;
  readonly probe: ProbeBudget;
  /** What the manifest said, credentials masked. */
  readonly evidence: string[];
  /** What the manifest did not say and the estimate assumed. */
  readonly assumptions: string[];
  /** The estimate; absent when the manifest does not say enough. */
  readonly assessment?: ColdStartAssessment;
  /** How the model size was given. */
  readonly modelSize?: string;
  /** Why there is no estimate. */
  readonly missing?: string;
}

const MISSING_SIZE = `model size unknown; add the ${MODEL_SIZE_ANNOTATION} annotation`;
const PRECISIONS = Object.values(Precision) as string[];

/**
 * The estimate of every vLLM workload in the manifests, its inputs read from
 * the manifests (see the README's "Checker": what it reads and assumes).
 * ServingRuntimes are templates, not workloads: their InferenceServices are.
 * @internal
 */
export function estimateWorkloads(manifests: Manifest[]): WorkloadEstimate[] {
  const problems = manifests.flatMap(m => {
    const value = m.object.metadata?.annotations?.[MODEL_SIZE_ANNOTATION];
    const parsed = value === undefined ? undefined : parseModelSize(value);
    return parsed && 'problem' in parsed ? [`${m.file}:${m.line}: ${m.object.kind}/${m.object.metadata?.name}: annotation ${MODEL_SIZE_ANNOTATION}: ${parsed.problem}`] : [];
  });
  if (problems.length) throw new InputError(problems.join('\n'));

  const objects = manifests.map(m => m.object);
  const out: WorkloadEstimate[] = [];
  for (const m of manifests) {
    const o = m.object;
    if (o.kind === 'ServingRuntime' || o.kind === 'ClusterServingRuntime') continue;
    const servers = workloadContainers(o);
    servers.forEach(({ pod, c, kserveRuntime }) => {
      const name = `${o.metadata?.name ?? 'unnamed'}${servers.length > 1 ? `-${c.name}` : ''}`;
      const path = `${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.kind}/${o.metadata?.name ?? '(unnamed)'}${servers.length > 1 ? `/${c.name}` : ''}`;
      out.push({
        file: m.file,
        line: m.line,
        object: `${o.kind}/${o.metadata?.name ?? '(unnamed)'}`,
        namespace: o.metadata?.namespace,
        container: c.name,
        path,
        name,
        ...estimateOne(o, pod, c, kserveRuntime, objects),
      });
    });
  }
  return out;
}

/**
 * vLLM servers of an object. A KServe predictor that names only
 * `modelFormat: huggingface` has no vLLM container in the object, but the
 * Hugging Face runtime serves it with vLLM unless told `--backend` otherwise.
 */
function workloadContainers(o: any): Array<{ pod: PodView; c: ContainerView; kserveRuntime: boolean }> {
  const found = vllmContainers(o).map(x => ({ ...x, kserveRuntime: false }));
  if (found.length || o.kind !== 'InferenceService') return found;
  return podsOf(o).flatMap(pod => pod.containers
    .filter(c => c.name === 'kserve-container' && /^huggingface$/i.test(pod.spec.model?.modelFormat?.name ?? ''))
    .filter(c => [undefined, 'auto', 'vllm'].includes(flag(c.tokens, '--backend') as string | undefined))
    .map(c => ({ pod, c, kserveRuntime: true })));
}

type Estimated = Pick<WorkloadEstimate, 'probe' | 'evidence' | 'assumptions' | 'assessment' | 'modelSize' | 'missing'>;

function estimateOne(o: any, pod: PodView, c: ContainerView, kserveRuntime: boolean, objects: any[]): Estimated {
  const evidence: string[] = [];
  const assumptions: string[] = [];
  const probe = probeBudget(c);
  if (kserveRuntime) assumptions.push('the KServe Hugging Face runtime serves it with vLLM (its default backend)');

  const model = modelReference(o, pod, c);
  const weightsImage: WeightsImage = {};
  const weights = weightPathOf(model, pod, c, evidence, assumptions, weightsImage);
  const size = modelSize(o, model, c, evidence, assumptions);
  if (!weights) return { probe, evidence, assumptions, missing: 'no model in the command line or storage URI: weight path unknown' };
  if (!size) return { probe, evidence, assumptions, missing: MISSING_SIZE };

  const streamer = streamerConcurrency(c, weights, evidence, assumptions);
  // Read before the image, which needs it; said after it, in wake order.
  const nodeEvidence: string[] = [];
  const nodeAssumptions: string[] = [];
  const capacity = capacityArrival(objects, nodeEvidence, nodeAssumptions);
  const images = imageArrival(c, weights === WeightPath.OCI_MODELCAR ? weightsImage.image : undefined, capacity, objects, evidence, assumptions);
  evidence.push(...nodeEvidence);
  assumptions.push(...nodeAssumptions);
  const facts: ColdStartFacts = {
    weightPath: weights,
    streamerConcurrency: streamer,
    // Every tensor-parallel rank streams every file (vLLM's non-distributed Run:ai streamer).
    streamerRanks: tensorParallel(c),
    ...images,
    capacityArrival: capacity,
    eager: eager(c, evidence),
    compile: compile(c, evidence, assumptions),
    persistentCompileCache: persistentCompileCache(pod, c, evidence),
    warmup: warmup(c, evidence, assumptions),
    sleepMode: flagOn(c, '--enable-sleep-mode'),
    loraAdapters: flagOn(c, '--enable-lora'),
  };
  if (facts.sleepMode) evidence.push('--enable-sleep-mode');
  if (facts.loraAdapters) evidence.push('--enable-lora');
  const cpus = cpuRequest(c);
  if (cpus === undefined) assumptions.push(`no CPU request: ${4 * tensorParallel(c)} cores (4 per GPU) for process start and compile`);
  const shape = {
    parameters: size.parameters,
    tensorParallel: tensorParallel(c),
    podCpus: cpus ?? 4 * tensorParallel(c),
    captureSizes: captureSizesOf(c.tokens),
  };
  return { probe, evidence, assumptions, modelSize: size.description, assessment: assessColdStart({ weightBytes: size.bytes, facts, shape }) };
}

interface ModelReference {
  /** A KServe storage URI, read by the storage initializer (or a modelcar) into /mnt/models. */
  readonly storageUri?: string;
  /** The engine's model argument: a path, an object-store URI or a Hub id. */
  readonly model?: string;
}

function modelReference(o: any, pod: PodView, c: ContainerView): ModelReference {
  const storageUri = pod.kind === 'InferenceService' && pod.where === 'spec.predictor' ? storageUris(o)[0] : undefined;
  const named = flag(c.tokens, '--model', '--model_id');
  // `vllm serve <model>`: the model is serve's positional argument.
  const serve = c.tokens.findIndex((t, i) => t === 'serve' && /(^|\/)vllm$/.test(c.tokens[i - 1] ?? ''));
  const positional = serve >= 0 && c.tokens[serve + 1] && !c.tokens[serve + 1].startsWith('-') ? c.tokens[serve + 1] : undefined;
  return { storageUri, model: typeof named === 'string' ? named : positional };
}

const SCHEMES: Record<string, WeightPath> = {
  oci: WeightPath.OCI_MODELCAR,
  hf: WeightPath.HF_HUB,
  s3: WeightPath.OBJECT_STORAGE,
  gs: WeightPath.OBJECT_STORAGE,
  pvc: WeightPath.SHARED_VOLUME,
};

/** The image that holds the weights when they come in one (modelcar, image volume, the engine image itself). */
interface WeightsImage { image?: string }

function weightPathOf(
  ref: ModelReference, pod: PodView, c: ContainerView, evidence: string[], assumptions: string[], found: WeightsImage,
): WeightPath | undefined {
  if (ref.storageUri) {
    const scheme = /^([a-z0-9+.-]+):\/\//i.exec(ref.storageUri)?.[1].toLowerCase() ?? '';
    evidence.push(`storage URI ${maskUserInfo(ref.storageUri)}`);
    if (scheme === 'oci') found.image = ref.storageUri.slice('oci://'.length);
    if (SCHEMES[scheme]) return SCHEMES[scheme];
    assumptions.push(`a ${scheme || 'plain'} download, as slow as the Hugging Face Hub`);
    return WeightPath.HF_HUB;
  }
  const model = ref.model;
  if (!model) return undefined;
  evidence.push(`model ${maskUserInfo(model)}`);
  if (/^(s3|gs):\/\//i.test(model)) return WeightPath.OBJECT_STORAGE;
  if (model.startsWith('/')) {
    const at = volumeUnder(pod, c, model);
    if (!at) {
      assumptions.push(`no volume at ${model}: the weights are in the image, pulled like a modelcar`);
      found.image = c.image;
      return WeightPath.OCI_MODELCAR;
    }
    return volumePath(at, pod, evidence, assumptions, found);
  }
  // A Hub id: the weights are read from the Hugging Face cache, downloaded there unless it holds them.
  const cache = c.env.HF_HUB_CACHE ?? `${c.env.HF_HOME ?? `${c.env.XDG_CACHE_HOME ?? '/root/.cache'}/huggingface`}/hub`;
  const offline = /^(1|true|yes|on)$/i.test(c.env.HF_HUB_OFFLINE ?? '');
  const at = volumeUnder(pod, c, cache);
  if (at && !at.volume.emptyDir) {
    if (!offline) assumptions.push('the cache volume already holds the weights (only the first start downloads them)');
    return volumePath(at, pod, evidence, assumptions, found, `Hugging Face cache ${cache} in `);
  }
  if (offline) {
    evidence.push('HF_HUB_OFFLINE');
    if (!at) {
      assumptions.push(`no volume at the Hugging Face cache ${cache}: the weights are in the image, pulled like a modelcar`);
      found.image = c.image;
      return WeightPath.OCI_MODELCAR;
    }
    return volumePath(at, pod, evidence, assumptions, found, `Hugging Face cache ${cache} in `);
  }
  evidence.push(at ? `Hugging Face cache ${cache} on emptyDir "${at.volume.name}"` : `no volume at the Hugging Face cache ${cache}`);
  return WeightPath.HF_HUB;
}

const CSI_PATHS: Record<string, WeightPath> = {
  'gcsfuse.csi.storage.gke.io': WeightPath.GCS_FUSE,
  'efs.csi.aws.com': WeightPath.EFS,
  'fsx.csi.aws.com': WeightPath.FSX_LUSTRE,
  's3.csi.aws.com': WeightPath.MOUNTPOINT_S3,
};

interface Mounted { readonly mountPath: string; readonly volume: any }

/** The volume whose mount holds `path` (the deepest mount wins, as in the container's file system). */
function volumeUnder(pod: PodView, c: ContainerView, path: string): Mounted | undefined {
  const mounts = (c.raw.volumeMounts ?? [])
    .filter((m: any) => typeof m.mountPath === 'string')
    .map((m: any) => ({ ...m, mountPath: m.mountPath.replace(/\/+$/, '') || '/' }))
    .filter((m: any) => path === m.mountPath || path.startsWith(m.mountPath === '/' ? '/' : `${m.mountPath}/`))
    .sort((a: any, b: any) => b.mountPath.length - a.mountPath.length);
  for (const m of mounts) {
    const volume = (pod.spec.volumes ?? []).find((v: any) => v.name === m.name);
    if (volume) return { mountPath: m.mountPath, volume };
  }
  return undefined;
}

function volumePath(at: Mounted, pod: PodView, evidence: string[], assumptions: string[], found: WeightsImage, prefix = ''): WeightPath {
  const v = at.volume;
  const what = `${prefix}volume "${v.name}" at ${at.mountPath}`;
  if (v.persistentVolumeClaim || v.ephemeral || v.nfs) {
    evidence.push(`${what}: ${v.persistentVolumeClaim ? `PVC ${v.persistentVolumeClaim.claimName}` : v.nfs ? 'NFS' : 'ephemeral PVC'}`);
    assumptions.push('the claim is a shared network volume (NFS-like, ~400 MB/s)');
    return WeightPath.SHARED_VOLUME;
  }
  if (v.hostPath) {
    evidence.push(`${what}: hostPath ${v.hostPath.path}`);
    assumptions.push('the node directory is on local NVMe and already filled');
    return WeightPath.LOCAL_NVME;
  }
  if (v.image) {
    evidence.push(`${what}: image volume`);
    found.image = v.image.reference;
    return WeightPath.OCI_MODELCAR;
  }
  if (v.csi) {
    evidence.push(`${what}: CSI ${v.csi.driver}`);
    if (CSI_PATHS[v.csi.driver]) return CSI_PATHS[v.csi.driver];
    assumptions.push('the CSI volume reads like a shared network volume (NFS-like, ~400 MB/s)');
    return WeightPath.SHARED_VOLUME;
  }
  // An emptyDir (or any other volume) starts empty: something downloads into it at every start.
  const filler = pod.containers.find(c => c.init && (c.raw.volumeMounts ?? []).some((m: any) => m.name === v.name));
  evidence.push(`${what}: ${v.emptyDir ? 'emptyDir' : Object.keys(v).filter(k => k !== 'name').join(', ')}${filler ? ` filled by init container "${filler.name}"` : ''}`);
  assumptions.push('the weights are downloaded at every start, as slowly as from the Hugging Face Hub');
  return WeightPath.HF_HUB;
}

/**
 * Parameters (`0.5B`, `135M`) in a model name, when exactly one count is
 * there. A count glued to a letter or a dot (`A3B` of Qwen3-30B-A3B, `8x7B`)
 * is no total, so MoE names like Mixtral-8x7B give none.
 */
function parametersIn(name: string): number | undefined {
  const counts = new Set<number>();
  for (const m of name.matchAll(/(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)([MBT])(?![A-Za-z0-9])/gi)) {
    counts.add(Number(m[1]) * { m: 1e6, b: 1e9, t: 1e12 }[m[2].toLowerCase() as 'm' | 'b' | 't']);
  }
  return counts.size === 1 ? [...counts][0] : undefined;
}

/** Bytes per parameter from the quantization named in a model name. */
function precisionIn(name: string): Precision | undefined {
  if (/nvfp4/i.test(name)) return Precision.NVFP4;
  if (/mxfp4/i.test(name)) return Precision.MXFP4;
  if (/awq|gptq|int4|w4a16|4-?bit|nf4/i.test(name)) return Precision.INT4;
  if (/int8|w8a8|8-?bit/i.test(name)) return Precision.INT8;
  if (/fp8/i.test(name)) return Precision.FP8;
  if (/fp32/i.test(name)) return Precision.FP32;
  if (/fp16/i.test(name)) return Precision.FP16;
  return undefined;
}

/** Bytes of weights and how the manifest gave them. @internal */
export interface WeightSize {
  readonly bytes: number;
  readonly description: string;
  /** Known when the size was given (or read) as parameters. */
  readonly parameters?: number;
}

/** The annotation's value as bytes, or what is wrong with it. @internal */
export function parseModelSize(value: unknown): WeightSize | { problem: string } {
  const text = String(value).trim();
  const params = /^(\d+(?:\.\d+)?)([MBT])\/([a-z0-9]+)$/i.exec(text);
  if (params && PRECISIONS.includes(params[3].toLowerCase())) {
    return ModelSize.fromParameters(Number(params[1]) * { m: 1e6, b: 1e9, t: 1e12 }[params[2].toLowerCase() as 'm' | 'b' | 't'], params[3].toLowerCase() as Precision);
  }
  const bytes = quantityBytes(text);
  if (!params && bytes !== undefined && bytes > 0) return { bytes, description: text };
  return { problem: `"${text}" is neither a quantity of bytes (140Gi) nor parameters/precision (70B/bf16; precision one of ${PRECISIONS.join(', ')})` };
}

function modelSize(o: any, ref: ModelReference, c: ContainerView, evidence: string[], assumptions: string[]): WeightSize | undefined {
  const annotation = o.metadata?.annotations?.[MODEL_SIZE_ANNOTATION] ?? podMetadata(o).annotations[MODEL_SIZE_ANNOTATION];
  if (annotation !== undefined) {
    const parsed = parseModelSize(annotation);
    if (!('problem' in parsed)) {
      evidence.push(`${MODEL_SIZE_ANNOTATION}: ${String(annotation).trim()}`);
      return parsed;
    }
  }
  const served = flag(c.tokens, '--served-model-name', '--model_name');
  const names: Array<[string | undefined, string]> = [[ref.model, 'model name'], [ref.storageUri, 'storage URI'], [typeof served === 'string' ? served : undefined, 'served model name']];
  for (const [name, source] of names) {
    if (!name) continue;
    const parameters = parametersIn(name);
    if (parameters === undefined) continue;
    const precision = precisionIn(name);
    if (!precision) assumptions.push('bf16 weights (no AWQ/GPTQ/int4/MXFP4/NVFP4/int8/fp8 marker in the name)');
    const size = ModelSize.fromParameters(parameters, precision ?? Precision.BF16);
    evidence.push(`${size.description} from the ${source}${source === 'served model name' ? ` ${maskUserInfo(name)}` : ''}`);
    return size;
  }
  return undefined;
}

function flagOn(c: ContainerView, name: string): boolean {
  const v = flag(c.tokens, name);
  return v !== undefined && !/^(false|0)$/i.test(String(v));
}

/** The container's command line as written, for values that hold spaces (JSON configs). */
function commandText(c: ContainerView): string {
  return [...(c.raw.command ?? []), ...(c.raw.args ?? [])].map(String).join(' ');
}

function streamerConcurrency(c: ContainerView, path: WeightPath, evidence: string[], assumptions: string[]): number | undefined {
  const format = flag(c.tokens, '--load-format');
  if (typeof format !== 'string' || !format.startsWith('runai_streamer')) return undefined;
  const configured = /--model-loader-extra-config[=\s]+\S*?\{[^}]*?"?concurrency"?\s*:\s*(\d+)/.exec(commandText(c))?.[1] ?? c.env.RUNAI_STREAMER_CONCURRENCY;
  if (configured !== undefined && Number(configured) > 0) {
    evidence.push(`--load-format ${format}, concurrency ${configured}`);
    return Number(configured);
  }
  // The streamer's own default (RUNAI_STREAMER_CONCURRENCY): 8 on object stores, 16 on file systems.
  const fallback = path === WeightPath.OBJECT_STORAGE ? 8 : 16;
  evidence.push(`--load-format ${format}`);
  assumptions.push(`streamer concurrency ${fallback} (its default)`);
  return fallback;
}

function eager(c: ContainerView, evidence: string[]): boolean {
  if (!flagOn(c, '--enforce-eager')) return false;
  evidence.push('--enforce-eager');
  return true;
}

/**
 * Optimization level 0 (vllm/config/vllm.py OptimizationLevel.O0: no
 * torch.compile, no CUDA graphs): `-O0`, `-O 0`, `-O=0`,
 * `--optimization-level 0`, or a compilation config with level/mode 0.
 */
function compile(c: ContainerView, evidence: string[], assumptions: string[]): boolean {
  // Read as vLLM reads the flags (-O0, -O 0, -O=0, prefixes, `_` for `-`): src/private/vllm-argv.ts.
  if (flag(c.tokens, '-O', '--optimization-level') === '0') {
    evidence.push('-O0 (no compile, no CUDA graphs)');
    return false;
  }
  const config = flag(c.tokens, '--compilation-config');
  let json: any;
  try {
    json = typeof config === 'string' ? JSON.parse(config) : undefined;
  } catch {
    json = undefined;
  }
  const keys = ['-O.level', '-O.mode', '--compilation-config.level', '--compilation-config.mode'].map(k => flag(c.tokens, k));
  if (config === '0' || json?.level === 0 || json?.mode === 0 || keys.includes('0')) {
    evidence.push('compilation level 0');
    assumptions.push('compilation level 0 counted as -O0 (no compile, no CUDA graphs)');
    return false;
  }
  return true;
}

/** torch.compile artifacts live under VLLM_CACHE_ROOT (default ~/.cache/vllm): persistent when that is on a claim. */
function persistentCompileCache(pod: PodView, c: ContainerView, evidence: string[]): boolean {
  const dir = c.env.VLLM_CACHE_ROOT ?? `${c.env.XDG_CACHE_HOME ?? '/root/.cache'}/vllm`;
  const at = volumeUnder(pod, c, dir);
  if (!at?.volume.persistentVolumeClaim && !at?.volume.ephemeral) return false;
  evidence.push(`compile cache ${dir} on volume "${at.volume.name}"`);
  return true;
}

function warmup(c: ContainerView, evidence: string[], assumptions: string[]): boolean {
  const exec = (c.raw.startupProbe?.exec?.command ?? []).map(String).join(' ');
  if (/\/v1\/(chat\/)?completions/.test(exec)) {
    evidence.push('startup probe runs a completion');
    return true;
  }
  if (c.raw.startupProbe?.exec) assumptions.push('the exec startup probe runs no completion');
  return false;
}

/**
 * A DaemonSet that runs the engine image (and the modelcar) pre-pulls it, as the library's does. As in
 * the library's estimate, that helps only a node held before the wake (a warm buffer): a new node runs
 * the DaemonSet as it comes up, no sooner than the model pod pulls the same images.
 */
function imageArrival(
  c: ContainerView, modelcar: string | undefined, capacity: CapacityArrival, objects: any[], evidence: string[], assumptions: string[],
): Pick<ColdStartFacts, 'imageArrival' | 'prePull' | 'modelcarPrePulled'> {
  const held = capacity === CapacityArrival.WARM_BUFFER;
  const pulls = prePuller(objects, c.image);
  if (pulls) evidence.push(`DaemonSet/${pulls.metadata?.name} pre-pulls the image`);
  if (pulls && !held) assumptions.push('the image is pulled from the registry on a new node (12 GB): the pre-pull helps only a node held before the wake');
  if (!pulls) assumptions.push(`image pulled from the registry (12 GB${c.image === undefined ? ', the runtime\'s image is not in the input' : ''})`);
  // Weights in the engine image arrive with it.
  const modelcarPulls = modelcar === c.image ? pulls : prePuller(objects, modelcar);
  if (modelcarPulls && modelcar !== c.image) evidence.push(`DaemonSet/${modelcarPulls.metadata?.name} pre-pulls the weights' image`);
  return {
    imageArrival: pulls && held ? ImageArrival.PRE_PULLED : ImageArrival.REGISTRY,
    prePull: pulls !== undefined,
    modelcarPrePulled: modelcarPulls !== undefined && held,
  };
}

function prePuller(objects: any[], image: string | undefined): any {
  return image === undefined ? undefined : objects.find(o => o.kind === 'DaemonSet' && podsOf(o).some(p => p.containers.some(x => x.image === image)));
}

/** A warm buffer: pause pods that ask for a GPU at a negative priority, which any model pod preempts. */
function capacityArrival(objects: any[], evidence: string[], assumptions: string[]): CapacityArrival {
  const negative = new Set(objects.filter(o => o.kind === 'PriorityClass' && Number(o.value) < 0).map(o => o.metadata?.name));
  const buffers = objects.filter(o => podsOf(o).some(p => (negative.has(p.spec.priorityClassName) || Number(p.spec.priority) < 0)
    && p.containers.some(x => /(^|\/)pause([:@]|$)/.test(x.image ?? '') && isGpu(x))));
  // A buffer a KEDA ScaledObject scales from 0 (a scheduled pre-warm) holds nodes only while a trigger is active.
  const scheduled = buffers.filter(b => objects.some(o => o.kind === 'ScaledObject' && o.spec?.scaleTargetRef?.name === b.metadata?.name
    && (o.spec?.scaleTargetRef?.kind ?? 'Deployment') === b.kind && !(Number(o.spec?.minReplicaCount) > 0)));
  for (const b of scheduled) assumptions.push(`${b.kind}/${b.metadata?.name} holds GPU nodes only while its ScaledObject's triggers are active (minReplicaCount 0): not counted`);
  const buffer = buffers.find(b => !scheduled.includes(b));
  if (buffer) {
    evidence.push(`${buffer.kind}/${buffer.metadata?.name} holds GPU nodes with pause pods at negative priority`);
    return CapacityArrival.WARM_BUFFER;
  }
  assumptions.push('a new GPU node (100 s)');
  return CapacityArrival.COLD_NODE;
}

function probeBudget(c: ContainerView): ProbeBudget {
  for (const probe of ['startup', 'liveness'] as const) {
    const p = c.raw[`${probe}Probe`];
    if (!p) continue;
    return { probe, seconds: (Number(p.initialDelaySeconds) || 0) + (Number(p.periodSeconds) || 10) * (Number(p.failureThreshold) || 3) };
  }
  return { probe: 'none' };
}

/** The table's line for one workload: synth's summary, the probe against the estimate, then what it read and assumed. @internal */
export function estimateLines(e: WorkloadEstimate): string[] {
  const container = e.path !== `${e.namespace ? `${e.namespace}/` : ''}${e.object}` ? ` (container ${e.container})` : '';
  if (!e.assessment) return [`estimate${container}: no estimate: ${e.missing}`, ...e.evidence.length ? [`from: ${e.evidence.join('; ')}`] : []];
  const d = e.assessment.detail;
  const probe = e.probe.probe === 'startup' ? `startup probe ${e.probe.seconds} s`
    : e.probe.probe === 'liveness' ? `no startup probe, the liveness probe restarts at ${e.probe.seconds} s` : 'no startup or liveness probe';
  return [
    `estimate${container}: cold start ~${fmt(d.totalSeconds)} s (capacity ${fmt(d.nodeCapacitySeconds)} s, image ${fmt(d.imagePullSeconds)} s, `
      + `weights ${fmt(d.weightLoadSeconds)} s, runtime ${fmt(d.runtimeSeconds)} s); startup ~${fmt(d.startupSeconds)} s vs. ${probe}; `
      + `physical limit ${fmt(d.physicalLimitSeconds)} s`,
    `from: ${e.evidence.join('; ')}`,
    ...e.assumptions.length ? [`assumed: ${e.assumptions.join('; ')}`] : [],
  ];
}

/** The estimate as the JSON report gives it. @internal */
export function estimateJson(e: WorkloadEstimate): object {
  const d = e.assessment?.detail;
  const f = e.assessment?.inputs.facts;
  return {
    file: e.file,
    line: e.line,
    object: e.object,
    namespace: e.namespace,
    container: e.container,
    probe: e.probe,
    modelSize: e.modelSize,
    inputs: f && { ...f, weightBytes: e.assessment!.inputs.weightBytes },
    // Tenths of a second, as the table and the report print them.
    seconds: d && {
      total: Number(fmt(d.totalSeconds)),
      nodeCapacity: Number(fmt(d.nodeCapacitySeconds)),
      imagePull: Number(fmt(d.imagePullSeconds)),
      weightLoad: Number(fmt(d.weightLoadSeconds)),
      runtime: Number(fmt(d.runtimeSeconds)),
      startup: Number(fmt(d.startupSeconds)),
      physicalLimit: Number(fmt(d.physicalLimitSeconds)),
    },
    evidence: e.evidence,
    assumptions: e.assumptions,
    missing: e.missing,
  };
}

/**
 * The files synth writes for the same estimates (`coldstart-report.md`, one
 * waterfall SVG per workload), rendered by synth's own report on a throwaway
 * app that is never synthesized.
 * @internal
 */
export function reportFiles(estimates: WorkloadEstimate[]): Record<string, string> {
  const report = ColdStartReportWriter.of(new App());
  for (const e of estimates) {
    if (!e.assessment) continue;
    report.add({ path: e.path, name: e.name, assessment: e.assessment, startupBudgetSeconds: e.probe.seconds ?? Infinity });
  }
  const files = report.files();
  // The report states a probe's allowance; nothing limits a start without one.
  const markdown = files[COLDSTART_REPORT_FILE].replace(/the probe allows Infinity s\./g, 'no startup or liveness probe limits it.');
  // Synth knows every input; the checker read some and assumed the rest, and says which.
  const read = estimates.flatMap(e => [
    `- \`${e.path}\` (${e.file}:${e.line}, container ${e.container}): ${e.assessment ? '' : `no estimate: ${e.missing}. `}`
      + `${e.probe.probe === 'none' ? 'no startup or liveness probe' : `${e.probe.probe} probe ${e.probe.seconds} s`}. `
      + `Read: ${e.evidence.join('; ') || 'nothing'}.${e.assumptions.length ? ` Assumed: ${e.assumptions.join('; ')}.` : ''}`,
  ]);
  files[COLDSTART_REPORT_FILE] = [markdown.replace(/\n*$/, ''), '', '## What the checker read and assumed', '', ...read, ''].join('\n');
  return files;
}

/** Cores the container requests (`4`, `500m`), else its limit; undefined when neither is a number. */
function cpuRequest(c: ContainerView): number | undefined {
  const r = c.raw.resources ?? {};
  for (const q of [r.requests?.cpu, r.limits?.cpu]) {
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(q ?? '').trim());
    if (m && Number(m[1]) > 0) return m[2] ? Number(m[1]) / 1000 : Number(m[1]);
  }
  return undefined;
}
