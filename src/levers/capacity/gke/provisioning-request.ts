import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Scheduling } from '../../../blueprint';
import { auxLabels } from '../../../private/aux-pod';
import { crds } from '../../../private/crds';
import { wholeSeconds } from '../../../private/duration';
import { fail } from '../../../private/errors';
import { ManifestObject } from '../../../private/manifest-object';
import { PAUSE_IMAGE } from '../pause-image';
import { placeholderPodSpec } from '../warm-buffer';

/** GKE's Dynamic Workload Scheduler provisioning class. @internal */
export const DWS_CLASS = 'queued-provisioning.gke.io';

/**
 * A GKE Dynamic Workload Scheduler request (queued provisioning) for the
 * model's GPU nodes: GKE provisions all the nodes at once when capacity is
 * free, and the model's pods consume the request. A ProvisioningRequest is
 * immutable and one-shot: re-apply it (new name) to ask again.
 */
export interface QueuedProvisioningOptions {
  /**
   * Pods of the model's shape to provision together.
   * @default 1
   */
  readonly count?: number;

  /**
   * GKE's `maxRunDurationSeconds`: how long the nodes may live.
   * @default - GKE's default
   */
  readonly maxRunDuration?: Duration;
}

/** @internal */
export function checkQueuedProvisioning(scope: Construct, o: QueuedProvisioningOptions): void {
  const count = o.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 32) {
    fail(scope, 'CS-IN-039', `queuedProvisioning.count ${count} is not an integer in [1, 32]`, 'set the number of model pods to provision together, e.g. 1');
  }
}

/**
 * The PodTemplate (the model's GPU shape) and the ProvisioningRequest; returns
 * the request, which the model must be created after.
 * @internal
 */
export function renderProvisioningRequest(
  scope: Construct,
  name: string,
  o: QueuedProvisioningOptions,
  placement: Scheduling,
  gpuResource: string,
): ApiObject {
  const requestName = `${name}-dws`;
  const labels = auxLabels(name, 'provisioning-request');
  const template = ManifestObject.render(scope, 'ProvisioningPodTemplate', k8s.KubePodTemplate, {
    metadata: { name: requestName, labels },
    template: { metadata: { labels }, spec: placeholderPodSpec(PAUSE_IMAGE, placement, gpuResource) },
  });
  const request = ManifestObject.render(scope, 'ProvisioningRequest', crds.provisioningRequest().ProvisioningRequest, {
    metadata: { name: requestName, labels },
    spec: {
      provisioningClassName: DWS_CLASS,
      podSets: [{ count: o.count ?? 1, podTemplateRef: { name: requestName } }],
      parameters: o.maxRunDuration !== undefined ? { maxRunDurationSeconds: `${wholeSeconds('maxRunDuration', o.maxRunDuration, 1, 31_536_000, (p, x) => fail(scope, 'CS-IN-057', p, x))}` } : undefined,
    },
  });
  request.node.addDependency(template);
  return request;
}
