import { k8s } from 'cdk8s-plus-28';
import type { RenderContext } from './backend';
import { PodSecurityOptions, renderPodSpec } from './pod-spec';
import { Facts, PodBlueprint } from '../blueprint';
import { verifyConversion } from '../private/manifest-object';
import { merged } from '../private/merged';

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
  return merged(INFERENCE_SERVICE_GVK, {
    metadata: { name: context.name, annotations: merged(mode, bp.annotations, extra), labels: bp.labels },
  });
}

/**
 * The predictor shared by both KServe modes: the blueprint's pod with vLLM as
 * the custom `kserve-container`, and `STORAGE_URI` for KServe's storage
 * handling (modelcar included) when the weight source needs it.
 *
 * With sleep mode the proxy, not `kserve-container`, declares the public port,
 * and both modes route to it. Knative routes to the one container with a port
 * (knative/serving pkg/apis/serving/k8s_validation.go, validateContainersPorts).
 * KServe Standard's Service targets the first container's first port, or 8080
 * when it has none (kserve v0.20.0 pkg/controller/v1beta1/inferenceservice/
 * reconcilers/service/service_reconciler.go, createDefaultSvc): 8080 is the
 * port the proxy listens on, and the engine is on loopback.
 *
 * The pod spec stays typed: the InferenceService is a typed `ManifestObject`,
 * which converts it when it renders.
 * @internal
 */
export function kservePredictor(context: RenderContext, bp: PodBlueprint, security: PodSecurityOptions): any {
  const spec = renderPodSpec(bp, 'kserve-container', 'http1', security);
  const storageUri = bp.fact(Facts.STORAGE_URI);
  if (storageUri) {
    spec.containers[0] = merged(spec.containers[0], { env: [...(spec.containers[0].env ?? []), { name: 'STORAGE_URI', value: storageUri }] });
  }
  return merged(
    {
      minReplicas: context.minReplicas,
      maxReplicas: context.maxReplicas,
      labels: bp.labels,
    },
    Object.keys(bp.podAnnotations).length ? { annotations: bp.podAnnotations } : undefined,
    verifyConversion('InferenceService predictor', spec, k8s.toJson_PodSpec),
  );
}
