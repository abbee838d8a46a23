import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { renderPodSpec } from './pod-spec';
import { InferenceService } from '../../imports/kserve-inferenceservice-serving.kserve.io';
import { KNATIVE_FEATURES_ANNOTATION } from '../annotations';
import { PodBlueprint } from '../blueprint';

/**
 * A Knative `config-features` flag (ConfigMap `config-features`, namespace
 * `knative-serving`). Knative rejects a pod spec that uses a feature whose
 * flag is not enabled.
 */
export enum KnativeFeature {
  /** `kubernetes.podspec-nodeselector`. */
  NODE_SELECTOR = 'kubernetes.podspec-nodeselector',
  /** `kubernetes.podspec-tolerations`. */
  TOLERATIONS = 'kubernetes.podspec-tolerations',
  /** `kubernetes.podspec-affinity`. */
  AFFINITY = 'kubernetes.podspec-affinity',
  /** `kubernetes.podspec-priorityclassname`. */
  PRIORITY_CLASS_NAME = 'kubernetes.podspec-priorityclassname',
  /** `kubernetes.podspec-init-containers`. */
  INIT_CONTAINERS = 'kubernetes.podspec-init-containers',
  /** `kubernetes.podspec-hostpath`. */
  HOST_PATH = 'kubernetes.podspec-hostpath',
  /** `kubernetes.podspec-persistent-volume-claim`. */
  PERSISTENT_VOLUME_CLAIM = 'kubernetes.podspec-persistent-volume-claim',
  /** `kubernetes.podspec-persistent-volume-write`. */
  PERSISTENT_VOLUME_WRITE = 'kubernetes.podspec-persistent-volume-write',
}

/**
 * Options for the KServe Knative backend.
 */
export interface KServeKnativeOptions {
  /**
   * The Knative feature flags your cluster has enabled. They are recorded in
   * the `coldstart.cdk8s.io/knative-features` annotation, and rule CS-KSV-002
   * warns only about the flags the InferenceService needs that are not listed.
   * @default - none declared: CS-KSV-002 warns about every flag needed
   */
  readonly enabledFeatures?: KnativeFeature[];
}

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
  public static kserveKnative(options: KServeKnativeOptions = {}): Backend {
    return new KServeKnative(options);
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

  constructor(private readonly options: KServeKnativeOptions) {
    super();
  }

  public _render(scope: Construct, context: RenderContext, bp: PodBlueprint): ApiObject {
    const spec = renderPodSpec(bp, 'kserve-container');
    if (bp.storageUri) {
      spec.containers[0] = { ...spec.containers[0], env: [...(spec.containers[0].env ?? []), { name: 'STORAGE_URI', value: bp.storageUri }] };
    }
    return new ApiObject(scope, 'InferenceService', {
      ...InferenceService.GVK,
      metadata: {
        name: context.name,
        annotations: {
          'serving.kserve.io/deploymentMode': 'Knative',
          ...bp.annotations,
          ...(this.options.enabledFeatures?.length ? { [KNATIVE_FEATURES_ANNOTATION]: [...new Set(this.options.enabledFeatures)].sort().join(',') } : {}),
        },
        labels: bp.labels,
      },
      spec: {
        predictor: {
          minReplicas: context.minReplicas,
          maxReplicas: context.maxReplicas,
          labels: bp.labels,
          ...(Object.keys(bp.podAnnotations).length ? { annotations: bp.podAnnotations } : {}),
          ...k8s.toJson_PodSpec(spec),
        },
      },
    });
  }
}
