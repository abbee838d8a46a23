/**
 * One benchmark measurement in its own process (so peak RSS is its own):
 * `library N` synthesizes N ColdStartOptimizedModels (baseline pack on);
 * `floor N` writes the same objects as raw ApiObjects, with no construct logic.
 * Prints one JSON line: {mode, n, ms, peakRssMiB, bytes}.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import {
  Backend, ColdStartOptimizedModel, Engine, KnativeFeature, ModelSize, Precision, Profile, WeightSource,
} from '../src';

const [mode, nArg] = process.argv.slice(2);
const n = Number(nArg);
const DIGEST = '@sha256:' + 'a'.repeat(64);

function props(i: number) {
  return {
    servedModelName: `model-${i}`,
    name: `m${i}`,
    weights: WeightSource.modelcar(`registry.example.com/models/m${i}${DIGEST}`),
    engine: Engine.vllm({ image: `vllm/vllm-openai${DIGEST}` }),
    size: ModelSize.fromParameters(8e9, Precision.BF16),
    gpu: { count: 1, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } },
    profile: Profile.production(),
    backend: Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature) }),
  };
}

/** The objects one model writes, as plain JSON, renamed for model i. */
function template(): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  new ColdStartOptimizedModel(chart, 'm', { ...props(0), enforceBaseline: false });
  return Testing.synth(chart);
}

const floorObjects = mode === 'floor' ? template() : [];
const start = process.hrtime.bigint();
const app = new App({ outdir: `${__dirname}/../bench-results/out-${mode}-${n}` });
const chart = new Chart(app, 'bench');
for (let i = 0; i < n; i++) {
  if (mode === 'library') {
    new ColdStartOptimizedModel(chart, `m${i}`, props(i));
  } else {
    floorObjects.forEach((o, j) => new ApiObject(chart, `m${i}-${j}`, JSON.parse(JSON.stringify(o).replace(/\bm0\b/g, `m${i}`).replace(/\bmodel-0\b/g, `model-${i}`))));
  }
}
const yaml = app.synthYaml();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ mode, n, ms: Math.round(ms), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), bytes: yaml.length }) + '\n');
