import { podsOf } from './pods';
import { defineRule, Rule, RuleLevel } from './rule';
import { isDigestPinned } from '../private/image';

/** A digest never changes: pulling it Always only costs the wake. @internal */
export const CS_IMG_002: Rule = defineRule({
  id: 'CS-IMG-002',
  level: RuleLevel.ERROR,
  summary: 'A digest-pinned image is not pulled with imagePullPolicy: Always',
  explanation: 'With Always the kubelet asks the registry on every container start even though a digest cannot change: '
    + 'a registry outage or rate limit then blocks a wake that had the image on disk.',
  fix: 'Set imagePullPolicy: IfNotPresent (or leave it unset: for a digest Kubernetes defaults to IfNotPresent).',
  check(obj) {
    return podsOf(obj).flatMap(pod => pod.containers
      .filter(c => c.image !== undefined && isDigestPinned(c.image) && c.imagePullPolicy === 'Always')
      .map(c => ({ value: 'Always', message: `container "${c.name}" pulls the digest-pinned ${c.image} Always` })));
  },
});
