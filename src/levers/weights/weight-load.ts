import { Construct } from 'constructs';
import { WeightSource } from './weight-source';
import { LeverKind, PodWriter } from '../../blueprint';
import { Lever, LeverContext } from '../lever';

/**
 * Lever 1, weight load: gets the weights into the engine.
 * @internal
 */
export class WeightLoad extends Lever {
  public readonly kind = LeverKind.WEIGHTS;

  constructor(scope: Construct, id: string, context: LeverContext, private readonly source: WeightSource) {
    super(scope, id, context);
  }

  public contribute(pod: PodWriter): void {
    this.source._bind(this, pod, this.context);
  }

  public complete(pod: PodWriter): void {
    this.source._complete(this, pod, this.context);
  }
}
