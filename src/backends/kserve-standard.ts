import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend, RenderContext } from './backend';
import { kserveMetadata, kservePredictor, refuseSidecars } from './kserve';
import { PodBlueprint } from '../blueprint';
import { fail } from '../private/errors';
import { ManifestObject } from '../private/manifest-object';

/**
 * The autoscaler KServe Standard mode creates for the predictor
 * (`serving.kserve.io/autoscalerClass`).
 */
export enum StandardAutoscaler {
  /**
   * A KEDA ScaledObject: a floor of 0 is allowed, but nothing buffers
   * requests while no replica runs, so requests at zero fail until a replica
   * is Ready. Needs KEDA installed.
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
   * The autoscaler. With `HPA` a replica floor of 0 is refused; with `KEDA` it
   * is allowed, and requests that arrive at zero are not held anywhere.
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

  constructor(private readonly options: KServeStandardOptions) {
    super();
  }

  public _render(scope: Construct, context: RenderContext, bp: PodBlueprint): ApiObject {
    refuseSidecars(scope, bp, 'Standard');
    const autoscaler = this.options.autoscaler ?? StandardAutoscaler.HPA;
    if (autoscaler === StandardAutoscaler.HPA && context.minReplicas < 1) {
      fail(scope, 'CS-IN-053', 'KServe Standard mode with the hpa autoscaler keeps at least 1 replica, but minReplicas is 0',
        'set scaling.minReplicas to 1, use Backend.kserveStandard({ autoscaler: StandardAutoscaler.KEDA }) (0 allowed, requests at zero are not buffered), or Backend.kserveKnative() to scale to zero');
    }
    return new ManifestObject(scope, 'Resource', {
      ...kserveMetadata(context, bp, {
        'serving.kserve.io/deploymentMode': 'Standard',
        'serving.kserve.io/autoscalerClass': autoscaler,
      }),
      spec: { predictor: kservePredictor(context, bp) },
    });
  }
}
