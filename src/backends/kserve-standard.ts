import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend, RenderContext } from './backend';
import { kserveMetadata, kservePredictor } from './kserve';
import { PodBlueprint } from '../blueprint';
import { ManifestObject } from '../private/manifest-object';
import { merged } from '../private/merged';

/**
 * The autoscaler KServe Standard mode creates for the predictor
 * (`serving.kserve.io/autoscalerClass`).
 */
export enum StandardAutoscaler {
  /**
   * A KEDA ScaledObject. Its resource triggers cannot see traffic at zero,
   * so the floor stays at least 1 replica, as with HPA. Needs KEDA installed.
   */
  KEDA = 'keda',
  /** A HorizontalPodAutoscaler: the floor is at least 1 replica. */
  HPA = 'hpa',
}

/**
 * Options for the KServe Standard backend.
 */
export interface KServeStandardOptions {
  /**
   * The autoscaler. With either a replica floor of 0 is refused (CS-IN-053):
   * nothing holds a request or wakes the model at zero; use the Knative
   * backend to scale to zero.
   * @default StandardAutoscaler.HPA
   */
  readonly autoscaler?: StandardAutoscaler;
}

/**
 * KServe, Standard mode (old name RawDeployment): KServe writes a Deployment,
 * Service and autoscaler. The predictor is the same custom `kserve-container`
 * as in Knative mode; only the mode and autoscaler annotations differ.
 * @internal
 */
export class KServeStandard extends Backend {
  public readonly _port = 8080; // KServe's container-port convention, in both modes
  /** An HPA never scales to or from zero; KServe's KEDA ScaledObject scales on CPU (or metrics) that read nothing at zero. */
  public readonly _wakesFromZero = false;
  /**
   * KServe v0.20 builds the predictor's ScaledObject from `autoScaling.metrics`
   * only (resource, Prometheus/Graphite, OpenTelemetry: no cron) and updates
   * it back when it differs (reconcilers/keda/keda_reconciler.go); KEDA's
   * webhook refuses a second ScaledObject on a workload an HPA or
   * ScaledObject already manages (keda v2.20.2 scaledobject_webhook.go).
   */
  public readonly _preWarmRefusal = 'KServe writes the predictor\'s HPA or ScaledObject itself, with no cron trigger, and reconciles changes away; KEDA refuses a second ScaledObject on the same Deployment';

  constructor(private readonly options: KServeStandardOptions) {
    super();
  }

  public _render(scope: Construct, context: RenderContext, bp: PodBlueprint): ApiObject {
    const autoscaler = this.options.autoscaler ?? StandardAutoscaler.HPA;
    const metadata = kserveMetadata(context, bp, {
      'serving.kserve.io/deploymentMode': 'Standard',
      'serving.kserve.io/autoscalerClass': autoscaler,
    });
    return new ManifestObject(scope, 'Resource', merged(metadata, {
      spec: { predictor: kservePredictor(context, bp, { podSecurityContext: true, fsGroupChangePolicy: true }) },
    }), true);
  }
}
