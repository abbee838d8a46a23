import { IConstruct } from 'constructs';
import { EstimateOptions } from './estimate-options';
import { fail } from '../private/errors';

/**
 * Estimate inputs must be positive and say each path once: a zero bandwidth
 * would make the startup budget infinite, a duplicate would hide one value.
 * @internal
 */
export function validateEstimateOptions(scope: IConstruct, options: EstimateOptions = {}): void {
  const seen = new Set<string>();
  for (const b of options.bandwidths ?? []) {
    const bytes = b.perSecond.toKibibytes() * 1024;
    if (!(bytes > 0) || !Number.isFinite(bytes)) {
      fail(scope, 'CS-IN-070', `estimate bandwidth for ${b.path} is ${b.perSecond.asString()} per second, not a positive rate`, 'give the measured bytes per second, e.g. Size.mebibytes(500)');
    }
    if (seen.has(b.path)) {
      fail(scope, 'CS-IN-072', `estimate bandwidth for ${b.path} is given twice`, 'give each weight path at most once in estimate.bandwidths');
    }
    seen.add(b.path);
  }
  if (options.imageSize !== undefined && !(options.imageSize.toKibibytes() > 0)) {
    fail(scope, 'CS-IN-071', `estimate.imageSize ${options.imageSize.asString()} is not positive`, 'give the compressed engine image size, e.g. Size.gibibytes(12)');
  }
  if (options.nodeProvisioning !== undefined && !(options.nodeProvisioning.toSeconds() >= 0)) {
    fail(scope, 'CS-IN-071', 'estimate.nodeProvisioning is negative', 'give the time a new GPU node takes, e.g. Duration.minutes(3)');
  }
}
