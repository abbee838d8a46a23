import * as fc from 'fast-check';
import { ColdStartFacts } from '../../src/estimate/facts';
import { CapacityArrival, ImageArrival, LoaderFact, WeightPath } from '../../src/estimate/paths';

/** Any estimate inputs the levers (or the checker) could produce. */
export const arbitraryFacts = fc.record<ColdStartFacts>({
  weightPath: fc.constantFrom(...Object.values(WeightPath)),
  streamerConcurrency: fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }),
  streamerRanks: fc.integer({ min: 1, max: 16 }),
  weightLoader: fc.option(fc.constantFrom(...Object.values(LoaderFact)), { nil: undefined }),
  loaderRanks: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
  imageArrival: fc.constantFrom(...Object.values(ImageArrival)),
  prePull: fc.boolean(),
  modelcarPrePulled: fc.boolean(),
  capacityArrival: fc.constantFrom(...Object.values(CapacityArrival)),
  eager: fc.boolean(),
  compile: fc.boolean(),
  persistentCompileCache: fc.boolean(),
  compileCacheSeeded: fc.option(fc.boolean(), { nil: undefined }),
  warmup: fc.boolean(),
  sleepMode: fc.boolean(),
});

/** Weight bytes from 100 MB to 1 TB. */
export const arbitraryBytes = fc.double({ min: 1e8, max: 1e12, noNaN: true });
