import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { basename, join } from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { BeforeSetup } from './before';
import { ColdStartAssessment, estimateColdStart, EstimateDetail } from './estimate';
import { SecondsRange } from './estimate-options';
import { ColdStartFacts } from './facts';
import { ImageArrival, CapacityArrival, LoaderFact, WeightPath } from './paths';
import { fleetSvg, fmt, waterfallSvg } from './waterfall-svg';
import { RuleReport } from '../aspects/findings-report';
import { countFindings } from '../aspects/findings-table';
import type { PreWarmFacts } from '../blueprint/facts';
import { reportDir } from '../private/report-dir';

const KEY = Symbol.for('cdk8s-coldstart.ColdStartReport');
const OPTIONS = Symbol.for('cdk8s-coldstart.ColdStartReport.options');
/** Markdown, not .yaml/.json: `kubectl apply -f dist/` reads only those. */
export const COLDSTART_REPORT_FILE = 'coldstart-report.md';
/** The app-wide picture. Per-model pictures end in `-coldstart.svg`, so no model's can take this name. */
export const FLEET_PICTURE_FILE = 'coldstart-models.svg';
const DEFAULT_PER_MODEL_LIMIT = 20;
/**
 * The files this library wrote into an outdir, one name per line, so a later
 * synth removes what it no longer writes and never touches a user's file.
 * Not .json: `kubectl apply -f dist/` would read it as a manifest.
 */
export const REPORT_INDEX_FILE = '.coldstart-report-files.txt';

/**
 * Which cold-start pictures synth writes next to the manifests.
 */
export enum ReportPictures {
  /** One per model up to `perModelLimit` models, one for the whole app above it. */
  AUTO = 'auto',
  /** One waterfall per model (`<model>-coldstart.svg`), however many models. */
  PER_MODEL = 'per-model',
  /** One picture for the whole app (`coldstart-models.svg`): a bar per model, the slowest 40 at most. */
  ONE = 'one',
  /** No picture; `coldstart-report.md` and the console line still come. */
  NONE = 'none',
}

/**
 * How the cold-start report of an app is written.
 */
export interface ColdStartReportOptions {
  /**
   * Which pictures to write.
   * @default ReportPictures.AUTO
   */
  readonly pictures?: ReportPictures;
  /**
   * The most models an app may have for the report to detail each one: a
   * section each in `coldstart-report.md`, a line each on the console and,
   * under `ReportPictures.AUTO`, a picture each. Above it the report has one
   * table row per model, one console line for the app and, under AUTO, one
   * picture for the app.
   * @default 20
   */
  readonly perModelLimit?: number;
}

/**
 * Settings of the cold-start report that every synth writes
 * (`coldstart-report.md`, pictures, console summary).
 */
export class ColdStartReport {
  /**
   * Sets how the report of `scope`'s app is written; call it before synth.
   * A later call replaces an earlier one.
   */
  public static configure(scope: IConstruct, options: ColdStartReportOptions): void {
    const limit = options.perModelLimit;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
      throw new Error(`ColdStartReport.configure: perModelLimit must be a whole number >= 0, got ${limit}`);
    }
    Object.defineProperty(scope.node.root, OPTIONS, { value: { ...options }, enumerable: false, configurable: true });
  }

  private constructor() {}
}

/** @internal */
export interface ReportEntry {
  readonly path: string;
  readonly name: string;
  /** The estimate and what it was computed from. */
  readonly assessment: ColdStartAssessment;
  readonly startupBudgetSeconds: number;
}

/**
 * The cold-start estimate of every model in an app: written next to the
 * manifests at synth (`coldstart-report.md` and the pictures
 * `ColdStartReport.configure` chose) and summarized on the console, one line
 * per model or, above `perModelLimit`, one for the app.
 * @internal
 */
export class ColdStartReportWriter {
  public static of(root: IConstruct): ColdStartReportWriter {
    const r = root as any;
    if (!r[KEY]) {
      const report = new ColdStartReportWriter(root);
      Object.defineProperty(r, KEY, { value: report, enumerable: false });
      // cdk8s validates before it writes manifests, on every synth path (see Aspects).
      root.node.addValidation({ validate: () => { report.conclude(); return []; } });
    }
    return r[KEY];
  }

