import { BandwidthOverride } from './estimate-options';
import { WeightPath } from './paths';
import { bytesIn } from '../private/size';


const MB = 1e6;

/** vLLM image, ~12 GB compressed, pulled on a fresh node in ~60-90 s: ~160 MB/s. @internal */
export const REGISTRY_BANDWIDTH = 160 * MB;

/** Paths read through an object-store client (the streamer's default concurrency is 8 there, 16 elsewhere). @internal */
export const OBJECT_STORE_PATHS: ReadonlySet<WeightPath> = new Set([WeightPath.OBJECT_STORAGE]);

/**
 * The bandwidths the user measured (`estimate.bandwidths`), bytes/s by path:
 * they replace the published spread (runtime-model.ts, WEIGHTS.link) in every case.
 * @internal
 */
export function measuredBandwidths(overrides: readonly BandwidthOverride[] = []): ReadonlyMap<WeightPath, number> {
  return new Map(overrides.map(o => [o.path, bytesIn(o.perSecond)]));
}
