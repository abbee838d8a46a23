#!/usr/bin/env bash
# How an app repo consumes the package: `npm pack` the compiled library, install
# the tarball into a fresh cdk8s TypeScript app outside this repository, and
# `cdk8s synth` a model there. Catches what a path import hides: missing files,
# a wrong main/types, undeclared peer dependencies. Needs `npx projen compile` first.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball="$(cd "$repo" && npm pack --silent --pack-destination "$work" | tail -n 1)"
mkdir "$work/app" && cd "$work/app"

# The same install as the README's "Install" section.
npm init -y >/dev/null
npm install --no-audit --no-fund cdk8s@^2.70.0 cdk8s-plus-28@^2.5.6 constructs@^10.4.2 "$work/$tarball" >/dev/null
npm install --no-audit --no-fund -D cdk8s-cli@^2.207.0 ts-node@^10 typescript@~5.9.3 @types/node@^20 >/dev/null

cat > cdk8s.yaml <<'YAML'
language: typescript
app: npx ts-node main.ts
YAML
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "esModuleInterop": true, "skipLibCheck": true, "types": ["node"] } }
JSON
cat > main.ts <<'TS'
import { App, Chart } from 'cdk8s';
import { Backend, ColdStartOptimizedModel, Engine, KnativeFeature, ModelSize, Precision, Profile, WeightSource } from 'cdk8s-coldstart';

const app = new App();
const chart = new Chart(app, 'consumer', { namespace: 'llm' });
new ColdStartOptimizedModel(chart, 'qwen', {
  servedModelName: 'qwen2.5-0.5b-instruct',
  weights: WeightSource.modelcar('registry.example.com/models/qwen@sha256:' + 'b'.repeat(64)),
  engine: Engine.vllm({ image: 'vllm/vllm-openai@sha256:' + 'a'.repeat(64) }),
  size: ModelSize.fromParameters(0.5e9, Precision.BF16),
  gpu: { count: 1 },
  profile: Profile.lab(),
  backend: Backend.kserveKnative({ enabledFeatures: [KnativeFeature.TOLERATIONS, KnativeFeature.PRIORITY_CLASS_NAME] }),
});
app.synth();
TS

npx cdk8s synth --no-check-upgrade
grep -q '^kind: InferenceService$' dist/consumer.k8s.yaml
grep -q '"errors":0' dist/coldstart-findings.jsonl
echo "consumer test: installed $(basename "$tarball") into a fresh app and synthesized an InferenceService"
