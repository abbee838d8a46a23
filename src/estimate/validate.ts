import { IConstruct } from 'constructs';
import { BeforeSetup } from './before';
import { EstimateOptions } from './estimate-options';
import { WeightStorage } from './storage';
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
  if (options.storage !== undefined && !(options.storage instanceof WeightStorage)) {
    fail(scope, 'CS-IN-085', 'estimate.storage is not a WeightStorage', 'use a WeightStorage factory, e.g. WeightStorage.persistentDisk(PersistentDiskType.BALANCED, Size.gibibytes(500))');
  }
  if (options.before !== undefined && !Object.values(BeforeSetup).includes(options.before)) {
    fail(scope, 'CS-IN-085', `estimate.before "${String(options.before)}" is not a BeforeSetup`, `pass one of BeforeSetup.${Object.keys(BeforeSetup).join(', BeforeSetup.')}`);
  }
  const layers = options.layers;
  if (layers !== undefined && !(Number.isInteger(layers) && layers >= 1 && layers <= 1000)) {
    fail(scope, 'CS-IN-085', `estimate.layers ${String(layers)} is not a whole number of layers from 1 to 1000`, 'give num_hidden_layers from the model\'s config.json, e.g. 32');
  }
}
