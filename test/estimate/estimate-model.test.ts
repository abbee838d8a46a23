import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration, Size } from 'cdk8s';
import { XMLParser } from 'fast-xml-parser';
import { BeforeSetup, EbsVolumeType, ModelSize, PersistentDiskType, Precision, StorageMedium, WeightPath, WeightSource, WeightStorage } from '../../src';
import { COLDSTART_REPORT_FILE } from '../../src/estimate/cold-start-report';
import { beforeFacts, estimateColdStart, EstimateInputs } from '../../src/estimate/estimate';
import { ColdStartFacts, defaultColdStartFacts } from '../../src/estimate/facts';
import { CapacityArrival, ImageArrival } from '../../src/estimate/paths';
import { captureSizesOf, layersFor } from '../../src/estimate/shape';
import { synth } from '../util';

const GB = 1e9;
const MIB = 1024 ** 2;
const base = (facts: Partial<ColdStartFacts> = {}, rest: Partial<EstimateInputs> = {}) =>
  estimateColdStart({ weightBytes: 16 * GB, facts: { ...defaultColdStartFacts(), capacityArrival: CapacityArrival.WARM_BUFFER, ...facts }, ...rest });

describe('runtime scales with what drives it', () => {
  test('more parameters and layers: longer engine init and compile', () => {
    const small = base({}, { shape: { parameters: 1e9, layers: 16 } });
    const large = base({}, { shape: { parameters: 70e9, layers: 80 } });
    expect(large.runtime.engineInit).toBeGreaterThan(small.runtime.engineInit);
    expect(large.compileSeconds).toBeGreaterThan(2 * small.compileSeconds);
    expect(large.graphCaptureSeconds).toBeGreaterThan(small.graphCaptureSeconds);
  });

  test('graph capture grows with the capture sizes the args ask for', () => {
    expect(captureSizesOf([])).toBe(67);
    expect(captureSizesOf(['--max-num-seqs=32'])).toBe(3 + 64 / 8);
    expect(captureSizesOf(['--cuda-graph-sizes', '1', '2', '4', '8'])).toBe(4);
    expect(captureSizesOf(['--cuda-graph-sizes=256'])).toBe(3 + 32);
    const few = base({}, { shape: { captureSizes: 8 } });
    const many = base({}, { shape: { captureSizes: 67 } });
    expect(many.graphCaptureSeconds / few.graphCaptureSeconds).toBeCloseTo(67 / 8);
  });

  test('tensor parallel adds worker start, distributed init and capture', () => {
    const one = base({}, { shape: { parameters: 70e9, tensorParallel: 1, podCpus: 32 } });
    const eight = base({}, { shape: { parameters: 70e9, tensorParallel: 8, podCpus: 32 } });
    expect(eight.runtime.processStart).toBeGreaterThan(one.runtime.processStart);
    expect(eight.graphCaptureSeconds).toBeGreaterThan(one.graphCaptureSeconds);
    expect(eight.compileSeconds).toBeGreaterThan(one.compileSeconds);
  });

  test('fewer cores than processes slow process start and compile', () => {
    const roomy = base({}, { shape: { tensorParallel: 4, podCpus: 16 } });
    const tight = base({}, { shape: { tensorParallel: 4, podCpus: 2 } });
    expect(tight.runtime.processStart).toBeGreaterThan(roomy.runtime.processStart * 2);
    expect(tight.compileSeconds).toBeCloseTo(roomy.compileSeconds * 2);
  });

  test('a new node (imports from a disk that just took the image) and a lazily arriving image start slower', () => {
    const held = base();
    const fresh = base({ capacityArrival: CapacityArrival.COLD_NODE });
    const streamed = base({ capacityArrival: CapacityArrival.COLD_NODE, imageArrival: ImageArrival.STREAMED });
    expect(fresh.runtime.processStart).toBeGreaterThan(held.runtime.processStart);
    expect(streamed.runtime.processStart).toBeGreaterThan(fresh.runtime.processStart);
  });

  test('a streamed image waits for what it reads first, not for its size, and never longer than its pull', () => {
    const streamed = (gib: number) =>
      base({ imageArrival: ImageArrival.STREAMED }, { options: { imageSize: Size.gibibytes(gib) } }).imagePullSeconds;
    expect(streamed(12)).toBe(25);
    expect(streamed(30)).toBe(streamed(12));
    const pulled = base({ imageArrival: ImageArrival.REGISTRY }, { options: { imageSize: Size.gibibytes(0.5) } }).imagePullSeconds;
    expect(streamed(0.5)).toBe(pulled);
    expect(pulled).toBeLessThan(25);
  });

  test('a compile-cache hit costs less than a cold compile and more than nothing; -O0 and eager cost neither', () => {
    const cold = base();
    const hit = base({ persistentCompileCache: true });
    expect(hit.compileSeconds).toBeGreaterThan(5);
    expect(hit.compileSeconds).toBeLessThan(cold.compileSeconds);
    expect(base({ compile: false }).compileSeconds).toBe(0);
    expect(base({ compile: false }).graphCaptureSeconds).toBe(0);
    expect(base({ eager: true }).compileSeconds).toBe(0);
  });

  test('layers default from the parameter count, and estimate.layers wins', () => {
    expect(layersFor(8e9)).toBe(32);
    expect(layersFor(70e9)).toBe(80);
    expect(layersFor(0.1e9)).toBe(24);
    const given = base({}, { options: { layers: 126 }, shape: { parameters: 8e9 } });
    expect(given.shape.layers).toBe(126);
  });
});