  private readonly entries: ReportEntry[] = [];
  /** cdk8s validates more than once per synth: each line is printed once. */
  private readonly printed = new Set<string>();
  /** ...and the files are written once per change (entries are only appended). */
  private written?: string;

  private constructor(private readonly root: IConstruct) {}

  public add(entry: ReportEntry): void {
    this.entries.push(entry);
  }

  /** True when the report details each model (at most `perModelLimit` of them). */
  private get detailed(): boolean {
    return this.entries.length <= (this.options.perModelLimit ?? DEFAULT_PER_MODEL_LIMIT);
  }

  private get options(): ColdStartReportOptions {
    return (this.root as any)[OPTIONS] ?? {};
  }

  /** The pictures to write, AUTO resolved by the number of models. */
  private get pictures(): ReportPictures {
    const p = this.options.pictures ?? ReportPictures.AUTO;
    if (p !== ReportPictures.AUTO) return p;
    return this.detailed ? ReportPictures.PER_MODEL : ReportPictures.ONE;
  }

  /** The files the report writes, by name (deterministic content). */
  public files(): Record<string, string> {
    const files: Record<string, string> = {};
    const pictures = this.pictures;
    const perModel = new Map<ReportEntry, string>();
    if (pictures === ReportPictures.PER_MODEL) {
      for (const e of this.entries) {
        const svg = svgName(e, files);
        files[svg] = waterfallSvg(e.path, e.assessment.detail, e.assessment.before);
        perModel.set(e, svg);
      }
    }
    if (pictures === ReportPictures.ONE) {
      files[FLEET_PICTURE_FILE] = fleetSvg(this.entries.map(e => ({ name: e.name, estimate: e.assessment.detail })));
    }
    files[COLDSTART_REPORT_FILE] = [
      '# Cold-start estimate',
      '',
      'Generated by cdk8s-coldstart from the synthesized configuration. The model, its defaults and the published figures it is calibrated to are in the cdk8s-coldstart README ("Cold-start estimate"). Image pull and node 0->1 happen before the container starts; the startup probe covers weight load + runtime. Seconds are the expected value with the fast and slow cases in brackets; cdk8s-coldstart sizes the startup probes and wake deadlines it writes from the slow case (plus a quarter, at least 300 s).',
      '',
      ...(pictures === ReportPictures.ONE ? [`![cold-start estimate of every model](${FLEET_PICTURE_FILE})`, ''] : []),
      ...(this.detailed ? this.entries.map(e => section(e, perModel.get(e))) : fleetTable(this.entries, perModel)),
    ].join('\n');
    return files;
  }

  /** The console summary: one line per model, or one for the app above `perModelLimit`. */
  public summaryLines(): string[] {
    if (!this.detailed) return [fleetLine(this.entries)];
    return this.entries.map(e => `cdk8s-coldstart: ${e.path}: cold start ~${fmt(e.assessment.detail.totalSeconds)} s (${fmt(e.assessment.detail.totalRange.low)}-${fmt(e.assessment.detail.totalRange.high)}) `
      + `(capacity ${fmt(e.assessment.detail.nodeCapacitySeconds)} s, image ${fmt(e.assessment.detail.imagePullSeconds)} s, weights ${fmt(e.assessment.detail.weightLoadSeconds)} s, runtime ${fmt(e.assessment.detail.runtimeSeconds)} s); `
      + `startup probe ${e.startupBudgetSeconds} s; physical limit ${fmt(e.assessment.detail.physicalLimitSeconds)} s`);
  }

