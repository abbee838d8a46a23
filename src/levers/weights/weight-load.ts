import { Construct } from 'constructs';
import { Lever, LeverContext } from '../lever';
import { WeightSource } from './weight-source';
import { PodBlueprint } from '../../blueprint';

/**
 * Lever 1: gets the weights into the engine.
 * @internal
 */
export class WeightLoad extends Lever {
  constructor(scope: Construct, id: string, private readonly source: WeightSource) {
    super(scope, id);
  }

  public contribute(blueprint: PodBlueprint, context: LeverContext): void {
    this.source._bind(this, blueprint, context);
  }

  public complete(blueprint: PodBlueprint, context: LeverContext): void {
    this.source._complete(this, blueprint, context);
  }
}
