import { Construct } from 'constructs';
import { Lever, LeverContext } from './lever';
import { PodBlueprint } from '../blueprint';
import { requireDigest } from '../image';

/**
 * Lever 2: the multi-GB engine image. Pinned by digest, so `IfNotPresent` is
 * safe and a warm node never pulls it again (a tag means `Always`).
 * @internal
 */
export class ImagePull extends Lever {
  constructor(scope: Construct, id: string, private readonly engineImage: string) {
    super(scope, id);
  }

  public contribute(blueprint: PodBlueprint, _context: LeverContext): void {
    blueprint.image = requireDigest(this, this.engineImage, 'engine image');
    blueprint.imagePullPolicy = 'IfNotPresent';
    // Polaris' pullPolicyNotAlways contradicts digest + IfNotPresent: say so where linters look.
    blueprint.addAnnotation(this.leverName, 'polaris.fairwinds.com/pullPolicyNotAlways-exempt', 'true');
    blueprint.addAnnotation(this.leverName, 'coldstart.cdk8s.io/exemption-reason',
      'pullPolicyNotAlways: every image is pinned by digest, so IfNotPresent cannot run a stale image and a warm node never pulls again');
  }
}
