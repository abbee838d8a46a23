import { existsSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Duration, Size } from 'cdk8s';
import * as fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { arbitraryBytes, arbitraryFacts } from './arbitrary';
import { ColdStartOptimizedModel, ModelSize, Precision, WeightPath, WeightSource } from '../../src';
import { COLDSTART_REPORT_FILE } from '../../src/estimate/cold-start-report';
import { estimateColdStart } from '../../src/estimate/estimate';
import { defaultColdStartFacts } from '../../src/estimate/facts';
import { ImageArrival, CapacityArrival } from '../../src/estimate/paths';
import { waterfallSvg } from '../../src/estimate/waterfall-svg';
import { baseProps, container, find, isvc, MODELCAR, synth, VLLM } from '../util';

const paths = Object.values(WeightPath);
const facts = arbitraryFacts;
const bytes = arbitraryBytes;

describe('monotonicity', () => {
  test('a bigger model never gets a smaller estimate', () => {
    fc.assert(fc.property(facts, bytes, bytes, (f, a, b) => {
      const [small, big] = a <= b ? [a, b] : [b, a];
      const s = estimateColdStart({ weightBytes: small, facts: f });
      const l = estimateColdStart({ weightBytes: big, facts: f });
      expect(l.totalSeconds).toBeGreaterThanOrEqual(s.totalSeconds);
      expect(l.startupSeconds).toBeGreaterThanOrEqual(s.startupSeconds);
      expect(l.physicalLimitSeconds).toBeGreaterThanOrEqual(s.physicalLimitSeconds);
    }), { numRuns: 500 });
  });

  test('a faster path never gets a larger estimate', () => {
    fc.assert(fc.property(facts, bytes, fc.double({
      min: 1e6,
      max: 1e11,
      noNaN: true,
    }), fc.double({ min: 1.01, max: 100, noNaN: true }), (f, b, bw, k) => {
      const at = (bps: number) => estimateColdStart({
        weightBytes: b,
        facts: f,
        options: { bandwidths: paths.map(path => ({ path, perSecond: Size.kibibytes(bps / 1024) })) },
      });
      expect(at(bw * k).totalSeconds).toBeLessThanOrEqual(at(bw).totalSeconds + 1e-9);
    }), { numRuns: 500 });
  });

  test('more streamer concurrency, a warm buffer, a pre-pulled image or modelcar, eager or a compile cache never add time', () => {
    fc.assert(fc.property(facts, bytes, (f, b) => {
      const base = estimateColdStart({ weightBytes: b, facts: f }).totalSeconds;
      const better = (g: Partial<typeof f>) => estimateColdStart({ weightBytes: b, facts: { ...f, ...g } }).totalSeconds;
      if (f.streamerConcurrency !== undefined) {
        expect(better({ streamerConcurrency: Math.min(256, f.streamerConcurrency * 2) })).toBeLessThanOrEqual(base + 1e-9);
      }
      expect(better({ capacityArrival: CapacityArrival.WARM_BUFFER })).toBeLessThanOrEqual(base + 1e-9);
      expect(better({ imageArrival: ImageArrival.PRE_PULLED })).toBeLessThanOrEqual(base + 1e-9);
      expect(better({ modelcarPrePulled: true })).toBeLessThanOrEqual(base + 1e-9);
      expect(better({ persistentCompileCache: true })).toBeLessThanOrEqual(base + 1e-9);
      expect(better({ eager: true })).toBeLessThanOrEqual(base + 1e-9);
      expect(better({ compile: false })).toBeLessThanOrEqual(base + 1e-9);
    }), { numRuns: 500 });
  });
});

