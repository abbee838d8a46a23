/**
 * One benchmark measurement in its own process (so peak RSS is its own):
 * `library <scenario> N` synthesizes N ColdStartOptimizedModels (baseline pack on);
 * `floor <scenario> N` writes the same objects as raw ApiObjects, with no construct logic;
 * `unchecked <scenario> N` is `library` with `enforceBaseline: false` (no rule pack), to tell the
 * pack's share from the constructs'.
 * Scenarios: `knative` (production models on KServe Knative: InferenceService, cache
 * claim, PriorityClasses, warm buffer, pre-pull DaemonSet) and `deployment` (the
 * Deployment backend, whose Services make the pack relate objects to each other).
 * Both synthesize with `app.synth()`, as `cdk8s synth` does, into an emptied folder.
 * Prints one JSON line: {mode, scenario, n, ms, constructMs, synthMs, cpuMs, writeMs, files, peakRssMiB,
 * bytes, sha256}: `ms` is the whole (construction and `app.synth()`), `constructMs` the objects' construction,
 * `synthMs` the `app.synth()` call alone; bytes and sha256 of the manifest file.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { readdirSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import {
  Backend, ColdStartOptimizedModel, ColdStartOptimizedModelProps, Engine, KnativeFeature, ModelSize, Precision, Profile, WeightSource,
} from '../src';

const [mode, scenario, nArg] = process.argv.slice(2);
const n = Number(nArg);
if (!['library', 'unchecked', 'floor'].includes(mode)) throw new Error(`unknown mode ${mode}: library, unchecked or floor`);
const DIGEST = '@sha256:' + 'a'.repeat(64);

function props(i: number): ColdStartOptimizedModelProps {
  const common = {
    servedModelName: `model-${i}`,
    name: `m${i}`,
    engine: Engine.vllm({ image: `vllm/vllm-openai${DIGEST}` }),
    size: ModelSize.fromParameters(8e9, Precision.BF16),
    gpu: { count: 1, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } },
    profile: Profile.production(),
  };
  switch (scenario) {
    case 'knative': return {
      ...common,
      weights: WeightSource.modelcar(`registry.example.com/models/m${i}${DIGEST}`),
      backend: Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature) }),
    };
    case 'deployment': return { ...common, weights: WeightSource.existingClaim(`m${i}-weights`), backend: Backend.deployment() };
    default: throw new Error(`unknown scenario ${scenario}`);
  }
}

/** The objects one model writes, as plain JSON, renamed for model i. */
function template(): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  new ColdStartOptimizedModel(chart, 'm', { ...props(0), enforceBaseline: false });
  return Testing.synth(chart);
}

// Both modes build the template, so both time the same process state (the floor needs it; JIT warm-up included).
const floorObjects = template();
// `cdk8s synth` empties the output folder before the app runs, so the report's files are written anew, as here.
// `sync` first: the previous run's writes, still being flushed, would otherwise stall this run's (seen: 50 ms to 1 s for 1,001 files).
const outdir = `${__dirname}/../bench-results/out-${mode}-${scenario}-${n}`;
rmSync(outdir, { recursive: true, force: true });
execFileSync('sync');
// Time spent in file writes (the manifests, the report), reported apart: on the VMs measured here it varies
// tenfold from run to run with the host's memory, not with the code.
// The module object itself (not an ES namespace, whose members are read-only), so its writeFileSync can be wrapped.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('fs');
const writeFile = fs.writeFileSync;
let writeNs = 0n;
fs.writeFileSync = function timedWrite(...args: unknown[]) {
  const t = process.hrtime.bigint();
  try {
    return writeFile.apply(fs, args);
  } finally {
    writeNs += process.hrtime.bigint() - t;
  }
};
const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const app = new App({ outdir });
const chart = new Chart(app, 'bench');
for (let i = 0; i < n; i++) {
  if (mode === 'library') {
    new ColdStartOptimizedModel(chart, `m${i}`, props(i));
  } else if (mode === 'unchecked') {
    new ColdStartOptimizedModel(chart, `m${i}`, { ...props(i), enforceBaseline: false });
  } else {
    floorObjects.forEach((o, j) => new ApiObject(chart, `m${i}-${j}`, JSON.parse(JSON.stringify(o).replace(/\bm0\b/g, `m${i}`).replace(/\bmodel-0\b/g, `model-${i}`))));
  }
}
const constructed = process.hrtime.bigint();
// What `cdk8s synth` runs: both modes write the manifests to disk; the library also writes its report.
app.synth();
const end = process.hrtime.bigint();
const ms = Number(end - start) / 1e6;
const cpu = process.cpuUsage(cpuStart);
const manifests = readdirSync(outdir).filter(f => f.endsWith('.k8s.yaml'));
if (manifests.length !== 1) throw new Error(`expected one manifest file in ${outdir}, found ${manifests.join(', ')}`);
const yaml = readFileSync(join(outdir, manifests[0]), 'utf8');
process.stdout.write(JSON.stringify({
  mode,
  scenario,
  n,
  ms: Math.round(ms),
  constructMs: Math.round(Number(constructed - start) / 1e6),
  synthMs: Math.round(Number(end - constructed) / 1e6),
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  writeMs: Math.round(Number(writeNs) / 1e6),
  files: readdirSync(outdir).length,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  bytes: yaml.length,
  sha256: createHash('sha256').update(yaml).digest('hex'),
}) + '\n');
