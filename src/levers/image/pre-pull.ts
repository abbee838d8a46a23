import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Scheduling } from '../../blueprint';
import { AuxContainer, auxLabels, auxPodSpec } from '../../private/aux-pod';
import { ManifestObject } from '../../private/manifest-object';
import { TINY } from '../capacity/pause-image';

/**
 * The pull itself is the kubelet's: an init container only has to start from
 * the image. `sh -c 'exit 0'` needs nothing but a shell, and KServe's own
 * modelcar-init and modelcar sidecar run `sh` in the modelcar image, so any
 * modelcar KServe can serve has one (as does the vLLM image). The command
 * reads nothing and writes nothing, so it runs as the non-root aux user.
 */
const ONLY_PULL = ['sh', '-c', 'exit 0'];

/**
 * A DaemonSet on the model's nodes (same node selector and tolerations, GKE
 * compute class or Karpenter NodePool selector included) that pulls every
 * image of the model pod with init containers, then sleeps in a pause
 * container. No GPU: it fits beside the model and the warm buffer.
 * @internal
 */
export function renderPrePull(
  scope: Construct,
  name: string,
  images: Array<{ readonly name: string; readonly image: string }>,
  pauseImage: string,
  placement: Scheduling,
): ApiObject {
  const labels = auxLabels(name, 'image-pre-pull');
  const initContainers: AuxContainer[] = images.map(({ name: what, image }) => ({ name: `pull-${what}`, image, command: ONLY_PULL, resources: TINY }));
  return ManifestObject.render(scope, 'PrePull', k8s.KubeDaemonSet, {
    metadata: { name: `${name}-pre-pull`, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: auxPodSpec({
          initContainers,
          containers: [{ name: 'pause', image: pauseImage, resources: TINY }],
          nodeSelector: { ...placement.nodeSelector },
          tolerations: [...placement.tolerations],
          terminationGracePeriodSeconds: 0,
        }),
      },
    },
  });
}
