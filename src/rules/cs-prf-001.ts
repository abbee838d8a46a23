import { CloudProvider } from '../profile';
import { memoized, podsOf } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/** API groups that exist only on one cloud (or with its autoscaler). */
const CLOUD_GROUPS = ['cloud.google.com', 'karpenter.sh', 'karpenter.k8s.aws', 'datalayer.gke.io', 'networking.gke.io', 'eks.amazonaws.com'];
/** Key prefixes of cloud-specific annotations, labels and node selectors. */
const CLOUD_KEY = /^(cloud\.google\.com\/|[a-z0-9.-]*\.gke\.io\/|gke-gcsfuse\/|karpenter\.sh\/|karpenter\.k8s\.aws\/|[a-z0-9.-]*\.amazonaws\.com\/|eks\.amazonaws\.com\/)/;
/** CSI drivers of one cloud. */
const CLOUD_DRIVER = /(\.gke\.io|\.aws\.com|\.amazonaws\.com)$/;
/** StorageClass names the clouds ship. */
const CLOUD_CLASS = /^(standard-rwo|premium-rwo|standard-rwx|premium-rwx|enterprise-rwx|hyperdisk-.*|gp2|gp3|io1|io2|efs-sc|fsx-sc|ebs-sc)$/;
/** CapacityBuffer strategies of one cloud, e.g. `buffer.gke.io/standby-capacity`. */
const CLOUD_STRATEGY = /(\.gke\.io|\.aws\.com|\.amazonaws\.com)\//;
/** Provisioning classes of one cloud. */
const CLOUD_VALUE = /(\.gke\.io|\.aws\.com|\.amazonaws\.com)$/;

/** @internal */
export const CS_PRF_001: Rule = defineRule({
  id: 'CS-PRF-001',
  level: RuleLevel.ERROR,
  summary: 'A generic-profile app emits no cloud-specific object, annotation, label, node selector, CSI driver or storage class',
  explanation: 'The generic profile promises manifests that apply to any conformant cluster. A GKE ComputeClass, a Karpenter NodePool, '
    + 'a gke-gcsfuse annotation or an EFS storage class would be rejected or silently ignored elsewhere. Checked only by a pack for the generic cloud.',
  fix: 'Use Profile.*({ cloud: Cloud.gke() }) or Cloud.eks() for cloud accelerators, or remove the cloud-specific field.',
  check(obj, context) {
    if (context.cloud !== CloudProvider.GENERIC) return [];
    const found: Violation[] = [];
    const apiVersion = String(obj?.apiVersion ?? '');
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? apiVersion : apiVersion.slice(0, slash);
    if (CLOUD_GROUPS.includes(group)) found.push({ value: `${obj.apiVersion} ${obj.kind}`, message: 'cloud-specific object' });
    cloudKeys(found, obj?.metadata?.annotations, 'metadata.annotations', '');
    cloudKeys(found, obj?.metadata?.labels, 'metadata.labels', '');
    const pods = podsOf(obj);
    for (let p = 0; p < pods.length; p++) {
      const pod = pods[p];
      cloudKeys(found, pod.spec.nodeSelector, pod.where, '.nodeSelector');
      cloudKeys(found, pod.spec.annotations, pod.where, ' annotations');
      cloudKeys(found, pod.spec.labels, pod.where, ' labels');
      for (const v of pod.spec.volumes ?? []) {
        if (v.csi?.driver && CLOUD_DRIVER.test(v.csi.driver)) found.push({ value: v.csi.driver, message: `volume "${v.name}" uses a cloud CSI driver` });
        const sc = v.ephemeral?.volumeClaimTemplate?.spec?.storageClassName;
        if (sc && CLOUD_CLASS.test(sc)) found.push({ value: sc, message: `volume "${v.name}" uses a cloud storage class` });
      }
    }
    const template = obj?.spec?.template?.metadata;
    cloudKeys(found, template?.annotations, 'spec.template.metadata.annotations', '');
    cloudKeys(found, template?.labels, 'spec.template.metadata.labels', '');
    if (obj?.kind === 'StorageClass' && CLOUD_DRIVER.test(obj.provisioner ?? '')) found.push({ value: obj.provisioner, message: 'StorageClass with a cloud provisioner' });
    if (obj?.kind === 'PersistentVolume' && CLOUD_DRIVER.test(obj.spec?.csi?.driver ?? '')) found.push({ value: obj.spec.csi.driver, message: 'PersistentVolume on a cloud CSI driver' });
    if (obj?.kind === 'PersistentVolumeClaim' && CLOUD_CLASS.test(obj.spec?.storageClassName ?? '')) found.push({ value: obj.spec.storageClassName, message: 'claim on a cloud storage class' });
    if (obj?.kind === 'ProvisioningRequest' && CLOUD_VALUE.test(obj.spec?.provisioningClassName ?? '')) found.push({ value: obj.spec.provisioningClassName, message: 'cloud provisioning class' });
    if (obj?.kind === 'CapacityBuffer' && CLOUD_STRATEGY.test(obj.spec?.provisioningStrategy ?? '')) found.push({ value: obj.spec.provisioningStrategy, message: 'cloud buffer provisioning strategy' });
    return found;
  },
});

/** `CLOUD_KEY` of each key seen: every object's labels and annotations, and every pod's node selector, are read, and their keys recur in every model. */
const isCloudKey = memoized(key => CLOUD_KEY.test(key));

/**
 * A finding for each cloud-specific key of a map, in `where` + `what`, joined only for a finding: every object's
 * maps are read. Anything but a map has no such key (a string's keys are its indices).
 */
function cloudKeys(found: Violation[], map: unknown, where: string, what: string): void {
  if (map === null || typeof map !== 'object') return;
  const keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (isCloudKey(k)) found.push({ value: k, message: `cloud-specific key in ${where}${what}` });
  }
}
