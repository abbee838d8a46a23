import { Construct, IConstruct } from 'constructs';
import { Facts, LeverKind, PodBlueprint, PodWriter } from '../blueprint';
import { ColdStartAssessment, EstimateDetail } from '../estimate/estimate';
import { ModelSize } from '../model-size';
import { PreWarmSchedule } from './capacity/pre-warm';
import { fail } from '../private/errors';
import { ResolvedGpu } from '../private/gpu';
import { Profile } from '../profile';

/**
 * What every lever may read, resolved once by the model. A lever never learns
 * which backend renders the pod: only the port the backend serves on.
 * @internal
 */
export interface LeverContext {
  /** DNS-1035 name of the model's objects. */
  readonly name: string;
  readonly servedModelName: string;
  readonly profile: Profile;
  readonly size: ModelSize;
  /** The GPU shape with its defaults, for the pod and for side objects that must land on the same nodes. */
  readonly gpu: ResolvedGpu;
  /** The port the engine must listen on. */
  readonly port: number;
  /** The engine image (as given): helpers that need Python and `huggingface_hub` (loaders, waits) reuse it, so a node pulls one image. */
  readonly engineImage: string;
  /** Replica bounds (a ReadWriteOnce cache cannot serve more than one). */
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Scheduled pre-warm windows (the capacity lever holds their `warmNodes`). */
  readonly preWarm?: PreWarmSchedule;
}

/**
 * A cold-start lever: a construct (so its side objects sit under it in the
 * tree) that writes its part of the pod through a writer bound to it. The
 * model runs every lever's `contribute`, then computes the cold-start
 * estimate, then runs every lever's `complete`.
 * @internal
 */
export abstract class Lever extends Construct {
  /** Which lever this is: the facts it may write follow from it. */
  public abstract readonly kind: LeverKind;

  constructor(scope: Construct, id: string, protected readonly context: LeverContext) {
    super(scope, id);
  }

  /** First pass: the pod's containers, volumes, scheduling, and the facts this lever owns. */
  public abstract contribute(pod: PodWriter): void;

  /**
   * Second pass, once the pod's scheduling and every fact are final and the
   * estimate is known: side objects that mirror the pod (a DaemonSet on the
   * same nodes) and what is sized from the estimate (probes).
   */
  public complete(_pod: PodWriter, _estimate: EstimateDetail): void {}

  /**
   * After both passes, on the finished pod: one-time Jobs that run its
   * engine (see renderEngineJob), each created after `after` (what the
   * workload depends on, and the Jobs of the levers before). The workload is
   * created after all of them.
   */
  public jobs(_bp: PodBlueprint, _assessment: ColdStartAssessment, _after: readonly IConstruct[]): IConstruct[] {
    return [];
  }
}

/**
 * A node-level helper (a DaemonSet, a root writer on a hostPath) goes only
 * where a nodeSelector sends it: a DaemonSet without one runs on every node,
 * and the GPU request alone admits any GPU node. The capacity lever says
 * whether the pod has one (Facts.NODES_SELECTED).
 * @internal
 */
export function requireNodeSelector(scope: Construct, pod: PodWriter, why: string): void {
  if (pod.get(Facts.NODES_SELECTED)) return;
  fail(scope, 'CS-IN-044', `the model pod has no nodeSelector: ${why}`,
    'set gpu.nodeSelector to a label only those GPU nodes carry (e.g. { "nvidia.com/gpu.present": "true" }), or use a compute class or NodePool');
}
