import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { renderPodSpec } from './pod-spec';
import { InferenceService } from '../../imports/kserve-inferenceservice-serving.kserve.io';
import { PodBlueprint } from '../blueprint';

/** What a backend needs besides the blueprint. @internal */
export interface RenderContext {
  readonly name: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/**
 * How the model is served. Every backend renders the same blueprint, so
 * switching backend changes only backend-specific fields.
 */
export abstract class Backend {
  /**
   * A KServe InferenceService in Knative mode
   * (`serving.kserve.io/deploymentMode: Knative`): scales to zero.
   */
  public static kserveKnative(): Backend {
    return new KServeKnative();
  }

  /** The port the engine must listen on. @internal */
  public abstract readonly _port: number;

  /** @internal */
  public abstract _render(scope: Construct, context: RenderContext, blueprint: PodBlueprint): ApiObject;
}

/**
 * KServe, Knative mode. The predictor is a custom `kserve-container` rather
 * than `model: {modelFormat: vLLM, runtime: kserve-vllmserver}`: every flag,
 * probe and port then sits in our manifest where the rules can check it (a
 * runtime's args are merged in only at admission), the app does not depend on
 * the `kserve-vllmserver` runtime (new in v0.20) being installed, and nothing
 * is passed twice (that runtime already sets --port and --served-model-name).
 * `STORAGE_URI` on `kserve-container` triggers the same storage handling as
 * `storageUri`, modelcar included.
 */
class KServeKnative extends Backend {
  public readonly _port = 8080; // Knative routes to the container port; KServe's convention is 8080

  public _render(scope: Construct, context: RenderContext, bp: PodBlueprint): ApiObject {
    const spec = renderPodSpec(bp, 'kserve-container');
    if (bp.storageUri) {
      spec.containers[0] = { ...spec.containers[0], env: [...(spec.containers[0].env ?? []), { name: 'STORAGE_URI', value: bp.storageUri }] };
    }
    return new ApiObject(scope, 'InferenceService', {
      ...InferenceService.GVK,
      metadata: {
        name: context.name,
        annotations: { 'serving.kserve.io/deploymentMode': 'Knative', ...bp.annotations },
        labels: bp.labels,
      },
      spec: {
        predictor: {
          minReplicas: context.minReplicas,
          maxReplicas: context.maxReplicas,
          labels: bp.labels,
          ...k8s.toJson_PodSpec(spec),
        },
      },
    });
  }
}