describe('estimate', () => {
  test('levers add up; the startup covers weight load + runtime only', () => {
    const d = estimateColdStart({ weightBytes: 15e9, facts: defaultColdStartFacts() });
    expect(d.totalSeconds).toBeCloseTo(d.nodeCapacitySeconds + d.imagePullSeconds + d.weightLoadSeconds + d.runtimeSeconds);
    expect(d.startupSeconds).toBeCloseTo(d.weightLoadSeconds + d.runtimeSeconds);
    expect(d.physicalLimitSeconds).toBeLessThanOrEqual(d.startupSeconds);
  });

  test('a modelcar is pulled from the registry, then read from node disk; a pre-pulled one only read', () => {
    const f = { ...defaultColdStartFacts(), weightPath: WeightPath.OCI_MODELCAR, streamerConcurrency: 16 };
    const pulled = estimateColdStart({ weightBytes: 16e9, facts: f });
    const onNode = estimateColdStart({ weightBytes: 16e9, facts: { ...f, modelcarPrePulled: true } });
    expect(pulled.weightFetchSeconds).toBeCloseTo(16e9 / 160e6);
    expect(onNode.weightFetchSeconds).toBe(0);
    // Either way the read is from node disk (6 GB/s) through the streamer's 4.3 GB/s ceiling.
    expect(onNode.weightReadSeconds).toBeCloseTo(16e9 / 4.3e9);
    expect(onNode.weightReadSeconds).toBe(pulled.weightReadSeconds);
    expect(onNode.slowestLinkBytesPerSecond).toBe(6e9);
    expect(pulled.slowestLinkBytesPerSecond).toBe(160e6);
    // Only the modelcar reads its weights from an image.
    const efs = { ...f, weightPath: WeightPath.EFS };
    expect(estimateColdStart({ weightBytes: 16e9, facts: { ...efs, modelcarPrePulled: true } }).weightLoadSeconds)
      .toBe(estimateColdStart({ weightBytes: 16e9, facts: efs }).weightLoadSeconds);
  });

  test('image size and node provisioning are inputs', () => {
    const f = defaultColdStartFacts();
    const d = estimateColdStart({ weightBytes: 1e9, facts: f, options: { imageSize: Size.gibibytes(4) } });
    expect(d.imagePullSeconds).toBeCloseTo(4 * 1024 ** 3 / 50e6);
    expect(d.nodeCapacitySeconds).toBe(100);
    expect(estimateColdStart({ weightBytes: 1e9, facts: f, options: { nodeProvisioning: Duration.minutes(7) } }).nodeCapacitySeconds).toBe(420);
  });
});

