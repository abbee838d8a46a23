import { podsOf, storageUris } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { registryHost, registryRegion, servesRegion } from '../levers/image/registry-region';

/** Images come from a registry in the cluster's region. @internal */
export const CS_IMG_003: Rule = defineRule({
  id: 'CS-IMG-003',
  level: RuleLevel.WARNING,
  reads: 'pods',
  summary: 'Images and oci:// models come from a registry in the cluster\'s region',
  explanation: 'A ~12 GB engine image (and a modelcar of the full weights) pulled across regions is slower on every cold node and pays '
    + 'egress. Regional registries say their region in the host name (Artifact Registry REGION-docker.pkg.dev, '
    + 'ECR ACCOUNT.dkr.ecr.REGION.amazonaws.com); checked only when the pack has a region.',
  fix: 'Replicate the image to a repository in the cluster\'s region (Artifact Registry or ECR replication) and reference that copy.',
  check(obj, context) {
    const region = context.region;
    if (!region) return [];
    const found: Violation[] = [];
    const judge = (image: string, what: string) => {
      const host = registryHost(image);
      const at = host && registryRegion(host);
      if (at && !servesRegion(at, region)) {
        found.push({ value: host!, message: `${what} comes from a registry in ${at}, but the cluster is in ${region}` });
      }
    };
    for (const pod of podsOf(obj)) {
      for (const c of pod.containers) if (c.image) judge(c.image, `${c.init ? 'initContainer' : 'container'} "${c.name}" image`);
    }
    for (const uri of storageUris(obj)) if (uri.startsWith('oci://')) judge(uri, 'the modelcar storage URI');
    return found;
  },
});
