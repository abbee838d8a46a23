import { BandwidthOverride } from './estimate-options';
import { WeightPath } from './paths';
import { bytesIn } from '../private/size';


const MB = 1e6;
const GB = 1e9;

/**
 * Link bandwidth of each weight path, bytes per second: what the storage
 * delivers, before the loader's own limits (see estimate.ts). Each value cites
 * the published figure it comes from (the calibration test, test/estimate/estimate-calibration.test.ts, lists each with its source).
 * @internal
 */
export const DEFAULT_LINK_BANDWIDTH: Record<WeightPath, number> = {
  // A modelcar is pulled like any image: the registry is its link (see REGISTRY_BANDWIDTH).
  [WeightPath.OCI_MODELCAR]: 160 * MB,
  // Mistral-7B AWQ, 3.9 GB downloaded from the Hub at every start: 840 s, i.e. ~4.6 MB/s.
  [WeightPath.HF_HUB]: 5 * MB,
  // No published NFS figure beyond EFS: the same ~150 MB/s.
  [WeightPath.SHARED_VOLUME]: 150 * MB,
  // 70B bf16 = 140 GB from S3 at ~1 GB/s = 140 s.
  [WeightPath.OBJECT_STORAGE]: 1 * GB,
  // 140 GB from local NVMe at ~7 GB/s = 20 s.
  [WeightPath.LOCAL_NVME]: 7 * GB,
  // Memory, never the limit: the loader is.
  [WeightPath.PAGE_CACHE]: 20 * GB,
  // EFS ~100-200 MB/s (midpoint).
  [WeightPath.EFS]: 150 * MB,
  // No published figure: assumed like S3 (~1 GB/s); override with the file system's provisioned throughput.
  [WeightPath.FSX_LUSTRE]: 1 * GB,
  // Mountpoint for S3 reads S3: ~1 GB/s.
  [WeightPath.MOUNTPOINT_S3]: 1 * GB,
  // Hyperdisk ML provisioned at 2400 MiB/s (the library's StorageClass value).
  [WeightPath.HYPERDISK_ML]: 2400 * 1024 ** 2,
  // Hyperdisk ML loads ~11.9x faster: GCS FUSE (with file cache) at 1/11.9 of Hyperdisk ML.
  [WeightPath.GCS_FUSE]: Math.round((2400 * 1024 ** 2) / 11.9),
};

/** vLLM image, ~12 GB compressed, pulled on a fresh node in ~60-90 s: ~160 MB/s. @internal */
export const REGISTRY_BANDWIDTH = 160 * MB;

/** Paths read through an object-store client (the streamer's default concurrency is 8 there, 16 elsewhere). @internal */
export const OBJECT_STORE_PATHS: ReadonlySet<WeightPath> = new Set([WeightPath.OBJECT_STORAGE]);

/** Bandwidth per path with the user's overrides applied. @internal */
export function linkBandwidths(overrides: readonly BandwidthOverride[] = []): Record<WeightPath, number> {
  const result = { ...DEFAULT_LINK_BANDWIDTH };
  for (const o of overrides) result[o.path] = bytesIn(o.perSecond);
  return result;
}