  private conclude(): void {
    if (!this.entries.length) return;
    // A failed synth writes no report: only the findings, which say why.
    if (countFindings(RuleReport.of(this.root).findings).errors) return;
    if (this.root instanceof App) {
      const outdir = reportDir(this.root.outdir);
      const state = JSON.stringify([outdir, this.entries.length, this.pictures, this.detailed]);
      if (this.written !== state || !existsSync(join(outdir, COLDSTART_REPORT_FILE))) {
        writeReport(outdir, this.files());
        this.written = state;
      }
    }
    const fresh = this.summaryLines().filter(l => !this.printed.has(l));
    fresh.forEach(l => this.printed.add(l));
    // stderr: the cdk8s CLI captures an app's stdout and never shows it (rule warnings go the same way).
    if (fresh.length && !process.env.CDK8S_COLDSTART_QUIET) process.stderr.write(fresh.join('\n') + '\n');
  }
}

/** Above `perModelLimit`: one line for the app, so that 1,000 models do not print 1,000 lines. */
function fleetLine(entries: ReportEntry[]): string {
  const totals = entries.map(e => e.assessment.detail.totalSeconds).sort((a, b) => a - b);
  const mid = Math.floor(totals.length / 2);
  const median = totals.length % 2 ? totals[mid] : (totals[mid - 1] + totals[mid]) / 2;
  const slowest = entries.reduce((a, b) => (b.assessment.detail.totalSeconds > a.assessment.detail.totalSeconds ? b : a));
  const short = entries.filter(e => e.assessment.detail.startupSeconds > e.startupBudgetSeconds).length;
  return `cdk8s-coldstart: ${entries.length} models: cold start median ~${fmt(median)} s, max ~${fmt(slowest.assessment.detail.totalSeconds)} s (${slowest.path})`
    + `${short ? `; ${short} startup probe(s) shorter than the estimate` : ''}; see ${COLDSTART_REPORT_FILE}`;
}

/** Above `perModelLimit`: one row per model, slowest first, instead of a section each. */
function fleetTable(entries: ReportEntry[], pictures: Map<ReportEntry, string>): string[] {
  const sorted = [...entries].sort((a, b) => b.assessment.detail.totalSeconds - a.assessment.detail.totalSeconds);
  return [
    `${entries.length} models, slowest first. Seconds per lever; the startup probe covers weight load + runtime.`,
    '',
    '| model | path | total | node capacity | image pull | weight load | runtime | startup estimate / probe | physical limit |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...sorted.map(e => {
      const d = e.assessment.detail;
      const name = pictures.has(e) ? `[${md(e.name)}](${pictures.get(e)})` : md(e.name);
      return `| ${name} | ${code(e.path)} | ${fmt(d.totalSeconds)} | ${fmt(d.nodeCapacitySeconds)} | ${fmt(d.imagePullSeconds)} | ${fmt(d.weightLoadSeconds)} `
        + `| ${fmt(d.runtimeSeconds)} | ${fmt(d.startupSeconds)} / ${e.startupBudgetSeconds} | ${fmt(d.physicalLimitSeconds)} |`;
    }),
    '',
  ];
}

/** `<name>-coldstart.svg`, else one from the construct path, else numbered: never a name already taken. */
function svgName(e: ReportEntry, taken: Record<string, string>): string {
  const candidates = [e.name, e.path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')];
  for (const c of candidates) if (taken[`${c}-coldstart.svg`] === undefined) return `${c}-coldstart.svg`;
  for (let i = 2; ; i++) if (taken[`${candidates[1]}-${i}-coldstart.svg`] === undefined) return `${candidates[1]}-${i}-coldstart.svg`;
}


/**
 * Writes the report files. A file of the same name that this library did not
 * write (not in the index of the last synth) is a user's: it is left alone and
 * said so. Files the last synth wrote and this one does not are removed.
 */
function writeReport(outdir: string, files: Record<string, string>): void {
  mkdirSync(outdir, { recursive: true });
  const indexFile = join(outdir, REPORT_INDEX_FILE);
  let previous: string[] = [];
  try {
    previous = readFileSync(indexFile, 'utf8').split('\n').filter(n => n && basename(n) === n && n !== REPORT_INDEX_FILE);
  } catch {
    previous = [];
  }
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = join(outdir, name);
    if (existsSync(file) && !previous.includes(name) && !ours(file)) {
      process.stderr.write(`cdk8s-coldstart: ${file} exists and was not written by cdk8s-coldstart: left as it is\n`);
      continue;
    }
    writeFileSync(file, content);
    written.push(name);
  }
  for (const name of previous) if (!written.includes(name) && files[name] === undefined) rmSync(join(outdir, name), { force: true });
  writeFileSync(indexFile, written.sort().join('\n') + '\n');
}

