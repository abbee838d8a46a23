import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Backend, progressDeadlineSeconds, RenderContext } from './backend';
import { kserveMetadata, kservePredictor } from './kserve';
import { PodBlueprint } from '../blueprint';
import { KNATIVE_FEATURES_ANNOTATION } from '../private/annotations';
import { wholeSeconds } from '../private/duration';
import { fail } from '../private/errors';
import { INT32_MAX } from '../private/k8s-names';
import { ManifestObject } from '../private/manifest-object';
import { merged } from '../private/merged';

/**
 * A Knative `config-features` flag (ConfigMap `config-features`, namespace
 * `knative-serving`). Knative rejects a pod spec that uses a feature whose
 * flag is not enabled. The names are Knative's (pkg/apis/config/features.go).
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
  /** `kubernetes.podspec-volumes-hostpath`. */
  HOST_PATH = 'kubernetes.podspec-volumes-hostpath',
  /** `kubernetes.podspec-volumes-csi` (GCS FUSE, Mountpoint for S3 and other CSI volumes; Knative 1.18 and later). */
  CSI = 'kubernetes.podspec-volumes-csi',
  /** `kubernetes.podspec-securitycontext` (a pod-level securityContext). */
  SECURITY_CONTEXT = 'kubernetes.podspec-securitycontext',
  /** `kubernetes.podspec-persistent-volume-claim`. */
  PERSISTENT_VOLUME_CLAIM = 'kubernetes.podspec-persistent-volume-claim',
  /** `kubernetes.podspec-persistent-volume-write`. */
  PERSISTENT_VOLUME_WRITE = 'kubernetes.podspec-persistent-volume-write',
  /**
   * `multi-container-probing`: probes on a container other than the one with
   * the serving port. Sleep mode needs it: the engine, behind its proxy, keeps
   * its own probes so that a proxy failure never restarts it.
   */
  MULTI_CONTAINER_PROBING = 'multi-container-probing',
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

  /**
   * Replicas a new revision starts with (`autoscaling.knative.dev/initial-scale`).
   * 0 creates the model asleep: no GPU is held until the first request, but
   * Knative accepts it only with `allow-zero-initial-scale: "true"` in its
   * `config-autoscaler` ConfigMap. At most `scaling.maxReplicas`: a revision
   * becomes ready only once it has had its initial scale.
   * @default - Knative's default (1): a new revision is started once, to prove it becomes ready
   */
  readonly initialScale?: number;

  /**
   * Time at low load before Knative scales down
   * (`autoscaling.knative.dev/scale-down-delay`, 0 to 1 hour): a burst after
   * a short idle gap then finds the replica warm instead of paying a cold start.
   * @default - Knative's default (no delay)
   */
  readonly scaleDownDelay?: Duration;

  /**
   * The cluster's `max-revision-timeout-seconds` (Knative `config-defaults`).
   * A request that arrives while the model wakes from zero waits in the
   * activator up to the revision's request timeout (`spec.predictor.timeout`),
   * which the library sets to the wake plus a minute, up to this ceiling:
   * Knative refuses a revision whose timeout is above it. Raise it in
   * `config-defaults` (and the activator's termination grace period with
   * it), then here, when a wake takes longer.
   * @default Duration.seconds(600) - Knative's default
   */
  readonly maxRevisionTimeout?: Duration;
}

const MAX_SCALE_DOWN_DELAY_SECONDS = 3600;
const DEFAULT_MAX_REVISION_TIMEOUT_SECONDS = 600;
/** Knative's own request timeout (`revision-timeout-seconds`): never go below it. */
const DEFAULT_REVISION_TIMEOUT_SECONDS = 300;
/** What the first request itself may take once the engine is up. */
const REQUEST_SECONDS = 60;

/**
 * KServe, Knative mode. The predictor is a custom `kserve-container` rather
 * than `model: {modelFormat: vLLM, runtime: kserve-vllmserver}`: every flag,
 * probe and port then sits in our manifest where the rules can check it (a
 * runtime's args are merged in only at admission), the app does not depend on
 * the `kserve-vllmserver` runtime (new in v0.20) being installed, and nothing
 * is passed twice (that runtime already sets --port and --served-model-name).
 * `STORAGE_URI` on `kserve-container` triggers the same storage handling as
 * `storageUri`, modelcar included.
 * @internal
 */
