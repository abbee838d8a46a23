import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { RenderContext } from './backend';
import { PodSecurityOptions, renderPodSpec } from './pod-spec';
import { Facts, PodBlueprint } from '../blueprint';
import { fail } from '../private/errors';
import { typedToJson } from '../private/manifest-object';

/**
 * The InferenceService's group, version and kind. A literal rather than the
 * generated import's `GVK`: requiring that 5 MB module only for these two
 * strings made every `cdk8s synth` from source transpile it (about 3 s). A test
 * pins it to the CRD the import is generated from.
 * @internal
 */
export const INFERENCE_SERVICE_GVK = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService' } as const;

/** The InferenceService's identity and owning-object annotations, backend-specific ones last. @internal */
export function kserveMetadata(context: RenderContext, bp: PodBlueprint, mode: Record<string, string>, extra: Record<string, string> = {}): any {
  return {
    ...INFERENCE_SERVICE_GVK,
    metadata: { name: context.name, annotations: { ...mode, ...bp.annotations, ...extra }, labels: bp.labels },
  };
}

/**
 * The predictor shared by both KServe modes: the blueprint's pod with vLLM as
 * the custom `kserve-container`, and `STORAGE_URI` for KServe's storage
 * handling (modelcar included) when the weight source needs it.
 * @internal
 */
export function kservePredictor(context: RenderContext, bp: PodBlueprint, security: PodSecurityOptions): any {
  const spec = renderPodSpec(bp, 'kserve-container', 'http1', security);
  const storageUri = bp.fact(Facts.STORAGE_URI);
  if (storageUri) {
    spec.containers[0] = { ...spec.containers[0], env: [...(spec.containers[0].env ?? []), { name: 'STORAGE_URI', value: storageUri }] };
  }
  return {
    minReplicas: context.minReplicas,
    maxReplicas: context.maxReplicas,
    labels: bp.labels,
    ...(Object.keys(bp.podAnnotations).length ? { annotations: bp.podAnnotations } : {}),
    ...typedToJson('InferenceService predictor', spec, k8s.toJson_PodSpec),
  };
}

/**
 * KServe builds the Service from `kserve-container`'s port. A sidecar that must
 * own the public port (sleep mode's path-filtering proxy) cannot sit in front
 * of it, so the engine's dev-mode endpoints would be routed to clients.
 * @internal
 */
export function refuseSidecars(scope: Construct, bp: PodBlueprint, mode: string): void {
  if (!bp.sidecars.length) return;
  fail(scope, 'CS-IN-052', `the pod has sidecar container(s) ${bp.sidecars.map(c => c.name).join(', ')} (sleep mode's proxy) that must own the public port, which KServe ${mode} mode gives to kserve-container: `
    + '/sleep and /wake_up would be routed to clients',
  'use Backend.deployment() for sleep mode (its Service targets the proxy), or turn runtime.sleepMode off; with Knative, scale to zero instead of sleeping');
}
