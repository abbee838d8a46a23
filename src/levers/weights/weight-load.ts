import { Construct, IConstruct } from 'constructs';
import { WeightSource } from './weight-source';
import { LeverKind, PodBlueprint, PodWriter } from '../../blueprint';
import { ColdStartAssessment } from '../../estimate/estimate';
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

  public jobs(bp: PodBlueprint, assessment: ColdStartAssessment, after: readonly IConstruct[]): IConstruct[] {
    return this.source._jobs(this, bp, this.context, assessment, after);
  }
}