describe('storage under the weight path', () => {
  test('persistent disks: per-GiB rate, the type\'s baseline, the per-VM ceiling', () => {
    const at = (type: PersistentDiskType, gib: number) => WeightStorage.persistentDisk(type, Size.gibibytes(gib))._link[0] / MIB;
    expect(at(PersistentDiskType.BALANCED, 100)).toBeCloseTo(140);
    expect(at(PersistentDiskType.BALANCED, 1000)).toBeCloseTo(280);
    expect(at(PersistentDiskType.SSD, 1000)).toBeCloseTo(480);
    expect(at(PersistentDiskType.SSD, 10_000)).toBeCloseTo(1200);
    expect(at(PersistentDiskType.STANDARD, 1000)).toBeCloseTo(120);
  });

  test('EBS: gp2 by size, gp3 as provisioned (125 MiB/s by default), io2 as provisioned', () => {
    const at = (s: WeightStorage) => s._link[0] / MIB;
    expect(at(WeightStorage.ebsVolume(EbsVolumeType.GP2, Size.gibibytes(100)))).toBeCloseTo(128);
    expect(at(WeightStorage.ebsVolume(EbsVolumeType.GP2, Size.gibibytes(500)))).toBeCloseTo(250);
    expect(at(WeightStorage.ebsVolume(EbsVolumeType.GP3, Size.gibibytes(500)))).toBeCloseTo(125);
    expect(at(WeightStorage.ebsVolume(EbsVolumeType.GP3, Size.gibibytes(500), Size.mebibytes(1000)))).toBeCloseTo(1000);
    expect(at(WeightStorage.ebsVolume(EbsVolumeType.IO2, Size.gibibytes(500), Size.mebibytes(4000)))).toBeCloseTo(4000);
  });

  test('a faster disk loads faster; the page cache beats every disk; a network file system loses more to the loader than a block disk of the same rate', () => {
    const read = (storage: WeightStorage) =>
      base({ weightPath: WeightPath.SHARED_VOLUME }, { options: { storage } }).weightLoadSeconds;
    const slow = read(WeightStorage.persistentDisk(PersistentDiskType.BALANCED, Size.gibibytes(200)));
    const fast = read(WeightStorage.persistentDisk(PersistentDiskType.SSD, Size.gibibytes(2000)));
    expect(fast).toBeLessThan(slow);
    expect(read(WeightStorage.pageCache())).toBeLessThan(fast);
    const rate = Size.mebibytes(300);
    expect(read(WeightStorage.measured(StorageMedium.NETWORK_FILE_SYSTEM, rate)))
      .toBeGreaterThan(read(WeightStorage.measured(StorageMedium.BLOCK_DISK, rate)));
  });

  test('the Hub downloads one 5 GB shard per connection, 8 at a time: a small checkpoint cannot fill the link', () => {
    const hub = (gb: number) => base({ weightPath: WeightPath.HF_HUB }, { weightBytes: gb * GB }).weightFetchSeconds;
    // Up to 8 shards the download takes one shard's time: a 16 GB checkpoint (4 shards) as long as a 40 GB one.
    expect(hub(16)).toBeCloseTo(hub(40));
    expect(hub(2)).toBeLessThan(hub(5));
    // Beyond 8 shards it grows with the size, at 8 connections' rate: 8x the rate of a 5 GB checkpoint.
    expect(hub(141) / hub(70.5)).toBeCloseTo(2);
    expect(hub(5) / hub(80)).toBeCloseTo(5 / 80 * 8);
    // A measured Hub link replaces the per-connection model.
    const bandwidths = [{ path: WeightPath.HF_HUB, perSecond: Size.mebibytes(1000) }];
    const measured = base({ weightPath: WeightPath.HF_HUB }, { weightBytes: 16 * GB, options: { bandwidths } });
    expect(measured.weightFetchSeconds).toBeCloseTo(16 * GB / (1000 * MIB));
  });

  test('a Hub download is read back from the node\'s disk (a pod\'s memory limit keeps little of its page cache), unless the storage says page cache', () => {
    const pod = base({ weightPath: WeightPath.HF_HUB });
    const vm = base({ weightPath: WeightPath.HF_HUB }, { options: { storage: WeightStorage.pageCache() } });
    expect(pod.weightFetchSeconds).toBeCloseTo(vm.weightFetchSeconds);
    // The default loader from a local disk: 0.65 GB/s per rank, against 7 GB/s from memory.
    expect(pod.weightReadSeconds).toBeCloseTo(16 * GB / (0.65 * GB));
    expect(vm.weightReadSeconds).toBeCloseTo(16 * GB / (7 * GB));
  });

  test('a streamer thread reads ~330 MB/s from a disk: one thread cannot fill a fast volume, four fill a 1,000 MiB/s gp3', () => {
    const gp3 = WeightStorage.ebsVolume(EbsVolumeType.GP3, Size.gibibytes(750), Size.mebibytes(1000));
    const load = (threads: number) => base(
      { weightPath: WeightPath.LOCAL_NVME, streamerConcurrency: threads },
      { weightBytes: 15 * GB, options: { storage: gp3 } },
    ).loaderBytesPerSecond;
    expect(load(1)).toBeCloseTo(330e6, -6);
    expect(load(4)).toBeCloseTo(load(16));
    expect(load(4)).toBeLessThan(1000 * MIB);
    // From the page cache a thread is not held to a disk's rate.
    const memory = (threads: number) => base({ weightPath: WeightPath.PAGE_CACHE, streamerConcurrency: threads }).loaderBytesPerSecond;
    expect(memory(1)).toBe(memory(16));
    // From an object store a thread gets an eighth of the link at the streamer's default of 8.
    const s3 = (threads: number) => base({ weightPath: WeightPath.OBJECT_STORAGE, streamerConcurrency: threads }).loaderBytesPerSecond;
    expect(s3(4) / s3(8)).toBeCloseTo(0.5);
  });

  test('the streamer\'s ceiling grows with the ranks', () => {
    const nvme = (tp: number) =>
      base({ weightPath: WeightPath.LOCAL_NVME, streamerConcurrency: 16 }, { shape: { tensorParallel: tp } }).loaderBytesPerSecond;
    expect(nvme(4)).toBeGreaterThan(nvme(1));
  });

  test.each([
    ['an unknown disk type', () => WeightStorage.persistentDisk('pd-fast' as PersistentDiskType, Size.gibibytes(1))],
    ['a zero size', () => WeightStorage.persistentDisk(PersistentDiskType.SSD, Size.gibibytes(0))],
    ['a size that is not a Size', () => WeightStorage.persistentDisk(PersistentDiskType.SSD, 500 as unknown as Size)],
    ['gp2 with a throughput', () => WeightStorage.ebsVolume(EbsVolumeType.GP2, Size.gibibytes(100), Size.mebibytes(500))],
    ['io2 without one', () => WeightStorage.ebsVolume(EbsVolumeType.IO2, Size.gibibytes(100))],
    ['an unknown medium', () => WeightStorage.measured('tape' as StorageMedium, Size.mebibytes(5))],
    ['an infinite rate', () => WeightStorage.measured(StorageMedium.BLOCK_DISK, Size.mebibytes(Infinity))],
  ])('%s is CS-IN-084', (_what, make) => {
    expect(make).toThrow(/\[CS-IN-084\] .+ Fix: .+/);
  });

  test.each([
    ['estimate.before', { before: 'yesterday' as BeforeSetup }],
    ['estimate.layers', { layers: 0 }],
    ['estimate.layers', { layers: 32.5 }],
    ['estimate.storage', { storage: { medium: StorageMedium.BLOCK_DISK } as unknown as WeightStorage }],
  ])('a bad %s is CS-IN-085 with the model\'s path', (_prop, estimate) => {
    expect(() => synth({ estimate })).toThrow(/^serving\/qwen: \[CS-IN-085\] .+ Fix: .+/);
  });
});