/** A report file of an earlier version (no index yet) is recognized by its own heading. */
function ours(file: string): boolean {
  try {
    const head = readFileSync(file, 'utf8').slice(0, 400);
    return head.includes('Generated by cdk8s-coldstart') || head.includes('<title>Cold-start estimate');
  } catch {
    return false;
  }
}

/** A construct path as Markdown code: a longer fence than any backtick run inside, and `|` escaped for tables. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map(r => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** Plain text in Markdown: characters that start markup are escaped. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, c => `\\${c}`);
}

function section(e: ReportEntry, svg: string | undefined): string {
  const d = e.assessment.detail;
  const { facts: f, weightBytes } = e.assessment.inputs;
  const before = e.assessment.before;
  const range = (r: SecondsRange) => `${fmt(r.expected)} (${fmt(r.low)}-${fmt(r.high)})`;
  const row = (lever: string, r: SecondsRange, was: ((x: EstimateDetail) => number) | undefined, applied: string, further: string) =>
    `| ${lever} | ${range(r)} |${before ? ` ${was ? fmt(was(before)) : ''} |` : ''} ${applied} | ${further} |`;
  const gb = (b: number) => `${fmt(b / 1e9)} GB`;
  const rate = (b: number) => (b >= 1e9 ? `${fmt(b / 1e9)} GB/s` : `${fmt(b / 1e6)} MB/s`);
  const alt = (facts: Partial<ColdStartFacts>) => estimateColdStart({ ...e.assessment.inputs, facts: { ...f, ...facts } });
  const saves = (next: EstimateDetail, what: (x: EstimateDetail) => number, how: string) => {
    const saved = what(d) - what(next);
    return saved >= 0.5 ? `${how}: -${fmt(saved)} s` : '';
  };

  // A suggestion never names what the configuration already does: each is offered only while its lever or option is off.
  const warm = f.capacityArrival === CapacityArrival.WARM_BUFFER;
  const modelcar = f.weightPath === WeightPath.OCI_MODELCAR;
  const onNode = f.weightPath === WeightPath.LOCAL_NVME || f.weightPath === WeightPath.PAGE_CACHE || (modelcar && f.modelcarPrePulled);
  // What puts an image on the node before the wake: the pre-pull on a node a warm buffer holds.
  const toPrePull = !f.prePull ? `pre-pull DaemonSet${warm ? '' : ' and a warm buffer (a new node pulls as it comes up)'}`
    : !warm ? 'warm buffer of pause pods (a new node pulls as it comes up)' : '';
  // With both on, only a DaemonSet that leaves the modelcar out (a checked manifest) misses it.
  const modelcarOnNode = toPrePull ? `${toPrePull} for the modelcar` : 'the modelcar image in the DaemonSet that pulls the engine image';
  // A LocalModelCache on a node the wake provisions: the node has no copy, so the pod fetches one first.
  const newNodeFetch = f.newNodeDownload !== undefined && !warm && d.weightFetchSeconds > 0;
  const weightApplied = `${pathLabel(f.weightPath, f.modelcarPrePulled)}, ${loaderLabel(f)}; loader ${rate(d.loaderBytesPerSecond)}`
    + (newNodeFetch ? `; a new node has no cached copy: ${fmt(d.weightFetchSeconds)} s to fetch it first` : '');
  const weightFurther = [
    modelcar && !f.modelcarPrePulled ? saves(alt({ modelcarPrePulled: true }), x => x.weightLoadSeconds, modelcarOnNode) : '',
    newNodeFetch ? saves(alt({ capacityArrival: CapacityArrival.WARM_BUFFER }), x => x.weightLoadSeconds, 'warm buffer (a held node keeps its cached copy)') : '',
    !onNode ? saves(alt({ weightPath: WeightPath.LOCAL_NVME, streamerConcurrency: f.streamerConcurrency ?? 16 }), x => x.weightLoadSeconds, `node-local NVMe cache (LocalModelCache or prefetch)${f.streamerConcurrency === undefined ? ' with the streamer' : ''}`) : '',
    f.streamerConcurrency === undefined ? saves(alt({ streamerConcurrency: 16 }), x => x.weightLoadSeconds, '`--load-format runai_streamer`') : '',
  ].filter(Boolean).join('; ') || 'near the loader ceiling';
  const imageFurther = f.imageArrival === ImageArrival.PRE_PULLED ? 'nothing: already on the node'
    : (toPrePull ? saves(alt({ imageArrival: ImageArrival.PRE_PULLED }), x => x.imagePullSeconds, toPrePull) : '') || 'nothing measurable';
  const nodeFurther = warm ? 'nothing: a warm node is held'
    : saves(alt({ capacityArrival: CapacityArrival.WARM_BUFFER }), x => x.nodeCapacitySeconds, 'warm buffer of pause pods') || 'nothing measurable';
  const runtimeFurther = [
    !f.eager && f.compile && !f.persistentCompileCache ? saves(alt({ persistentCompileCache: true }), x => x.runtimeSeconds, 'persistent engine cache (HOME: compile artifacts)') : '',
    !f.eager && f.compile ? saves(alt({ eager: true }), x => x.runtimeSeconds, '`--enforce-eager` (slower steady state)') : '',
    !f.sleepMode ? 'sleep mode, when one GPU multiplexes models (wake in ~3 s instead of a cold start)' : '',
  ].filter(Boolean).join('; ');
  const runtimeApplied = [
    `process start ${fmt(d.runtime.processStart)} s + engine init and KV cache ${fmt(d.runtime.engineInit)} s (${fmtB(d.shape.parameters)} parameters, ${d.shape.layers} layers, TP ${d.shape.tensorParallel}, ${d.shape.podCpus} CPUs)`,
    f.eager ? 'eager (no graphs, no compile)' : !f.compile ? '-O0 (no graphs, no compile)' : `graph capture ${fmt(d.graphCaptureSeconds)} s (${d.shape.captureSizes} sizes), compile ${fmt(d.compileSeconds)} s${f.compileCacheSeeded ? ' (cached, seeded by a Job before the first wake; vLLM captures graphs at every start)' : f.persistentCompileCache ? ' (cached)' : ''}`,
    f.warmup ? `warmup ${fmt(d.warmupSeconds)} s` : '',
    f.sleepMode ? `sleep mode (a sleeping engine wakes in ~${fmt(d.sleepWakeSeconds ?? 0)} s)` : '',
  ].filter(Boolean).join(', ');

  const above = d.startupSeconds - d.physicalLimitSeconds;
  const nodeWait = (capacityArrival: CapacityArrival) => alt({ capacityArrival }).nodeCapacitySeconds;
  return [
    `## ${md(e.name)} (${code(e.path)})`,
    '',
    ...(svg ? [`![cold-start waterfall of ${md(e.name)}](${svg})`, ''] : []),
    ...(before ? [`Before: ${beforeLabel(e.assessment.inputs.options?.before)}, estimated the same way (seconds, expected).`, ''] : []),
    `| lever | seconds: expected (fast-slow) |${before ? ' before |' : ''} applied | what would cut it further |`,
    `|---|---|${before ? '---|' : ''}---|---|`,
    row('node capacity', d.nodeCapacityRange, x => x.nodeCapacitySeconds, f.capacityArrival === CapacityArrival.WARM_BUFFER ? 'warm buffer (preempts a pause pod)'
      : f.capacityReserved ? 'a new GPU node from a capacity reservation (no wait for stock; it still boots)' : 'a new GPU node', nodeFurther),
    row('image pull', d.imagePullRange, x => x.imagePullSeconds, `${imageLabel(f.imageArrival)}${f.parallelPull && f.imageArrival === ImageArrival.REGISTRY ? ' with SOCI parallel pull (40-75% less pull time published)' : ''}${f.prePull && f.imageArrival !== ImageArrival.PRE_PULLED ? '; pre-pull DaemonSet on, which a new node runs only as it comes up' : ''}`, imageFurther),
    row('weight load', d.weightLoadRange, x => x.weightLoadSeconds, `${gb(weightBytes)} via ${weightApplied}${d.weightFetchSeconds > 0 && f.fetchOrigin !== undefined ? `; a new node downloads first (${fmt(d.weightFetchSeconds)} s)` : ''}${hostCacheNote(f, gb)}`, weightFurther),
    row('runtime', d.runtimeRange, x => x.runtimeSeconds, runtimeApplied, runtimeFurther || 'nothing measurable'),
    row('**total**', d.totalRange, x => x.totalSeconds, '', ''),
    '',
    `Startup probe: weight load + runtime = ${range(d.startupRange)} s estimated; the probe allows ${e.startupBudgetSeconds} s.`,
    `Physical limit: ${gb(weightBytes)} / ${rate(d.slowestLinkBytesPerSecond)} (slowest link) + ${fmt(d.fixedInitSeconds)} s fixed init = ${fmt(d.physicalLimitSeconds)} s; `
      + `this configuration starts ${fmt(Math.max(0, above))} s above it.`,
    // Hugging Face's LoRA hot-swap figure (EngineTimings.adapterLoad).
    ...(d.adapterLoadSeconds !== undefined
      ? [`LoRA adapters: a new fine-tune of these weights is an adapter load on a running replica (~${fmt(d.adapterLoadSeconds)} s), not a model of its own with a ${fmt(d.totalSeconds)} s cold start.`]
      : []),
    '',
    ...(f.preWarm ? preWarmLines(f.preWarm, d, nodeWait(CapacityArrival.COLD_NODE) - nodeWait(CapacityArrival.WARM_BUFFER)) : []),
  ].join('\n');
}

function beforeLabel(b: BeforeSetup | undefined): string {
  switch (b) {
    case BeforeSetup.HUB_DOWNLOAD_AT_START: return 'download from the Hugging Face Hub at every start, default loader, image from the registry, a new node, no compile cache';
    case BeforeSetup.INIT_CONTAINER_SYNC: return 'bucket synced into the pod by an init container, default loader, image from the registry, a new node, no compile cache';
    default: return 'the same weight path with vLLM\'s default loader, image from the registry, a new node, no compile cache';
  }
}

function fmtB(parameters: number): string {
  return `${fmt(parameters / 1e9)}B`;
}

/**
 * Scheduled pre-warm: the GPU-hours each window holds (GPUs per replica x the
 * copies above the floor and the standing buffer x open hours) next to the
 * wake it avoids: the whole cold start for a Ready replica, the node wait for
 * a held node (the estimate's cold node minus its warm-buffer preemption).
 */
