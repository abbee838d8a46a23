import { IConstruct } from 'constructs';
import { EstimateOptions } from './estimate-options';
import { wholeSeconds } from '../private/duration';
import { fail } from '../private/errors';
import { positiveBytes } from '../private/size';

/**
 * Estimate inputs must be positive and say each path once: a zero bandwidth
 * would make the startup budget infinite, a duplicate would hide one value.
 * @internal
 */
export function validateEstimateOptions(scope: IConstruct, options: EstimateOptions = {}): void {
  const seen = new Set<string>();
  for (const b of options.bandwidths ?? []) {
    positiveBytes(`estimate bandwidth for ${b.path} (per second)`, b.perSecond, (p, x) => fail(scope, 'CS-IN-070', p, x), 'Size.mebibytes(500)');
    if (seen.has(b.path)) {
      fail(scope, 'CS-IN-072', `estimate bandwidth for ${b.path} is given twice`, 'give each weight path at most once in estimate.bandwidths');
    }
    seen.add(b.path);
  }
  if (options.imageSize !== undefined) positiveBytes('estimate.imageSize', options.imageSize, (p, x) => fail(scope, 'CS-IN-071', p, x), 'Size.gibibytes(12)');
  if (options.nodeProvisioning !== undefined) wholeSeconds('estimate.nodeProvisioning', options.nodeProvisioning, 0, 86_400, (p, x) => fail(scope, 'CS-IN-071', p, x));
}
