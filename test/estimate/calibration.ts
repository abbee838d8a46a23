import { readFileSync } from 'fs';
import { join } from 'path';
import { Size } from 'cdk8s';
import { estimateColdStart, EstimateDetail, EstimatePieces } from '../../src/estimate/estimate';
import { ColdStartFacts, defaultColdStartFacts } from '../../src/estimate/facts';
import { CapacityArrival, ImageArrival, WeightPath } from '../../src/estimate/paths';
import { EngineGeneration } from '../../src/estimate/runtime-model';
import { EbsVolumeType, PersistentDiskType, WeightStorage } from '../../src/estimate/storage';

/** One published figure: the setup the source describes and what it measured, per lever or term. */
export interface PublishedRow {
  readonly id: string;
  readonly source: string;
  readonly publisher: string;
  readonly model?: string;
  readonly inputs: {
    readonly weightGB?: number;
    readonly paramsB?: number;
    readonly layers?: number;
    readonly tp: number;
    readonly pp?: number;
    readonly podCpus?: number;
    readonly captureSizes?: number;
    readonly weightPath?: string;
    /**
     * An EBS volume (with its provisioned throughput) or a GCE Persistent Disk; or the page cache, where the
     * source's files were in the host's memory (a download read back on a VM, with no pod memory limit).
     */
    readonly storage?: {
      readonly ebs?: string;
      readonly pd?: string;
      readonly sizeGiB?: number;
      readonly throughputMiB?: number;
      readonly pageCache?: boolean;
    };
    /** The weights are fetched from here into the pod at every start (an init-container sync). */
    readonly fetchOrigin?: string;
    /** SOCI parallel pull-and-unpack. */
    readonly parallelPull?: boolean;
    readonly streamerConcurrency?: number;
    readonly sharded?: boolean;
    readonly fastLoader?: boolean;
    readonly loader?: string;
    readonly compile: 'cold' | 'cached' | 'off';
    readonly eager?: boolean;
    readonly engine?: 'v0';
    readonly imageGB?: number;
    readonly imageArrival?: string;
    /** The source measured a new node (node provisioning rows). */
    readonly coldNode?: boolean;
  };
  readonly published: Partial<Record<Measure, number>>;
  /**
   * What the source states that the estimate does not take as an input (the node's provisioner, whether
   * it is a GPU node, the registry, the image size's kind, the Hub downloader), recorded for later terms.
   */
  readonly context?: Readonly<Record<string, string | number | boolean>>;
  /** Why a row is listed but not scored. */
  readonly excluded?: string;
}

/** What a source can measure; the levers and the runtime's terms. */
export type Measure = 'weight' | 'image' | 'node' | 'runtime' | 'startup' | 'processStart' | 'engineInit' | 'compile' | 'graphCapture';

export const LEVER_MEASURES: readonly Measure[] = ['weight', 'image', 'node', 'runtime', 'startup'];
export const TERM_MEASURES: readonly Measure[] = ['processStart', 'engineInit', 'compile', 'graphCapture'];

export const ROWS: readonly PublishedRow[] = JSON.parse(readFileSync(join(__dirname, 'published-figures.json'), 'utf8'));

/**
 * The held-out rows: chosen by a hash of the row id, before any fitting, so
 * that adding a row never moves another between the sets.
 */
export function heldOut(id: string): boolean {
  let h = 2166136261;
  // FNV-1a: the split was fixed with it before fitting, so it must not change.
  // eslint-disable-next-line no-bitwise
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h % 3 === 0;
}