function preWarmLines(p: PreWarmFacts, d: EstimateDetail, nodeWaitSeconds: number): string[] {
  const holds = (w: PreWarmFacts['windows'][number]) => [
    w.replicas !== undefined ? `${w.replicas} Ready replica(s) (+${w.replicas - p.minReplicas})` : '',
    w.warmNodes !== undefined ? `${w.warmNodes} warm node slot(s) (+${w.warmNodes - p.bufferReplicas})` : '',
  ].filter(Boolean).join(', ');
  const avoids = (w: PreWarmFacts['windows'][number]) => [
    w.replicas !== undefined ? `the ~${fmt(d.totalSeconds)} s cold start (a request finds a Ready replica)` : '',
    w.warmNodes !== undefined ? `the ~${fmt(nodeWaitSeconds)} s node wait of a wake` : '',
  ].filter(Boolean).join('; ');
  const raisesFloor = p.windows.some(w => w.replicas !== undefined);
  return [
    `Pre-warm (KEDA cron, ${md(p.timeZone)}; ${p.gpusPerCopy} GPU(s) per replica or node slot):`,
    '',
    '| window (start -> end) | holds | open h/week | GPU-hours/week held | wake avoided in the window |',
    '|---|---|---:|---:|---|',
    ...p.windows.map(w => `| ${code(w.start)} -> ${code(w.end)} | ${holds(w)} | ${fmt(w.hoursPerWeek)} | ${fmt(w.gpuHoursPerWeek)} | ${avoids(w)} |`),
    '',
    `Cost: ${fmt(p.gpuHoursPerWeek)} GPU-hours a week held (${fmt(p.gpuHoursPerWeek / 7)} a day on average; overlapping windows count once, at the larger target).`
      + (raisesFloor ? ` A replica a window starts is Ready ~${fmt(d.totalSeconds)} s after it opens: open the window that long before the peak.` : ''),
    '',
  ];
}

