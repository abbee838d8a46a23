import { k8s } from 'cdk8s-plus-28';
import { CloudProvider, Environment, RuleContext } from '../../src';
import { auxLabels, auxPodSpec } from '../../src/private/aux-pod';
import { CS_SEC_002 } from '../../src/rules/cs-sec-002';
import { schemaErrors } from '../schema';

const PAUSE = 'registry.k8s.io/pause@sha256:' + 'c'.repeat(64);
const context = new RuleContext({ cloud: CloudProvider.GENERIC, environment: Environment.PRODUCTION });

function deployment(spec: k8s.PodSpec): any {
  const labels = auxLabels('m', 'warm-buffer');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'm-buffer', labels },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: k8s.toJson_PodSpec(spec) } },
  };
}

describe('auxPodSpec', () => {
  test('locks every container down and bounds its resources', () => {
    const spec: any = k8s.toJson_PodSpec(auxPodSpec({
      initContainers: [{ name: 'pull', image: PAUSE, command: ['/pause', '-v'], resources: { cpu: '10m', memory: '16Mi' } }],
      containers: [{ name: 'pause', image: PAUSE, resources: { cpu: '10m', memory: '16Mi', ephemeralStorage: '10Mi' } }],
      terminationGracePeriodSeconds: 0,
    }));
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...spec.initContainers!, ...spec.containers]) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 });
      expect(c.resources!.requests).toEqual(c.resources!.limits);
      expect(c.imagePullPolicy).toBe('IfNotPresent');
    }
    expect(spec.containers[0].resources!.limits).toEqual({ 'cpu': '10m', 'memory': '16Mi', 'ephemeral-storage': '10Mi' });
    expect(spec.terminationGracePeriodSeconds).toBe(0);
  });

  test('runs as root only where a container says it must, still without capabilities', () => {
    const spec: any = k8s.toJson_PodSpec(auxPodSpec({ containers: [{ name: 'w', image: PAUSE, needsRoot: true, resources: { cpu: '1', memory: '1Gi' } }] }));
    expect(spec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 0, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  test.each([false, true])('passes CS-SEC-002 and the schema (needsRoot %s)', needsRoot => {
    const obj = deployment(auxPodSpec({ containers: [{ name: 'w', image: PAUSE, needsRoot, resources: { cpu: '10m', memory: '16Mi' } }] }));
    expect(schemaErrors(obj)).toEqual([]);
    expect(CS_SEC_002.check(obj, context)).toEqual([]);
  });

  test('shares one frozen securityContext between pods: a write into it fails, and each rendering is a copy', () => {
    const pod = () => auxPodSpec({ containers: [{ name: 'w', image: PAUSE, resources: { cpu: '10m', memory: '16Mi' } }] });
    const [a, b] = [pod(), pod()];
    const shared: any = a.containers[0].securityContext;
    expect(b.containers[0].securityContext).toBe(shared);
    expect(() => { shared.runAsUser = 0; }).toThrow(TypeError);
    expect(() => { shared.capabilities.drop.push('NET_RAW'); }).toThrow(TypeError);
    expect(() => { (a.securityContext as any).seccompProfile.type = 'Unconfined'; }).toThrow(TypeError);
    const rendered: any = k8s.toJson_PodSpec(a);
    rendered.containers[0].securityContext.capabilities.drop.push('NET_RAW');
    expect((k8s.toJson_PodSpec(b) as any).containers[0].securityContext.capabilities.drop).toEqual(['ALL']);
  });
});