describe('the model', () => {
  test('exposes the estimate and sizes the startup probe from its slow end (plus a quarter, at least 5 minutes)', () => {
    const { model, manifests } = synth({
      size: ModelSize.of(Size.gibibytes(140)),
      estimate: { bandwidths: [{ path: WeightPath.OCI_MODELCAR, perSecond: Size.mebibytes(100) }] },
    });
    const e = model.estimate;
    expect(e.weightLoadSeconds).toBeGreaterThan(140 * 1024 ** 3 / (100 * 1024 ** 2));
    expect(isvc(manifests).metadata.annotations['coldstart.cdk8s.io/expected-startup-seconds']).toBe(`${Math.ceil(e.startupSeconds)}`);
    const p = container(manifests).startupProbe;
    expect(e.startupRange.high).toBeGreaterThan(e.startupSeconds);
    expect(e.startupRange.low).toBeLessThan(e.startupSeconds);
    expect(p.periodSeconds * p.failureThreshold).toBe(Math.ceil(1.25 * e.startupRange.high / 10) * 10);
  });

  test('a faster weight link lowers the estimate and the budget', () => {
    const size = ModelSize.of(Size.gibibytes(140));
    const slow = synth({ size }).model;
    const fast = synth({ size, estimate: { bandwidths: [{ path: WeightPath.OCI_MODELCAR, perSecond: Size.gibibytes(2) }] } }).model;
    expect(fast.estimate.weightLoadSeconds).toBeLessThan(slow.estimate.weightLoadSeconds);
    expect(fast.startupBudget.toSeconds()).toBeLessThan(slow.startupBudget.toSeconds());
  });

  describe('a modelcar and the pre-pull', () => {
    const size = ModelSize.fromParameters(8e9, Precision.BF16);
    const registry = 16e9 / 160e6;
    const prePull = { prePull: true };
    const buffer = { warmBuffer: { enabled: true } };
    const pulls = (m: any[]) => find(m, 'DaemonSet').filter(d => d.metadata.name === 'qwen-pre-pull')
      .flatMap(d => d.spec.template.spec.initContainers.map((c: any) => c.image));

    test('on a node a warm buffer holds, the pre-pulled modelcar is not pulled again: only the engine reads it from node disk', () => {
      const held = synth({ size, imagePull: prePull, capacity: buffer });
      const bufferOnly = synth({ size, capacity: buffer });
      expect(pulls(held.manifests)).toEqual([VLLM, MODELCAR]);
      expect(held.model.estimate.imagePullSeconds).toBe(0);
      expect(bufferOnly.model.estimate.weightLoadSeconds - held.model.estimate.weightLoadSeconds).toBeCloseTo(registry);
      expect(held.model.estimate.weightLoadSeconds).toBeCloseTo(16e9 / 4.3e9);
      const report = readFileSync(join(held.app.outdir, COLDSTART_REPORT_FILE), 'utf8');
      expect(report).toContain('| weight load | 3.7 (2.7-8) | 16 GB via OCI modelcar (pre-pulled, read from node disk), Run:ai streamer (concurrency 16); loader 4.3 GB/s | near the loader ceiling |');
    });

    test('on a new node (0->1) the DaemonSet pulls as the node comes up: the modelcar and the engine image are charged the registry pull, as without it', () => {
      const cold = synth({ size, imagePull: prePull });
      const off = synth({ size, imagePull: { prePull: false } });
      expect(pulls(cold.manifests)).toEqual([VLLM, MODELCAR]);
      expect(pulls(off.manifests)).toEqual([]);
      expect(cold.model.estimate).toEqual(off.model.estimate);
      expect(cold.model.estimate.weightLoadSeconds).toBeCloseTo(registry + 16e9 / 4.3e9);
      expect(cold.model.estimate.imagePullSeconds).toBeCloseTo(12e9 / 50e6);
      const report = readFileSync(join(cold.app.outdir, COLDSTART_REPORT_FILE), 'utf8');
      expect(report).toContain('| image pull | 240 (75-480) | pulled from the registry (digest-pinned, IfNotPresent); pre-pull DaemonSet on, which a new node runs only as it comes up '
        + '| warm buffer of pause pods (a new node pulls as it comes up): -240 s |');
      expect(report).toContain('OCI modelcar (pulled, then read from node disk)');
      expect(report).toContain('warm buffer of pause pods (a new node pulls as it comes up) for the modelcar: -100 s');
    });
  });

  test('synth writes coldstart-report.md and one waterfall SVG per model into the outdir, and nothing in the repo', () => {
    const { app } = synth();
    const report = readFileSync(join(app.outdir, COLDSTART_REPORT_FILE), 'utf8');
    expect(report).toContain('## qwen (`serving/qwen`)');
    expect(report).toContain('![cold-start waterfall of qwen](qwen-coldstart.svg)');
    for (const lever of ['node capacity', 'image pull', 'weight load', 'runtime']) expect(report).toContain(`| ${lever} |`);
    expect(report).toContain('Physical limit:');
    expect(existsSync(join(app.outdir, 'qwen-coldstart.svg'))).toBe(true);
    expect(app.outdir.startsWith(process.cwd())).toBe(false);
    expect(existsSync(join(process.cwd(), COLDSTART_REPORT_FILE))).toBe(false);
    // Deterministic: a second synth writes the same bytes.
    expect(readFileSync(join(synth().app.outdir, COLDSTART_REPORT_FILE), 'utf8')).toBe(report);
  });
  test('the report is written once per change, though cdk8s validates once per app and once per chart', () => {
    const { app } = synth();
    const chart = app.node.findChild('serving') as any;
    const file = join(app.outdir, COLDSTART_REPORT_FILE);
    // A marker the library would overwrite if it wrote the report again.
    writeFileSync(file, 'marker');
    app.synthYaml();
    expect(readFileSync(file, 'utf8')).toBe('marker');
    new ColdStartOptimizedModel(chart, 'other', baseProps({ name: 'other' }));
    app.synthYaml();
    expect(readFileSync(file, 'utf8')).toContain('## other (`serving/other`)');
    expect(existsSync(join(app.outdir, 'other-coldstart.svg'))).toBe(true);
    rmSync(file);
    app.synthYaml();
    expect(readFileSync(file, 'utf8')).toContain('## qwen (`serving/qwen`)');
  });
});