/**
 * The estimate charges a new node's download. A held node's first wake after
 * a revision change or a prune over the bound (which remove the entry)
 * downloads too: the pod itself, or the prefetch DaemonSet it waits for.
 */
function hostCacheNote(f: ColdStartFacts, gb: (bytes: number) => string): string {
  if (!f.hostCache) return '';
  const who = f.hostCache.prefetch ? 'waits for the prefetch DaemonSet\'s download' : 'downloads from the Hub first';
  return `; hostPath cache bounded to ${gb(f.hostCache.limitBytes)}: a held node's first wake after a revision change or a prune ${who} (not counted)`;
}

/** Issue #19 §2: the loader, with the ranks that read disjoint shares. */
function loaderLabel(f: ColdStartFacts): string {
  const streamer = f.streamerConcurrency !== undefined ? `Run:ai streamer (concurrency ${f.streamerConcurrency})` : 'default loader';
  const ranks = f.loaderRanks ?? 1;
  switch (f.weightLoader) {
    case LoaderFact.SHARDED_STATE: return `sharded state read by the ${f.streamerConcurrency !== undefined ? streamer : 'default loader'}, each of ${ranks} ranks its 1/${ranks}`;
    case LoaderFact.FASTSAFETENSORS: return `fastsafetensors (no GPUDirect Storage), ${ranks} rank(s) a share of the files each`;
    case LoaderFact.FASTSAFETENSORS_GDS: return `fastsafetensors with GPUDirect Storage, ${ranks} rank(s) a share of the files each`;
    default: return streamer;
  }
}

