import { readFileSync } from 'fs';
import { join } from 'path';
import { Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  Backend, CacheNodeGroup, CacheStorage, ColdStartOptimizedModelProps, ModelSize, Precision, Profile, WeightPath, WeightSource,
} from '../../src';
import { COLDSTART_REPORT_FILE, ColdStartReportWriter } from '../../src/estimate/cold-start-report';
import { assessColdStart } from '../../src/estimate/estimate';
import { ColdStartFacts, defaultColdStartFacts } from '../../src/estimate/facts';
import { CapacityArrival, ImageArrival } from '../../src/estimate/paths';
import { synth } from '../util';
import { arbitraryBytes, arbitraryFacts } from './arbitrary';

// "What would cut it further" never names what the configuration already does.

const LEVERS = ['node capacity', 'image pull', 'weight load', 'runtime'];

/** The "what would cut it further" cell of each lever row of a one-model report. */
function further(report: string): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const line of report.split('\n')) {
    const m = /^\| ([a-z ]+) \| [^|]* \| [^|]* \| ([^|]*) \|$/.exec(line);
    if (m && LEVERS.includes(m[1])) cells[m[1]] = m[2];
  }
  expect(Object.keys(cells).sort()).toEqual([...LEVERS].sort());
  return cells;
}

/** Settings a suggestion can name, and how it names them. */
const NAMES = {
  prePull: /pre-pull/i,
  warmBuffer: /warm buffer/i,
  persistentCompileCache: /persistent engine cache/,
  eager: /--enforce-eager/,
  // -O0 already skips graph capture and compile: eager or a compile cache would change nothing.
  noCompile: /--enforce-eager|persistent engine cache|compile/,
  sleepMode: /sleep mode/i,
  streamer: /runai_streamer/,
  nodeLocalWeights: /NVMe|LocalModelCache|prefetch|for the modelcar|modelcar image/i,
};
type Setting = keyof typeof NAMES;

function expectNoneNamed(cells: Record<string, string>, on: Iterable<Setting>): void {
  for (const s of on) {
    for (const [lever, text] of Object.entries(cells)) {
      if (NAMES[s].test(text)) throw new Error(`the ${lever} suggestion "${text}" names ${s}, which is already on`);
    }
  }
}

/** What the synthesized manifests apply, read from the objects, not from the estimate's inputs. */
function appliedIn(m: any[]): Set<Setting> {
  const isvc = m.find(o => o.kind === 'InferenceService');
  const pod = isvc ? isvc.spec.predictor : m.find(o => o.kind === 'Deployment' && o.metadata.name === 'qwen').spec.template.spec;
  const engine = pod.containers.find((c: any) => (c.args ?? []).some((a: string) => a.startsWith('--served-model-name')));
  const args: string[] = engine.args;
  const cacheMount = engine.volumeMounts.find((v: any) => v.mountPath === '/home/vllm');
  const cache = pod.volumes.find((v: any) => v.name === cacheMount?.name);
  const prePull = m.find(o => o.kind === 'DaemonSet' && o.metadata.name === 'qwen-pre-pull');
  const warmBuffer = m.some(o => (o.kind === 'PriorityClass' && o.value < 0) || o.kind === 'CapacityBuffer');
  const storageUri = (engine.env ?? []).find((e: any) => e.name === 'STORAGE_URI')?.value ?? '';
  const modelcarPrePulled = storageUri.startsWith('oci://') && warmBuffer
    && prePull?.spec.template.spec.initContainers.some((c: any) => `oci://${c.image}` === storageUri);
  const on = new Set<Setting>();
  if (prePull) on.add('prePull');
  if (warmBuffer) on.add('warmBuffer');
  if (cache?.persistentVolumeClaim) on.add('persistentCompileCache');
  if (args.includes('--enforce-eager')) on.add('eager');
  if (args.includes('-O0')) on.add('noCompile');
  if (args.includes('--enable-sleep-mode')) on.add('sleepMode');
  if (args.includes('--load-format=runai_streamer')) on.add('streamer');
  if (modelcarPrePulled || m.some(o => o.kind === 'LocalModelCache') || (pod.volumes ?? []).some((v: any) => v.hostPath)) on.add('nodeLocalWeights');
  return on;
}

const REPO = { repoId: 'Qwen/Qwen2.5-0.5B-Instruct', revision: 'a8b602d9dafd3a75d382e62757d83d89fca3be54', token: { name: 'hf', key: 'token' } };
const PROXY = 'docker.io/nginxinc/nginx-unprivileged@sha256:' + 'c'.repeat(64);
const compiled = { enforceEager: false, compile: true };
/** 8B bf16, 16 GB: every saving is well above the 0.5 s the report shows. */
const SIZE = ModelSize.fromParameters(8e9, Precision.BF16);

