import { Construct } from 'constructs';
import { GkeReservationOptions, resolveReservations } from './reservation';
import type { ComputeClass, ComputeClassSpecPriorities } from '../../../../imports/gke-computeclass-cloud.google.com';
import { NodeImageCache } from '../../../blueprint';
import { clusterScoped } from '../../../private/cluster-scoped';
import { crds } from '../../../private/crds';
import { fail } from '../../../private/errors';
import { ManifestObject } from '../../../private/manifest-object';

/** The node label GKE pods select a ComputeClass with. @internal */
export const COMPUTE_CLASS_LABEL = 'cloud.google.com/compute-class';

/**
 * One rule of a GKE ComputeClass, tried in order.
 */
export interface ComputeClassPriority {
  /**
   * GKE accelerator type, e.g. `nvidia-h100-80gb` or `nvidia-l4`. Required:
   * a rule without a GPU would give the model a node it cannot run on.
   */
  readonly gpuType: string;

  /**
   * GPUs per node.
   * @default - the model's gpu.count
   */
  readonly gpuCount?: number;

  /**
   * Spot VMs (`true`) or on-demand (`false`).
   * @default false
   */
  readonly spot?: boolean;

  /**
   * Machine family, e.g. `a3` or `g2` (not with machineType).
   * @default - GKE picks one that carries the GPU
   */
  readonly machineFamily?: string;

  /**
   * Machine type, e.g. `a3-highgpu-4g` (not with machineFamily).
   * @default - GKE picks one that carries the GPU
   */
  readonly machineType?: string;

  /**
   * Compute Engine reservations this rule's nodes consume
   * (`priorities[].reservations`). Not with `spot`: Spot VMs cannot consume
   * reservations.
   * @default - none: GKE's default affinity for the rule
   */
  readonly reservations?: GkeReservationOptions;
}

/**
 * A GKE ComputeClass the model's pods select (lever 3, GKE only).
 */
export interface GkeComputeClassOptions {
  /**
   * GKE accelerator type of the default rules, e.g. `nvidia-h100-80gb`:
   * Spot first, then on-demand. Ignored when `priorities` is set.
   * @default - required unless priorities is set
   */
  readonly gpuType?: string;

  /**
   * Machine family of the default rules, e.g. `a3`.
   * @default - GKE picks one that carries the GPU
   */
  readonly machineFamily?: string;

  /**
   * Reservations of gpuType to try before the default Spot -> on-demand pair:
   * a first on-demand rule consumes them. A wake then takes reserved GPUs
   * instead of racing for them in a zone that may be out of them; the node
   * still boots as any new node does. With `priorities`, set `reservations`
   * on a rule instead.
   * @default - no reservation rule
   */
  readonly reservations?: GkeReservationOptions;

  /**
   * The rules, in order, replacing the default Spot -> on-demand pair.
   * @default - Spot then on-demand of gpuType
   */
  readonly priorities?: ComputeClassPriority[];

  /**
   * Name of the ComputeClass.
   * @default - `<model name>-gpu`
   */
  readonly name?: string;

  /**
   * Let GKE create node pools for the rules.
   * @default true
   */
  readonly nodePoolAutoCreation?: boolean;