function pathLabel(p: WeightPath, modelcarPrePulled: boolean): string {
  return {
    [WeightPath.OCI_MODELCAR]: modelcarPrePulled ? 'OCI modelcar (pre-pulled, read from node disk)' : 'OCI modelcar (pulled, then read from node disk)',
    [WeightPath.HF_HUB]: 'Hugging Face Hub download',
    [WeightPath.SHARED_VOLUME]: 'shared volume',
    [WeightPath.OBJECT_STORAGE]: 'object storage',
    [WeightPath.LOCAL_NVME]: 'node-local NVMe',
    [WeightPath.PAGE_CACHE]: 'page cache',
    [WeightPath.EFS]: 'Amazon EFS',
    [WeightPath.FSX_LUSTRE]: 'FSx for Lustre',
    [WeightPath.MOUNTPOINT_S3]: 'Mountpoint for S3',
    [WeightPath.EBS_SNAPSHOT]: 'EBS volume from a snapshot',
    [WeightPath.HYPERDISK_ML]: 'Hyperdisk ML',
    [WeightPath.GCS_FUSE]: 'GCS FUSE',
  }[p];
}

function imageLabel(a: ImageArrival): string {
  return {
    [ImageArrival.REGISTRY]: 'pulled from the registry (digest-pinned, IfNotPresent)',
    [ImageArrival.PRE_PULLED]: 'pre-pulled on the node',
    [ImageArrival.STREAMED]: 'image streaming',
    [ImageArrival.SNAPSHOT]: 'disk snapshot / secondary boot disk',
  }[a];
}