describe('synthesized models: no suggestion names a lever or option that is on', () => {
  const cases: Array<[string, Partial<ColdStartOptimizedModelProps>, Setting[]]> = [
    ['the pre-pull (a new node)', { imagePull: { prePull: true } }, ['prePull']],
    ['a warm buffer', { capacity: { warmBuffer: { enabled: true } } }, ['warmBuffer']],
    ['the pre-pull on a node a warm buffer holds (the modelcar on the node)', { imagePull: { prePull: true }, capacity: { warmBuffer: { enabled: true } } }, ['prePull', 'warmBuffer', 'nodeLocalWeights']],
    ['a persistent compile cache', { runtime: { ...compiled, cache: CacheStorage.persistentVolumeClaim() } }, ['persistentCompileCache']],
    ['--enforce-eager', { runtime: { enforceEager: true, compile: true } }, ['eager']],
    ['-O0', { runtime: { enforceEager: false, compile: false } }, ['noCompile']],
    ['sleep mode', { weights: WeightSource.existingClaim('qwen-weights'), backend: Backend.deployment(), runtime: { ...compiled, sleepMode: { proxyImage: PROXY } } }, ['sleepMode']],
    ['a LocalModelCache', { weights: WeightSource.localModelCache('hf://Qwen/Qwen2.5-0.5B-Instruct', { nodeGroup: CacheNodeGroup.localNvme({ path: '/mnt/nvme/models', storageLimit: Size.gibibytes(100) }) }) }, ['nodeLocalWeights']],
    ['a hostPath cache', { weights: WeightSource.hostPathCache(REPO, { hostPath: '/mnt/nvme/models' }) }, ['nodeLocalWeights']],
    ['prefetch', { weights: WeightSource.prefetch(REPO) }, ['nodeLocalWeights']],
    ['the lab profile\'s defaults', { profile: Profile.lab() }, ['eager', 'noCompile', 'streamer']],
    ['the production profile\'s defaults', { profile: Profile.production() }, ['prePull', 'warmBuffer', 'persistentCompileCache', 'nodeLocalWeights', 'streamer']],
  ];
  test.each(cases)('%s', (_, props, expected) => {
    const { app, manifests } = synth({ size: SIZE, ...props });
    const on = appliedIn(manifests);
    // The case really turns the setting on, so the check below is not vacuous.
    expect([...on]).toEqual(expect.arrayContaining(expected));
    expectNoneNamed(further(readFileSync(join(app.outdir, COLDSTART_REPORT_FILE), 'utf8')), on);
  });

  test('with every lever and option off, each suggestion appears', () => {
    const { app, manifests } = synth({ size: SIZE, runtime: compiled });
    expect([...appliedIn(manifests)]).toEqual(['streamer']);
    const cells = further(readFileSync(join(app.outdir, COLDSTART_REPORT_FILE), 'utf8'));
    expect(cells['node capacity']).toBe('warm buffer of pause pods: -95 s');
    expect(cells['image pull']).toBe('pre-pull DaemonSet and a warm buffer (a new node pulls as it comes up): -240 s');
    expect(cells['weight load']).toMatch(/^pre-pull DaemonSet and a warm buffer \(a new node pulls as it comes up\) for the modelcar: -100 s; node-local NVMe cache \(LocalModelCache or prefetch\): -100 s$/);
    expect(cells.runtime).toMatch(/^persistent engine cache \(HOME: compile artifacts\): -13\.2 s; `--enforce-eager` \(slower steady state\): -24\.5 s; sleep mode, when one GPU multiplexes models/);
  });
});

describe('any inputs: no suggestion names what the inputs say is on', () => {
  /** The report section of one model with these inputs. */
  const cellsFor = (facts: ColdStartFacts, weightBytes = 16e9) => {
    const writer = ColdStartReportWriter.of(new Construct(undefined as any, 'root'));
    writer.add({ path: 'serving/qwen', name: 'qwen', assessment: assessColdStart({ weightBytes, facts }), startupBudgetSeconds: 300 });
    return further(writer.files()[COLDSTART_REPORT_FILE]);
  };

  test('property', () => {
    fc.assert(fc.property(arbitraryFacts, arbitraryBytes, (f, bytes) => {
      const on = new Set<Setting>();
      if (f.prePull) on.add('prePull');
      if (f.capacityArrival === CapacityArrival.WARM_BUFFER) on.add('warmBuffer');
      if (f.persistentCompileCache) on.add('persistentCompileCache');
      if (f.eager) on.add('eager');
      if (!f.compile) on.add('noCompile');
      if (f.sleepMode) on.add('sleepMode');
      if (f.streamerConcurrency !== undefined) on.add('streamer');
      if (f.weightPath === WeightPath.LOCAL_NVME || f.weightPath === WeightPath.PAGE_CACHE || (f.weightPath === WeightPath.OCI_MODELCAR && f.modelcarPrePulled)) on.add('nodeLocalWeights');
      const cells = cellsFor(f, bytes);
      expectNoneNamed(cells, on);
      if (f.imageArrival === ImageArrival.PRE_PULLED) expect(cells['image pull']).toBe('nothing: already on the node');
    }), { numRuns: 300 });
  });

  test('everything off: every suggestion appears, the streamer\'s included', () => {
    const cells = cellsFor({ ...defaultColdStartFacts(), weightPath: WeightPath.OCI_MODELCAR });
    for (const s of Object.keys(NAMES) as Setting[]) {
      expect(Object.values(cells).some(text => NAMES[s].test(text))).toBe(true);
    }
    expect(cells['weight load']).toContain('`--load-format runai_streamer`');
  });

  test('a DaemonSet that pulls the engine image but not the modelcar, on a held node: the modelcar is the one suggestion', () => {
    const cells = cellsFor({
      ...defaultColdStartFacts(),
      weightPath: WeightPath.OCI_MODELCAR,
      streamerConcurrency: 16,
      prePull: true,
      imageArrival: ImageArrival.PRE_PULLED,
      capacityArrival: CapacityArrival.WARM_BUFFER,
    });
    expect(cells['weight load']).toMatch(/^the modelcar image in the DaemonSet that pulls the engine image: -100 s; node-local NVMe cache \(LocalModelCache or prefetch\): -\d+(\.\d)? s$/);
  });
});