  /**
   * Move workloads back to a higher rule (Spot) when it becomes available
   * (`activeMigration.optimizeRulePriority`). A migration restarts a replica:
   * turn it off where each restart is a cold start you cannot afford.
   * @default true
   */
  readonly optimizeRulePriority?: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** @internal */
export interface ResolvedComputeClass {
  readonly name: string;
  readonly priorities: ComputeClassSpecPriorities[];
  readonly nodePoolAutoCreation: boolean;
  readonly optimizeRulePriority: boolean;
  /** A rule consumes reservations. */
  readonly reserved: boolean;
}

/** Validates the options at construction. @internal */
export function resolveComputeClass(scope: Construct, o: GkeComputeClassOptions, modelName: string, gpuCount: number): ResolvedComputeClass {
  const name = o.name ?? `${modelName}-gpu`;
  if (!NAME.test(name) || name.length > 63) {
    fail(scope, 'CS-IN-021', `ComputeClass name "${name}" is not a DNS-1123 label`, 'set capacity.gke.computeClass.name to lower-case letters, digits and dashes');
  }
  let rules: readonly ComputeClassPriority[];
  if (o.priorities !== undefined) {
    if (o.reservations !== undefined) {
      fail(scope, 'CS-IN-078', 'capacity.gke.computeClass.reservations adds a rule to the default Spot -> on-demand pair, and priorities replaces that pair',
        'set reservations on the rule in priorities that should consume them');
    }
    rules = o.priorities;
  } else if (o.gpuType !== undefined) {
    const family = o.machineFamily;
    rules = [
      // Spot VMs cannot consume reservations (cloud.google.com/compute/docs/instances/reservations-consume, Limitations).
      ...(o.reservations ? [{ gpuType: o.gpuType, spot: false, machineFamily: family, reservations: o.reservations }] : []),
      { gpuType: o.gpuType, spot: true, machineFamily: family },
      { gpuType: o.gpuType, spot: false, machineFamily: family },
    ];
  } else {
    rules = [];
  }
  if (rules.length === 0) {
    fail(scope, 'CS-IN-037', 'the ComputeClass has no priority with a GPU: GKE would create nodes the model cannot run on',
      'set capacity.gke.computeClass.gpuType (e.g. "nvidia-h100-80gb") for Spot -> on-demand rules, or priorities with a gpuType each');
  }
  const priorities = rules.map((r, i) => {
    if (!r.gpuType || !/^[a-z0-9-]+$/.test(r.gpuType)) {
      fail(scope, 'CS-IN-037', `ComputeClass priority ${i} has no GPU type ("${r.gpuType ?? ''}"): GKE would create a node without the model's GPU`,
        'give every priority a gpuType, e.g. "nvidia-h100-80gb"');
    }
    const count = r.gpuCount ?? gpuCount;
    if (!Number.isInteger(count) || count < gpuCount) {
      fail(scope, 'CS-IN-046', `ComputeClass priority ${i} has ${count} GPUs per node but the model needs ${gpuCount}`, `set gpuCount >= ${gpuCount} or leave it unset`);
    }
    if (r.machineFamily !== undefined && r.machineType !== undefined) {
      fail(scope, 'CS-IN-042', `ComputeClass priority ${i} sets both machineFamily "${r.machineFamily}" and machineType "${r.machineType}", which GKE rejects`, 'set one of them');
    }
    if (r.reservations && r.spot) {
      fail(scope, 'CS-IN-078', `ComputeClass priority ${i} is Spot and consumes reservations, which Spot VMs cannot`, 'set spot: false on the rule with reservations, and keep Spot in a rule of its own');
    }
    const reservations = r.reservations ? resolveReservations(scope, r.reservations, `ComputeClass priority ${i}`) : undefined;
    return { machineFamily: r.machineFamily, machineType: r.machineType, spot: r.spot ?? false, gpu: { type: r.gpuType, count }, reservations };
  });
  return {
    name,
    priorities,
    nodePoolAutoCreation: o.nodePoolAutoCreation ?? true,
    optimizeRulePriority: o.optimizeRulePriority ?? true,
    reserved: priorities.some(p => p.reservations !== undefined),
  };
}

/**
 * The ComputeClass, with the image-pull lever's node settings (image
 * streaming, secondary boot disks holding the image cache) folded in.
 * @internal
 */
export function renderComputeClass(
  scope: Construct, cc: ResolvedComputeClass, image: NodeImageCache, servedModelName: string, nodeLabels: Readonly<Record<string, string>> = {},
): ComputeClass {
  const labels = Object.keys(nodeLabels).length ? { ...nodeLabels } : undefined;
  const poolConfig = {
    ...(image.imageStreaming ? { imageStreaming: { enabled: true } } : {}),
    // Labels the new nodes carry (KServe's local-model agent selects them).
    ...(labels ? { nodeLabels: labels } : {}),
  };
  const { ComputeClass: Kind, ComputeClassSpecPrioritiesStorageSecondaryBootDisksMode, ComputeClassSpecWhenUnsatisfiable } = crds.computeClass();
  const disks = image.secondaryBootDisks.map(d => ({
    diskImageName: d.diskImageName,
    project: d.project,
    mode: ComputeClassSpecPrioritiesStorageSecondaryBootDisksMode.CONTAINER_UNDERSCORE_IMAGE_UNDERSCORE_CACHE,
  }));
  return clusterScoped(ManifestObject.render(scope, 'ComputeClass', Kind, {
    metadata: { name: cc.name },
    spec: {
      description: `GPU nodes of model ${servedModelName}`,
      priorities: cc.priorities.map(p => (disks.length ? { ...p, storage: { secondaryBootDisks: disks } } : p)),
      // Nothing but these GPUs can run the model: never fall back to a default node.
      whenUnsatisfiable: ComputeClassSpecWhenUnsatisfiable.DO_NOT_SCALE_UP,
      nodePoolAutoCreation: { enabled: cc.nodePoolAutoCreation },
      activeMigration: { optimizeRulePriority: cc.optimizeRulePriority },
      nodePoolConfig: Object.keys(poolConfig).length ? poolConfig : undefined,
    },
  }));
}
