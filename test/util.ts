import { App, Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { schemaErrors } from './schema';
import {
  Backend, ColdStartOptimizedModel, ColdStartOptimizedModelProps, Engine, GpuOptions, KnativeFeature, ModelSize, Precision, Profile, WeightSource,
} from '../src';
import { LeverContext } from '../src/levers/lever';
import { resolveGpu } from '../src/private/gpu';

// Tests synthesize thousands of models: keep the per-model summary lines off the console.
process.env.CDK8S_COLDSTART_QUIET = '1';

/**
 * What `fn` throws, whitespace runs collapsed: a failed synth's block aligns
 * its columns and wraps its text, so entries read as `error <path> <rule> <value> <Kind/name>: <message> fix: <fix>`.
 */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message.replace(/\s+/g, ' ');
  }
  throw new Error('expected an error, none was thrown');
}

export const VLLM = 'docker.io/vllm/vllm-openai@sha256:' + 'a'.repeat(64);
export const MODELCAR = 'registry.example.com/models/qwen@sha256:' + 'b'.repeat(64);

/** Minimal valid props: a 0.5B bf16 modelcar on one GPU. */
export function baseProps(overrides: Partial<ColdStartOptimizedModelProps> = {}): ColdStartOptimizedModelProps {
  return {
    servedModelName: 'qwen2.5-0.5b-instruct',
    weights: WeightSource.modelcar(MODELCAR),
    engine: Engine.vllm({ image: VLLM }),
    size: ModelSize.fromParameters(0.5e9, Precision.BF16),
    gpu: { count: 1, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } },
    // Declared so the baseline pack's CS-KSV-002 warning stays out of test output.
    backend: Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature) }),
    ...overrides,
  };
}

/** The context the model hands its levers, for tests that run one lever alone. */
export function leverContext(
  scope: IConstruct,
  o: { name?: string; profile?: Profile; size?: ModelSize; gpu?: GpuOptions; engineImage?: string } = {},
): LeverContext {
  return {
    name: o.name ?? 'qwen',
    servedModelName: o.name ?? 'qwen',
    profile: o.profile ?? Profile.lab(),
    size: o.size ?? ModelSize.fromParameters(0.5e9, Precision.BF16),
    gpu: resolveGpu(scope, o.gpu ?? { count: 1 }),
    port: 8080,
    engineImage: o.engineImage ?? VLLM,
    minReplicas: 0,
    maxReplicas: 1,
  };
}

export interface Synth {
  readonly app: App;
  readonly model: ColdStartOptimizedModel;
  readonly manifests: any[];
}

export function synth(overrides: Partial<ColdStartOptimizedModelProps> = {}, namespace?: string): Synth {
  const app = Testing.app();
  const chart = new Chart(app, 'serving', { namespace });
  const model = new ColdStartOptimizedModel(chart, 'qwen', baseProps(overrides));
  const manifests = Testing.synth(chart);
  // Every object any test synthesizes must validate against the schemas in imports/sources.
  expect(manifests.flatMap(schemaErrors)).toEqual([]);
  return { app, model, manifests };
}

export function find(manifests: any[], kind: string): any[] {
  return manifests.filter(m => m.kind === kind);
}

export function isvc(manifests: any[]): any {
  const found = find(manifests, 'InferenceService');
  expect(found).toHaveLength(1);
  return found[0];
}

export function predictor(manifests: any[]): any {
  return isvc(manifests).spec.predictor;
}

export function container(manifests: any[]): any {
  const containers = predictor(manifests).containers;
  expect(containers).toHaveLength(1);
  return containers[0];
}

export function env(manifests: any[]): Record<string, string> {
  return Object.fromEntries(container(manifests).env.map((e: any) => [e.name, e.value]));
}

/** `--flag=value` args as a map; bare flags map to true. */
export function args(manifests: any[]): Record<string, string | true> {
  return Object.fromEntries(container(manifests).args.map((a: string) => {
    const i = a.indexOf('=');
    return i < 0 ? [a, true] : [a.slice(0, i), a.slice(i + 1)];
  }));
}

export function volume(manifests: any[], mountPath: string): any {
  const mount = container(manifests).volumeMounts.find((m: any) => m.mountPath === mountPath);
  expect(mount).toBeDefined();
  return predictor(manifests).volumes.find((v: any) => v.name === mount.name);
}

/** The security context of every auxiliary container the library writes (warm buffer, pre-pull, checks): uid 65532, locked down. */
export const AUX_CONTAINER_SECURITY = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  seccompProfile: { type: 'RuntimeDefault' },
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
};

export const GI = 1024 ** 3;
export const MI = 1024 ** 2;

/** Parses the Mi/Gi quantities the library writes. */
export function bytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`unexpected quantity ${quantity}`);
  return Number(m[1]) * (m[2] === 'Gi' ? GI : MI);
}
