import { Construct } from 'constructs';
import { PodBlueprint } from '../blueprint';
import { GpuOptions } from '../gpu';
import { ModelSize } from '../model-size';
import { Profile } from '../profile';

/**
 * What every lever may read. A lever never learns which backend renders the
 * pod: only the port the backend serves on.
 * @internal
 */
export interface LeverContext {
  /** DNS-1035 name of the model's objects. */
  readonly name: string;
  readonly servedModelName: string;
  readonly profile: Profile;
  readonly size: ModelSize;
  readonly gpuCount: number;
  /** The GPU shape, for side objects that must land on the same nodes (buffers, pre-pull, prefetch). */
  readonly gpu: GpuOptions;
  /** The port the engine must listen on. */
  readonly port: number;
  /** The engine image (as given): helpers that need Python and `huggingface_hub` (loaders, waits) reuse it, so a node pulls one image. */
  readonly engineImage: string;
}

/**
 * A cold-start lever: a construct (so its side objects sit under it in the
 * tree) that writes its part of the pod into the blueprint.
 * @internal
 */
export abstract class Lever extends Construct {
  public abstract contribute(blueprint: PodBlueprint, context: LeverContext): void;

  /**
   * Second pass, after every lever has contributed: for what must mirror the
   * finished pod (a DaemonSet on the same nodes, probes sized from the whole
   * estimate). Nothing may be added to the blueprint's pod here that another
   * lever's `complete` could read.
   */
  public complete(_blueprint: PodBlueprint, _context: LeverContext): void {}

  /** Name used in merge-conflict messages. */
  protected get leverName(): string {
    return this.node.path;
  }
}
