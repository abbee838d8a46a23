import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { renderEc2NodeClass } from './ec2-node-class';
import type { Ec2NodeClassSpecCapacityReservationSelectorTerms } from '../../../../imports/karpenter-ec2nodeclass-karpenter.k8s.aws';
import { NodeImageCache, NodeWeightVolume } from '../../../blueprint';
import { clusterScoped } from '../../../private/cluster-scoped';
import { crds } from '../../../private/crds';
import { wholeSeconds } from '../../../private/duration';
import { fail } from '../../../private/errors';
import { ManifestObject } from '../../../private/manifest-object';

/** The node label Karpenter sets to the NodePool's name. @internal */
export const NODE_POOL_LABEL = 'karpenter.sh/nodepool';
/** Pod annotation: Karpenter never disrupts the node voluntarily while the pod runs. @internal */
export const DO_NOT_DISRUPT = 'karpenter.sh/do-not-disrupt';

/**
 * EC2 purchase options a Karpenter NodePool may use.
 */
export enum KarpenterCapacityType {
  /** Spot instances. */
  SPOT = 'spot',
  /** On-demand instances. */
  ON_DEMAND = 'on-demand',
  /**
   * On-demand Capacity Reservations and Capacity Blocks the EC2NodeClass
   * selects (`capacityReservations`). Karpenter tries them first.
   */
  RESERVED = 'reserved',
}

/**
 * One `capacityReservationSelectorTerms` entry of the EC2NodeClass: a
 * reservation by id, or reservations by tags (optionally of another owner).
 */
export interface Ec2CapacityReservationTerm {
  /**
   * Id of an On-demand Capacity Reservation or Capacity Block, e.g.
   * `cr-0123456789abcdef0` (not with tags or ownerId).
   * @default - select by tags
   */
  readonly id?: string;

  /**
   * Tags the reservations carry; `*` matches any value of a key.
   * @default - select by id
   */
  readonly tags?: { [key: string]: string };

  /**
   * AWS account that owns the tagged reservations (shared reservations).
   * @default - any owner
   */
  readonly ownerId?: string;
}

/**
 * A Karpenter GPU NodePool and its EC2NodeClass (lever 3, EKS only).
 */
export interface KarpenterNodePoolOptions {
  /**
   * EC2 instance types with the model's GPUs, e.g. `['p5.48xlarge']`.
   */
  readonly instanceTypes: string[];

  /**
   * IAM role of the nodes (`EC2NodeClass.spec.role`).
   */
  readonly nodeRole: string;

  /**
   * Tags that select the nodes' subnets and security groups, e.g.
   * `{ 'karpenter.sh/discovery': 'my-cluster' }`.
   */
  readonly selectorTags: { [key: string]: string };

  /**
   * Purchase options. Karpenter prefers the cheapest, so Spot first; it
   * models reserved capacity as free and tries it before both.
   * @default - [SPOT, ON_DEMAND]; [RESERVED, SPOT, ON_DEMAND] with capacityReservations
   */
  readonly capacityTypes?: KarpenterCapacityType[];

  /**
   * EC2 On-demand Capacity Reservations (or Capacity Blocks) the nodes launch
   * into (`EC2NodeClass.spec.capacityReservationSelectorTerms`, terms ORed).
   * A wake then takes reserved GPUs instead of racing for them; the node still
   * boots as any new node does. Needs Karpenter >= 1.3 with the
   * `ReservedCapacity` feature gate (on by default in current releases).
   * @default - none
   */
  readonly capacityReservations?: Ec2CapacityReservationTerm[];

  /**
   * AMI alias. Bottlerocket is required for a data-volume image snapshot.
   * Pin a version (`bottlerocket@v1.x.y`) to keep nodes from drifting.
   * @default 'bottlerocket@latest'
   */
  readonly amiAlias?: string;

  /**
   * How long an empty GPU node lives before Karpenter removes it: a wake in
   * that window finds a node.
   * @default Duration.minutes(5)
   */
  readonly consolidateAfter?: Duration;

  /**
   * Name of the NodePool and EC2NodeClass.
   * @default - `<model name>-gpu`
   */
  readonly name?: string;
}

/** @internal */
export interface ResolvedNodePool {
  readonly name: string;
  readonly options: KarpenterNodePoolOptions;
  readonly amiAlias: string;
  readonly capacityTypes: KarpenterCapacityType[];
  /** The EC2NodeClass's capacityReservationSelectorTerms. */
  readonly reservationTerms?: Ec2NodeClassSpecCapacityReservationSelectorTerms[];
}

/** Limits from the EC2NodeClass CRD (karpenter-provider-aws v1.14.1). */
const MAX_RESERVATION_TERMS = 30;
const MAX_TERM_TAGS = 20;

/**
 * Checks the terms against the EC2NodeClass CRD (id pattern, id alone,
 * tags or id in each term) and the NodePool's capacity types.
 */