describe('a node-local cache on a brand-new node downloads first', () => {
  const REPO = { repoId: 'Qwen/Qwen2.5-0.5B-Instruct', revision: 'a'.repeat(40) };
  test.each([
    ['prefetch', WeightSource.prefetch(REPO)],
    ['hostPath cache', WeightSource.hostPathCache(REPO)],
  ])('%s: a new node is charged the Hub download, a held node is not', (_name, weights) => {
    const cold = synth({ weights, size: ModelSize.of(Size.gibibytes(15)) }).model.estimate;
    const held = synth({ weights, size: ModelSize.of(Size.gibibytes(15)), capacity: { warmBuffer: { enabled: true } } }).model.estimate;
    expect(cold.weightLoadSeconds - held.weightLoadSeconds).toBeGreaterThan(16 * GB / (1 * GB));
  });
});

describe('ranges', () => {
  test('every lever and the total: fast <= expected <= slow', () => {
    const cases = [
      base(),
      base({ weightPath: WeightPath.HF_HUB, capacityArrival: CapacityArrival.COLD_NODE }),
      base({ weightPath: WeightPath.OBJECT_STORAGE, streamerConcurrency: 8 }),
    ];
    for (const f of cases) {
      for (const r of [f.weightLoadRange, f.imagePullRange, f.nodeCapacityRange, f.runtimeRange, f.startupRange, f.totalRange]) {
        expect(r.low).toBeLessThanOrEqual(r.expected + 1e-9);
        expect(r.expected).toBeLessThanOrEqual(r.high + 1e-9);
      }
      expect(f.totalRange.high).toBeGreaterThan(f.totalRange.low);
      expect(f.slow.startupSeconds).toBe(f.startupRange.high);
    }
  });

  test('a measured input narrows its lever to a point', () => {
    const d = base({ capacityArrival: CapacityArrival.COLD_NODE }, { options: { nodeProvisioning: Duration.minutes(4) } });
    expect(d.nodeCapacityRange).toEqual({ low: 240, expected: 240, high: 240 });
  });

  // The wake deadlines' slow case is tested with each backend (test/backends).
  test('the startup probe comes from the slow end', () => {
    const { model } = synth({ size: ModelSize.of(Size.gibibytes(140)) });
    const e = model.estimate;
    expect(e.startupRange.high).toBeGreaterThan(300);
    expect(model.startupBudget.toSeconds()).toBe(Math.ceil((1.25 * e.startupRange.high) / 10) * 10);
  });
});

