import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { crds } from '../../private/crds';
import { ManifestObject } from '../../private/manifest-object';

/**
 * A CapacityBuffer (`autoscaling.x-k8s.io/v1beta1`, the storage version) over
 * a PodTemplate of the placeholder shape: the autoscaler keeps `replicas`
 * chunks of capacity free without running a pod. The template must exist
 * first, so it is a dependency of the buffer.
 * @internal
 */
export function renderCapacityBuffer(scope: Construct, name: string, labels: Record<string, string>, replicas: number, spec: k8s.PodSpec): ApiObject {
  const template = ManifestObject.render(scope, 'WarmBufferPodTemplate', k8s.KubePodTemplate, {
    metadata: { name, labels },
    template: { metadata: { labels }, spec },
  });
  const buffer = ManifestObject.render(scope, 'CapacityBuffer', crds.capacityBuffer().CapacityBufferV1Beta1, {
    metadata: { name, labels },
    spec: { podTemplateRef: { name }, replicas },
  });
  buffer.node.addDependency(template);
  return buffer;
}
