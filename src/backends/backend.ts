/* eslint-disable @typescript-eslint/no-require-imports -- each backend loads when its factory runs: a top-level import would be a cycle (see below) */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { DeploymentBackendOptions } from './deployment';
import type { KServeKnativeOptions } from './kserve-knative';
import type { KServeStandardOptions } from './kserve-standard';
import { PodBlueprint } from '../blueprint';
import type { PreWarmSchedule } from '../levers/capacity/pre-warm';

/** What a backend needs besides the blueprint. @internal */
export interface RenderContext {
  readonly name: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /**
   * Seconds from a scale-up until the pod is Ready, at the high end: node
   * provisioning and image pull (estimate) plus the startup probe budget.
   */
  readonly wakeSeconds: number;
  /** Scheduled pre-warm: the backend's autoscaler carries the windows that raise `replicas`. */
  readonly preWarm?: PreWarmSchedule;
}

/**
 * The progress deadline a workload needs: its wake, rounded up to the
 * minute, and never below Kubernetes' and Knative's own default (600 s).
 * @internal
 */
export function progressDeadlineSeconds(context: RenderContext): number {
  return Math.max(600, Math.ceil(context.wakeSeconds / 60) * 60);
}

// Each backend is a subclass in its own file, loaded when its factory runs:
// the subclasses import this class, so a top-level import here would be a cycle.

/**
 * How the model is served. Every backend renders the same blueprint (the
 * lever settings, rendered once by `renderPodSpec`), so switching backend
 * changes only backend-specific fields.
 */
export abstract class Backend {
  /**
   * A KServe InferenceService in Knative mode
   * (`serving.kserve.io/deploymentMode: Knative`): scales to zero, and Knative
   * buffers requests while a replica wakes.
   */
  public static kserveKnative(options: KServeKnativeOptions = {}): Backend {
    options = options ?? {}; // jsii callers can pass null
    const { KServeKnative } = require('./kserve-knative') as typeof import('./kserve-knative');
    return new KServeKnative(options);
  }

  /**
   * A KServe InferenceService in Standard mode
   * (`serving.kserve.io/deploymentMode: Standard`, a plain Deployment that
   * KServe manages), scaled by KEDA or an HPA.
   */
  public static kserveStandard(options: KServeStandardOptions = {}): Backend {
    options = options ?? {}; // jsii callers can pass null
    const { KServeStandard } = require('./kserve-standard') as typeof import('./kserve-standard');
    return new KServeStandard(options);
  }

  /**
   * A plain `Deployment` and `Service` for clusters without KServe: vLLM on
   * port 8000. Weights must come from a volume (no KServe storage handling).
   */
  public static deployment(options: DeploymentBackendOptions = {}): Backend {
    options = options ?? {}; // jsii callers can pass null
    const { Deployment } = require('./deployment') as typeof import('./deployment');
    return new Deployment(options);
  }

  /** The port the model is served on (the engine's, or the sleep-mode proxy's). @internal */
  public abstract readonly _port: number;

  /**
   * Something wakes the model from zero replicas when a request arrives (and
   * holds the request meanwhile). Without it a floor of 0 leaves the model
   * down for good. @internal
   */
  public abstract readonly _wakesFromZero: boolean;

  /**
   * Why this backend cannot raise the replica floor on a schedule, or
   * undefined when its autoscaler carries KEDA cron triggers. @internal
   */
  public abstract readonly _preWarmRefusal: string | undefined;

  /** @internal */
  public abstract _render(scope: Construct, context: RenderContext, blueprint: PodBlueprint): ApiObject;
}