function resolveReservations(scope: Construct, terms: readonly Ec2CapacityReservationTerm[] | undefined, types: readonly KarpenterCapacityType[]) {
  const reservedType = types.includes(KarpenterCapacityType.RESERVED);
  if (terms === undefined) {
    if (reservedType) {
      fail(scope, 'CS-IN-078', 'capacityTypes allows reserved capacity but capacityReservations selects no reservation, so Karpenter has none to launch into',
        'add capacityReservations (e.g. [{ id: "cr-0123456789abcdef0" }]), or remove KarpenterCapacityType.RESERVED');
    }
    return undefined;
  }
  if (!terms.length || terms.length > MAX_RESERVATION_TERMS) {
    fail(scope, 'CS-IN-078', `capacityReservations has ${terms.length} terms; the EC2NodeClass takes 1 to ${MAX_RESERVATION_TERMS}`, 'list the reservations by id or tags, or leave capacityReservations unset');
  }
  if (!reservedType) {
    fail(scope, 'CS-IN-078', 'capacityReservations is set but capacityTypes does not allow reserved capacity, so Karpenter would never launch into the reservations',
      'add KarpenterCapacityType.RESERVED to capacityTypes, or leave capacityTypes unset');
  }
  return terms.map((t, i) => {
    const tags = t.tags === undefined ? undefined : Object.entries(t.tags);
    if (t.id !== undefined) {
      if (!/^cr-[0-9a-z]+$/.test(t.id)) fail(scope, 'CS-IN-078', `capacityReservations[${i}].id "${t.id}" is not a capacity reservation id`, 'use the id EC2 shows, e.g. "cr-0123456789abcdef0"');
      if (tags !== undefined || t.ownerId !== undefined) {
        fail(scope, 'CS-IN-078', `capacityReservations[${i}] sets id with tags or ownerId, which the EC2NodeClass rejects`, 'select a reservation by id alone, or by tags (and ownerId)');
      }
    } else if (tags === undefined || !tags.length || tags.length > MAX_TERM_TAGS || tags.some(([k, v]) => !k || !v)) {
      fail(scope, 'CS-IN-078', `capacityReservations[${i}] has no id and no usable tags (1 to ${MAX_TERM_TAGS}, no empty key or value)`,
        'select by id, e.g. { id: "cr-0123456789abcdef0" }, or by tags, e.g. { tags: { team: "llm" } }');
    }
    if (t.ownerId !== undefined && !/^[0-9]{12}$/.test(t.ownerId)) {
      fail(scope, 'CS-IN-078', `capacityReservations[${i}].ownerId "${t.ownerId}" is not a 12-digit AWS account id`, 'use the owner\'s account id, e.g. "123456789012"');
    }
    return { id: t.id, tags: tags ? Object.fromEntries(tags) : undefined, ownerId: t.ownerId };
  });
}

/** @internal */
export function resolveNodePool(scope: Construct, o: KarpenterNodePoolOptions, modelName: string): ResolvedNodePool {
  const name = o.name ?? `${modelName}-gpu`;
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 63) {
    fail(scope, 'CS-IN-021', `NodePool name "${name}" is not a DNS-1123 name`, 'set capacity.eks.nodePool.name to lower-case letters, digits and dashes');
  }
  if (!o.instanceTypes?.length || o.instanceTypes.some(t => !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(t))) {
    fail(scope, 'CS-IN-041', `instanceTypes [${(o.instanceTypes ?? []).join(', ')}] is empty or holds a name that is not an EC2 instance type`, 'list the GPU instance types, e.g. ["p5.48xlarge"]');
  }
  if (!o.nodeRole?.trim()) fail(scope, 'CS-IN-041', 'nodeRole is empty', 'set the IAM role name of the nodes, e.g. "KarpenterNodeRole-my-cluster"');
  const tags = Object.entries(o.selectorTags ?? {});
  if (!tags.length || tags.some(([k, v]) => !k || !v)) {
    fail(scope, 'CS-IN-041', 'selectorTags is empty or has an empty key or value; Karpenter could not find subnets or security groups',
      'set selectorTags, e.g. { "karpenter.sh/discovery": "my-cluster" }');
  }
  const amiAlias = o.amiAlias ?? 'bottlerocket@latest';
  if (!/^[a-zA-Z0-9]+@.+$/.test(amiAlias)) fail(scope, 'CS-IN-041', `amiAlias "${amiAlias}" is not family@version`, 'use e.g. "bottlerocket@latest"');
  if (o.capacityTypes !== undefined && o.capacityTypes.length === 0) fail(scope, 'CS-IN-041', 'capacityTypes is empty', 'allow spot, on-demand or both');
  const capacityTypes = o.capacityTypes ?? (o.capacityReservations !== undefined
    ? [KarpenterCapacityType.RESERVED, KarpenterCapacityType.SPOT, KarpenterCapacityType.ON_DEMAND]
    : [KarpenterCapacityType.SPOT, KarpenterCapacityType.ON_DEMAND]);
  const reservationTerms = resolveReservations(scope, o.capacityReservations, capacityTypes);
  return { name, options: o, amiAlias, capacityTypes, reservationTerms };
}