describe('before and after', () => {
  test('each before setup is the plain defaults with its weight path', () => {
    const after: ColdStartFacts = {
      ...defaultColdStartFacts(),
      weightPath: WeightPath.OBJECT_STORAGE,
      streamerConcurrency: 8,
      capacityArrival: CapacityArrival.WARM_BUFFER,
      imageArrival: ImageArrival.PRE_PULLED,
      persistentCompileCache: true,
    };
    const hub = beforeFacts(after, BeforeSetup.HUB_DOWNLOAD_AT_START);
    expect(hub).toMatchObject({
      weightPath: WeightPath.HF_HUB,
      capacityArrival: CapacityArrival.COLD_NODE,
      imageArrival: ImageArrival.REGISTRY,
      persistentCompileCache: false,
    });
    expect(beforeFacts(after, BeforeSetup.INIT_CONTAINER_SYNC))
      .toMatchObject({ weightPath: WeightPath.PAGE_CACHE, fetchOrigin: WeightPath.OBJECT_STORAGE, fetchEveryStart: true });
    // The default loader cannot read a bucket: the object store becomes a download into the pod.
    expect(beforeFacts(after, BeforeSetup.DEFAULT_LOADER))
      .toMatchObject({ weightPath: WeightPath.PAGE_CACHE, fetchOrigin: WeightPath.OBJECT_STORAGE });
    // Nothing a lever set reaches the "before": it is the defaults with the weight path.
    const levers = {
      ...after, compileCacheSeeded: true, shardedWeights: true, fastLoader: true, parallelPull: true, loraAdapters: true, modelcarPrePulled: true,
    };
    expect(beforeFacts(levers, BeforeSetup.DEFAULT_LOADER))
      .toStrictEqual({
        ...defaultColdStartFacts(), weightPath: WeightPath.PAGE_CACHE, fetchOrigin: WeightPath.OBJECT_STORAGE, fetchEveryStart: true,
      });
    expect(beforeFacts({ ...after, weightPath: WeightPath.EFS }, BeforeSetup.DEFAULT_LOADER))
      .toStrictEqual({ ...defaultColdStartFacts(), weightPath: WeightPath.EFS });
  });

  test('the report and the picture show the before next to the after, lever by lever', () => {
    const { app, model } = synth({
      size: ModelSize.fromParameters(8e9, Precision.BF16),
      capacity: { warmBuffer: { enabled: true } },
      imagePull: { prePull: true },
      estimate: { before: BeforeSetup.HUB_DOWNLOAD_AT_START },
    });
    const report = readFileSync(join(app.outdir, COLDSTART_REPORT_FILE), 'utf8');
    expect(report).toContain('Before: download from the Hugging Face Hub at every start');
    expect(report).toContain('| lever | seconds: expected (fast-slow) | before | applied | what would cut it further |');
    const total = report.split('\n').find(l => l.startsWith('| **total** |'))!.split('|').map(c => c.trim());
    expect(Number(total[3])).toBeGreaterThan(model.estimate.totalSeconds);
    const svg = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(join(app.outdir, 'qwen-coldstart.svg'), 'utf8'));
    const groups = svg.svg.g as any[];
    expect(groups.every(g => g['data-before'] !== undefined && Number(g['data-high']) >= Number(g['data-low']))).toBe(true);
    expect(Number(groups.find(g => g['data-lever'] === 'weight load')['data-before'])).toBeGreaterThan(Number(groups.find(g => g['data-lever'] === 'weight load')['data-seconds']));
  });

  test('without estimate.before the report has no before column', () => {
    const { app } = synth({});
    expect(readFileSync(join(app.outdir, COLDSTART_REPORT_FILE), 'utf8')).not.toContain('| before |');
  });
});

describe('sizes', () => {
  test('a size that is not a whole number of KiB, and 4-bit formats', () => {
    expect(ModelSize.of(Size.gibibytes(3.42)).bytes).toBe(Math.ceil(3.42 * 1024 ** 3));
    expect(ModelSize.fromParameters(20e9, Precision.MXFP4).bytes).toBe(Math.ceil(20e9 * 4.25 / 8));
    expect(ModelSize.fromParameters(20e9, Precision.NVFP4).bytes).toBe(Math.ceil(20e9 * 4.5 / 8));
    expect(ModelSize.fromParameters(8e9, Precision.INT4).parameters).toBe(8e9);
    expect(ModelSize.of(Size.gibibytes(15)).parameters).toBeUndefined();
  });
});