describe('waterfall SVG', () => {
  const e = estimateColdStart({ weightBytes: 15e9, facts: defaultColdStartFacts() });
  const svg = waterfallSvg('serving/<qwen>', e);

  test('parses as XML', () => {
    expect(XMLValidator.validate(svg)).toBe(true);
  });

  test('has one bar per lever, in wake order, with its label and seconds', () => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg);
    const groups = doc.svg.g;
    expect(groups.map((g: any) => g['data-lever'])).toEqual(['node capacity', 'image pull', 'weight load', 'runtime']);
    expect(groups.map((g: any) => Number(g['data-seconds']))).toEqual([e.nodeCapacitySeconds, e.imagePullSeconds, e.weightLoadSeconds, e.runtimeSeconds].map(s => Math.round(s * 10) / 10));
    for (const g of groups) {
      expect(g.rect).toBeDefined();
      expect(Array.isArray(g.rect)).toBe(false);
      expect(g.text[0]['#text']).toBe(g['data-lever']);
    }
    // Waterfall: each bar starts where the previous one ends.
    const xs = groups.map((g: any) => [Number(g.rect.x), Number(g.rect.width)]);
    for (let i = 1; i < xs.length; i++) expect(xs[i][0]).toBeCloseTo(xs[i - 1][0] + xs[i - 1][1], 0);
  });
});

describe('errors', () => {
  test.each([
    ['CS-IN-070', { bandwidths: [{ path: WeightPath.EFS, perSecond: Size.kibibytes(0) }] }],
    ['CS-IN-072', { bandwidths: [{ path: WeightPath.EFS, perSecond: Size.mebibytes(1) }, { path: WeightPath.EFS, perSecond: Size.mebibytes(2) }] }],
    ['CS-IN-071', { imageSize: Size.kibibytes(0) }],
  ])('%s', (id, estimate) => {
    expect(() => synth({ estimate })).toThrow(new RegExp(`^serving/qwen: \\[${id}\\] .+ Fix: .+`));
  });
});

describe('tensor-parallel ranks each stream every file (non-distributed Run:ai streamer)', () => {
  const W = 140 * 1024 ** 3;
  const at = (path: WeightPath, ranks: number) => estimateColdStart({
    weightBytes: W,
    facts: { ...defaultColdStartFacts(), weightPath: path, streamerConcurrency: 16, streamerRanks: ranks },
  });

  test('from an object store the link carries the weights once per rank', () => {
    const one = at(WeightPath.OBJECT_STORAGE, 1);
    const four = at(WeightPath.OBJECT_STORAGE, 4);
    // The bucket link is the bound: four ranks move four times the bytes through it.
    expect(four.weightReadSeconds).toBeCloseTo(4 * W / four.slowestLinkBytesPerSecond, 0);
    expect(four.weightReadSeconds).toBeGreaterThan(one.weightReadSeconds * 2);
    expect(four.physicalLimitSeconds - four.fixedInitSeconds).toBeCloseTo(4 * (one.physicalLimitSeconds - one.fixedInitSeconds), 0);
  });

  test('from a file system the node\'s page cache serves the ranks after the first: no extra link traffic, and the ranks add streams', () => {
    for (const path of [WeightPath.SHARED_VOLUME, WeightPath.LOCAL_NVME, WeightPath.GCS_FUSE]) {
      const one = at(path, 1);
      const eight = at(path, 8);
      // The link carries the weights once: never faster than it allows, never slower than one rank.
      expect(eight.weightReadSeconds).toBeGreaterThanOrEqual(W / eight.slowestLinkBytesPerSecond - 1e-6);
      expect(eight.weightReadSeconds).toBeLessThanOrEqual(one.weightReadSeconds);
    }
    // Node disk at 6 GB/s: one rank's streamer (4.3 GB/s) is the bound; eight reach the disk's rate.
    expect(at(WeightPath.LOCAL_NVME, 1).weightReadSeconds).toBeCloseTo(W / 4.3e9);
    expect(at(WeightPath.LOCAL_NVME, 8).weightReadSeconds).toBeCloseTo(W / 6e9);
  });

  test('the model tells the estimate its ranks', () => {
    const one = synth({ weights: WeightSource.objectStorage('s3://models/llama'), size: ModelSize.of(Size.gibibytes(140)), gpu: { count: 1 } }).model.estimate;
    const four = synth({ weights: WeightSource.objectStorage('s3://models/llama'), size: ModelSize.of(Size.gibibytes(140)), gpu: { count: 4 } }).model.estimate;
    expect(four.weightLoadSeconds).toBeGreaterThan(one.weightLoadSeconds * 2);
  });
});
