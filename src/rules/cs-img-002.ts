import { podsOf } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';
import { isDigestPinned } from '../private/image';

/** A digest never changes: pulling it Always only costs the wake. @internal */
export const CS_IMG_002: Rule = defineRule({
  id: 'CS-IMG-002',
  level: RuleLevel.ERROR,
  reads: 'pods',
  summary: 'A digest-pinned image is not pulled with imagePullPolicy: Always',
  explanation: 'With Always the kubelet asks the registry on every container start even though a digest cannot change: '
    + 'a registry outage or rate limit then blocks a wake that had the image on disk.',
  fix: 'Set imagePullPolicy: IfNotPresent (or leave it unset: for a digest Kubernetes defaults to IfNotPresent).',
  check(obj) {
    const found: Violation[] = [];
    const pods = podsOf(obj);
    for (let p = 0; p < pods.length; p++) {
      const containers = pods[p].containers;
      for (let i = 0; i < containers.length; i++) {
        const c = containers[i];
        if (c.image !== undefined && isDigestPinned(c.image) && c.imagePullPolicy === 'Always') {
          found.push({ value: 'Always', message: `container "${c.name}" pulls the digest-pinned ${c.image} Always` });
        }
      }
    }
    return found;
  },
});