export class KServeKnative extends Backend {
  public readonly _port = 8080; // Knative routes to the container port; KServe's convention is 8080
  /** Knative's activator holds the request and the autoscaler starts a pod. */
  public readonly _wakesFromZero = true;
  /** Knative's autoscaler (KPA) scales the revision; min-scale is one fixed annotation. */
  public readonly _preWarmRefusal = 'Knative\'s autoscaler owns the revision\'s replica count: its floor (min-scale) is one fixed annotation, and a KEDA ScaledObject on the revision\'s Deployment would fight it';

  constructor(private readonly options: KServeKnativeOptions) {
    super();
    const factory = 'Backend.kserveKnative';
    const { initialScale, scaleDownDelay } = options;
    const features = options.enabledFeatures;
    if (features !== undefined && !(Array.isArray(features) && features.every(f => Object.values(KnativeFeature).includes(f)))) {
      fail(factory, 'CS-IN-059', 'enabledFeatures is not a list of KnativeFeature values', 'pass e.g. [KnativeFeature.NODE_SELECTOR, KnativeFeature.TOLERATIONS], or leave it out');
    }
    if (initialScale !== undefined && (!Number.isInteger(initialScale) || initialScale < 0)) {
      fail(factory, 'CS-IN-051', `initialScale ${initialScale} is not an integer >= 0`, 'pass 0 (start asleep) or 1');
    }
    // The webhook parses it as a 64-bit int; the autoscaler as an int32, falling back to the cluster default when it cannot.
    if (initialScale !== undefined && initialScale > INT32_MAX) {
      fail(factory, 'CS-IN-086', `initialScale ${initialScale} is above ${INT32_MAX}: Knative's autoscaler would ignore it and start the cluster default`, 'pass 0 (start asleep) or 1');
    }
    if (options.maxRevisionTimeout !== undefined) {
      wholeSeconds('maxRevisionTimeout', options.maxRevisionTimeout, 1, 86_400, (p, x) => fail(factory, 'CS-IN-051', p, x));
    }
    if (scaleDownDelay !== undefined) wholeSeconds('scaleDownDelay', scaleDownDelay, 0, MAX_SCALE_DOWN_DELAY_SECONDS, (p, x) => fail(factory, 'CS-IN-051', p, x));
  }

  /** The revision's request timeout: the wake plus the request, within Knative's bounds. */
  private requestTimeoutSeconds(context: RenderContext): number {
    const ceiling = this.options.maxRevisionTimeout?.toSeconds() ?? DEFAULT_MAX_REVISION_TIMEOUT_SECONDS;
    return Math.min(ceiling, Math.max(DEFAULT_REVISION_TIMEOUT_SECONDS, Math.ceil(context.wakeSeconds) + REQUEST_SECONDS));
  }

  public _render(scope: Construct, context: RenderContext, bp: PodBlueprint): ApiObject {
    const { initialScale, scaleDownDelay } = this.options;
    // The revision is Ready only once it has had its initial scale; max-scale (maxReplicas) caps it below that forever.
    if (initialScale !== undefined && initialScale > context.maxReplicas) {
      fail(scope, 'CS-IN-086', `Knative initialScale ${initialScale} is above scaling.maxReplicas ${context.maxReplicas}: the revision could never reach it and never become ready`,
        `pass initialScale of at most ${context.maxReplicas}, or raise scaling.maxReplicas`);
    }
    const delay = scaleDownDelay?.toSeconds();
    const features = this.options.enabledFeatures?.length ? [...new Set(this.options.enabledFeatures)].sort().join(',') : undefined;
    // Knative fails a revision not Ready within this (600 s by default), node and image pull included.
    const annotations: Record<string, string> = { 'serving.knative.dev/progress-deadline': `${progressDeadlineSeconds(context)}s` };
    if (initialScale !== undefined) annotations['autoscaling.knative.dev/initial-scale'] = `${initialScale}`;
    if (delay !== undefined) annotations['autoscaling.knative.dev/scale-down-delay'] = `${delay}s`;
    if (features) annotations[KNATIVE_FEATURES_ANNOTATION] = features;
    return new ManifestObject(scope, 'Resource', merged(kserveMetadata(context, bp, { 'serving.kserve.io/deploymentMode': 'Knative' }, annotations), {
      spec: {
        predictor: merged(
          // Knative accepts a pod-level securityContext (fsGroup) only with its flag.
          kservePredictor(context, bp, {
            podSecurityContext: this.options.enabledFeatures?.includes(KnativeFeature.SECURITY_CONTEXT) ?? false,
            fsGroupChangePolicy: false,
          }),
          { timeout: this.requestTimeoutSeconds(context) },
        ),
      },
    }), true);
  }
}