/** Bottlerocket's first release with SOCI on its Kubernetes variants and the parallel pull settings (v1.44.0 release notes). */
const SOCI_MIN_BOTTLEROCKET: readonly number[] = [1, 44, 0];

/**
 * Bottlerocket's first release that runs a bootstrap container's user data as
 * a script without a `source` image of one's own (bottlerocket#4349, in v1.34.0).
 */
const BOOTSTRAP_MIN_BOTTLEROCKET: readonly number[] = [1, 34, 0];

/** Why an AMI alias is not Bottlerocket at `min` or later, if it is not (`latest` passes; an alias that is not a version cannot be checked). */
function bottlerocketProblem(alias: string, min: readonly number[], what: string): string | undefined {
  const [family, version] = alias.split('@');
  if (family !== 'bottlerocket') return `${what} configures Bottlerocket's settings API, but amiAlias is "${alias}"`;
  if (version === 'latest') return undefined;
  const parts = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version ?? '')?.slice(1).map(Number);
  // First differing part decides.
  const order = parts?.reduce((acc, p, i) => (acc !== 0 ? acc : Math.sign(p - min[i])), 0) ?? -1;
  return order < 0 ? `${what} needs Bottlerocket ${min.join('.')} or later, and amiAlias is "${alias}"` : undefined;
}

const bottlerocketFix = (min: readonly number[]) => `use amiAlias "bottlerocket@latest" or a pinned bottlerocket@v${min.join('.')} or later`;

/**
 * The NodePool (WhenEmpty consolidation, never expiring, tainted for GPUs
 * when the model tolerates it) and its EC2NodeClass.
 * @internal
 */
export function renderNodePool(
  scope: Construct,
  np: ResolvedNodePool,
  image: NodeImageCache,
  tolerations: readonly k8s.Toleration[],
  nodeLabels: Readonly<Record<string, string>> = {},
  weightVolume?: NodeWeightVolume,
): void {
  const o = np.options;
  if (image.dataVolumeSnapshotId && !np.amiAlias.startsWith('bottlerocket@')) {
    fail(scope, 'CS-IN-047', `the image snapshot goes on the Bottlerocket data volume /dev/xvdb, but amiAlias is "${np.amiAlias}"`, 'use a bottlerocket@<version> alias');
  }
  const soci = image.parallelPull && bottlerocketProblem(np.amiAlias, SOCI_MIN_BOTTLEROCKET, 'imagePull.eks.parallelPull');
  if (soci) fail(scope, 'CS-IN-079', soci, bottlerocketFix(SOCI_MIN_BOTTLEROCKET));
  const bootstrap = weightVolume && bottlerocketProblem(np.amiAlias, BOOTSTRAP_MIN_BOTTLEROCKET, 'WeightSource.ebsSnapshot (a bootstrap container mounts the volume)');
  if (bootstrap) fail(scope, 'CS-IN-090', bootstrap, bottlerocketFix(BOOTSTRAP_MIN_BOTTLEROCKET));
  const nodeClass = renderEc2NodeClass(scope, {
    name: np.name, amiAlias: np.amiAlias, nodeRole: o.nodeRole, selectorTags: o.selectorTags, capacityReservationSelectorTerms: np.reservationTerms,
  }, image, weightVolume);
  const {
    NodePool,
    NodePoolSpecDisruptionConsolidationPolicy,
    NodePoolSpecTemplateSpecRequirementsOperator,
    NodePoolSpecTemplateSpecTaintsEffect,
  } = crds.nodePool();
  const gpuTaint = tolerations.some(t => t.key === 'nvidia.com/gpu' && t.operator === 'Exists' && (t.effect === undefined || t.effect === 'NoSchedule'));
  const pool = clusterScoped(ManifestObject.render(scope, 'NodePool', NodePool, {
    metadata: { name: np.name },
    spec: {
      template: {
        // Labels the new nodes carry (KServe's local-model agent selects them).
        metadata: Object.keys(nodeLabels).length ? { labels: { ...nodeLabels } } : undefined,
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: np.name },
          requirements: [
            { key: 'node.kubernetes.io/instance-type', operator: NodePoolSpecTemplateSpecRequirementsOperator.IN, values: [...o.instanceTypes] },
            { key: 'karpenter.sh/capacity-type', operator: NodePoolSpecTemplateSpecRequirementsOperator.IN, values: [...np.capacityTypes] },
          ],
          // Keep other pods off the GPUs, as GPU node pools usually do.
          taints: gpuTaint ? [{ key: 'nvidia.com/gpu', effect: NodePoolSpecTemplateSpecTaintsEffect.NO_SCHEDULE }] : undefined,
          // A GPU node holds the images and page cache a wake needs: never recycle it on a timer.
          expireAfter: 'Never',
        },
      },
      disruption: {
        consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY,
        consolidateAfter: `${wholeSeconds('consolidateAfter', o.consolidateAfter ?? Duration.minutes(5), 0, 31_536_000, (p, x) => fail(scope, 'CS-IN-057', p, x))}s`,
      },
    },
  }));
  pool.node.addDependency(nodeClass);
}
