import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Backend, progressDeadlineSeconds, RenderContext } from './backend';
import { DeploymentAutoscaler } from './deployment-autoscaler';
import { renderPodSpec } from './pod-spec';
import { Facts, PodBlueprint } from '../blueprint';
import { maskUserInfo } from '../levers/weights/secret-reference';
import { fail } from '../private/errors';
import { ManifestObject } from '../private/manifest-object';

/**
 * The type of the model's Service.
 */
export enum ModelServiceType {
  /** Reachable inside the cluster only; put your own Ingress or Gateway in front. */
  CLUSTER_IP = 'ClusterIP',
  /** A cloud load balancer in front of the Service. */
  LOAD_BALANCER = 'LoadBalancer',
}

/**
 * Options for the plain Deployment backend.
 */
export interface DeploymentBackendOptions {
  /**
   * Type of the Service in front of the model.
   * @default ModelServiceType.CLUSTER_IP
   */
  readonly serviceType?: ModelServiceType;

  /**
   * What scales the model and wakes it from zero, e.g.
   * `DeploymentAutoscaler.kedaHttpAddOn()`. With one, `scaling.minReplicas`
   * may be 0 and `scaling.maxReplicas` above the floor, and the Deployment
   * leaves `replicas` to it.
   * @default - no autoscaler: `replicas` is the floor, which must be at least 1
   */
  readonly autoscaler?: DeploymentAutoscaler;
}

/** `vllm serve`'s default port (FACTS). */
const PORT = 8000;
const PORT_NAME = 'http';

/**
 * A Deployment and a ClusterIP Service, for clusters without KServe. Without
 * an autoscaler the replica count is the floor, and a ceiling above it is
 * refused rather than silently ignored.
 * @internal
 */
export class Deployment extends Backend {
  public readonly _port = PORT;
  /** Without an autoscaler nothing watches traffic: replicas 0 would stay 0. */
  public readonly _wakesFromZero: boolean;
  public readonly _preWarmRefusal: string | undefined;

  constructor(private readonly options: DeploymentBackendOptions) {
    super();
    const { autoscaler, serviceType } = options;
    if (autoscaler !== undefined && !(autoscaler instanceof DeploymentAutoscaler)) {
      fail('Backend.deployment', 'CS-IN-059', 'autoscaler is not a DeploymentAutoscaler', 'pass DeploymentAutoscaler.kedaHttpAddOn(), or leave it out');
    }
    if (serviceType !== undefined && !Object.values(ModelServiceType).includes(serviceType)) {
      fail('Backend.deployment', 'CS-IN-059', `serviceType "${serviceType}" is not a ModelServiceType`, 'pass ModelServiceType.CLUSTER_IP or ModelServiceType.LOAD_BALANCER');
    }
    // A load balancer would reach the pods directly, past the interceptor that holds requests at zero.
    if (autoscaler !== undefined && serviceType === ModelServiceType.LOAD_BALANCER) {
      fail('Backend.deployment', 'CS-IN-042', 'serviceType LOAD_BALANCER and an autoscaler exclude each other: traffic through the load balancer would bypass the interceptor that wakes the model',
        'leave serviceType out, and route your Ingress or Gateway to the interceptor with a host passed in kedaHttpAddOn({ hosts })');
    }
    this._wakesFromZero = autoscaler !== undefined;
    this._preWarmRefusal = autoscaler ? undefined : 'the Deployment backend has no autoscaler: its replicas are a fixed count';
  }

  public _render(scope: Construct, context: RenderContext, bp: PodBlueprint): ApiObject {
    const storageUri = bp.fact(Facts.STORAGE_URI);
    if (storageUri) {
      fail(scope, 'CS-IN-050', `the weight source needs KServe's storage handling (${maskUserInfo(storageUri)}), which a plain Deployment does not have`,
        'serve the weights from a volume, e.g. WeightSource.existingClaim(\'<claim holding the model>\'), or use Backend.kserveKnative() / Backend.kserveStandard()');
    }
    const autoscaler = this.options.autoscaler;
    if (!autoscaler && context.maxReplicas > Math.max(1, context.minReplicas)) {
      fail(scope, 'CS-IN-054', `the Deployment backend has no autoscaler, so maxReplicas ${context.maxReplicas} above the floor ${context.minReplicas} would never be used`,
        'set scaling.maxReplicas to scaling.minReplicas (a fixed count), or autoscale with Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn() })');
    }
    const spec = renderPodSpec(bp, 'vllm', PORT_NAME, { podSecurityContext: true, fsGroupChangePolicy: true });
    const selector = { ...bp.labels };
    const deployment = ManifestObject.render(scope, 'Resource', k8s.KubeDeployment, {
      metadata: { name: context.name, labels: bp.labels, annotations: nonEmpty(bp.annotations) },
      spec: {
        // An autoscaler owns the count: a fixed one here would be reset at every apply.
        replicas: autoscaler ? undefined : context.minReplicas,
        // Kubernetes only reports a stalled rollout, but Argo CD, Flux and
        // `kubectl rollout status` fail on it: leave room for the whole wake.
        progressDeadlineSeconds: progressDeadlineSeconds(context),
        selector: { matchLabels: selector },
        // One GPU per replica and possibly a ReadWriteOnce cache: replace a pod
        // before starting its successor, so a rollout never needs a spare GPU
        // or a second attachment of the claim.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels: bp.labels, annotations: nonEmpty(bp.podAnnotations) },
          spec,
        },
      },
    });
    const service = ManifestObject.render(scope, 'Service', k8s.KubeService, {
      metadata: { name: context.name, labels: bp.labels },
      spec: {
        type: this.options.serviceType ?? ModelServiceType.CLUSTER_IP,
        selector,
        // By name: the Service follows whichever container serves the API (the engine, or sleep mode's proxy).
        ports: [{ name: PORT_NAME, port: PORT, targetPort: k8s.IntOrString.fromString(PORT_NAME), protocol: 'TCP' }],
      },
    });
    autoscaler?._render(scope, context, { deployment, serviceName: service.name, servicePort: PORT, labels: bp.labels });
    return deployment;
  }
}

function nonEmpty(m: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(m).length ? m : undefined;
}