/** The model's estimate for the setup a row describes. */
export function estimateRow(row: PublishedRow): EstimateDetail {
  const i = row.inputs;
  const weightBytes = (i.weightGB ?? (i.paramsB ?? 1) * 2) * 1e9;
  const facts: ColdStartFacts = {
    ...defaultColdStartFacts(),
    weightPath: (i.weightPath as WeightPath | undefined) ?? WeightPath.LOCAL_NVME,
    streamerConcurrency: i.streamerConcurrency,
    shardedWeights: i.sharded,
    fastLoader: i.fastLoader,
    // The sources measured a start on a node that was up (or did not say otherwise); image pull and node
    // provisioning rows measure those levers alone.
    capacityArrival: i.coldNode ? CapacityArrival.COLD_NODE : CapacityArrival.WARM_BUFFER,
    imageArrival: (i.imageArrival as ImageArrival | undefined) ?? (i.imageGB !== undefined ? ImageArrival.REGISTRY : ImageArrival.PRE_PULLED),
    eager: i.eager ?? false,
    compile: i.compile !== 'off' || i.engine === 'v0',
    persistentCompileCache: i.compile === 'cached',
    warmup: false,
    fetchOrigin: i.fetchOrigin as WeightPath | undefined,
    fetchEveryStart: i.fetchOrigin !== undefined,
    parallelPull: i.parallelPull,
  };
  const size = Size.gibibytes(i.storage?.sizeGiB ?? 1);
  const throughput = i.storage?.throughputMiB ? Size.mebibytes(i.storage.throughputMiB) : undefined;
  const storage = i.storage?.ebs
    ? WeightStorage.ebsVolume(i.storage.ebs as EbsVolumeType, size, throughput)
    : i.storage?.pd ? WeightStorage.persistentDisk(i.storage.pd as PersistentDiskType, size)
      : i.storage?.pageCache ? WeightStorage.pageCache() : undefined;
  return estimateColdStart({
    weightBytes,
    facts,
    engine: i.engine === 'v0' ? EngineGeneration.V0 : EngineGeneration.V1,
    options: { storage, imageSize: i.imageGB !== undefined ? Size.kibibytes(Math.round((i.imageGB * 1e9) / 1024)) : undefined },
    shape: {
      parameters: i.paramsB !== undefined ? i.paramsB * 1e9 : undefined,
      layers: i.layers,
      tensorParallel: i.tp,
      pipelineParallel: i.pp,
      podCpus: i.podCpus,
      captureSizes: i.captureSizes ?? (i.engine === 'v0' ? 35 : undefined),
    },
  });
}

/** The model's value of a measure in one case. */
export function modelled(p: EstimatePieces, m: Measure): number {
  switch (m) {
    case 'weight': return p.weightLoadSeconds;
    case 'image': return p.imagePullSeconds;
    case 'node': return p.nodeCapacitySeconds;
    case 'runtime': return p.runtimeSeconds;
    case 'startup': return p.startupSeconds;
    case 'processStart': return p.runtime.processStart;
    case 'engineInit': return p.runtime.engineInit;
    case 'compile': return p.compileSeconds;
    case 'graphCapture': return p.graphCaptureSeconds;
  }
}

export interface Scored {
  readonly id: string;
  readonly measure: Measure;
  readonly published: number;
  readonly expected: number;
  readonly low: number;
  readonly high: number;
  /** |expected / published - 1|. */
  readonly error: number;
  readonly heldOut: boolean;
}

/** Every (row, measure) pair the sources give, with the model's figures. */
export function score(rows: readonly PublishedRow[] = ROWS): Scored[] {
  const out: Scored[] = [];
  for (const row of rows) {
    if (row.excluded) continue;
    const d = estimateRow(row);
    for (const [measure, published] of Object.entries(row.published) as Array<[Measure, number]>) {
      if (!(published > 0)) continue;
      const expected = modelled(d, measure);
      out.push({
        id: row.id,
        measure,
        published,
        expected,
        low: modelled(d.fast, measure),
        high: modelled(d.slow, measure),
        error: Math.abs(expected / published - 1),
        heldOut: heldOut(row.id),
      });
    }
  }
  return out;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median error per measure, fitted and held-out rows apart. */
export interface MeasureSummary {
  readonly measure: Measure;
  readonly fitted: number;
  readonly fittedN: number;
  readonly heldOut: number;
  readonly heldOutN: number;
  /** Share of rows whose published value lies between the fast and slow cases. */
  readonly covered: number;
}

export function summary(scored: readonly Scored[]): MeasureSummary[] {
  return [...LEVER_MEASURES, ...TERM_MEASURES].map(measure => {
    const f = scored.filter(s => s.measure === measure && !s.heldOut);
    const h = scored.filter(s => s.measure === measure && s.heldOut);
    const all = scored.filter(s => s.measure === measure);
    return {
      measure,
      fitted: median(f.map(s => s.error)),
      fittedN: f.length,
      heldOut: median(h.map(s => s.error)),
      heldOutN: h.length,
      covered: all.length ? all.filter(s => s.published >= s.low * 0.999 && s.published <= s.high * 1.001).length / all.length : NaN,
    };
  });
}
