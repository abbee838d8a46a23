import { Size } from 'cdk8s';
import { Spread } from './spread';
import { fail } from '../private/errors';
import { bytesIn } from '../private/size';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/**
 * What kind of storage sits under a weight path. The default loader reads
 * through mmap page faults, whose read-ahead suits a block device far better
 * than a network file system, so each medium has its own loader efficiency.
 */
export enum StorageMedium {
  /** A network block device (GCE Persistent Disk, Hyperdisk, EBS). */
  BLOCK_DISK = 'block-disk',
  /** NFS, EFS, Filestore: per-request latency over the network. */
  NETWORK_FILE_SYSTEM = 'network-file-system',
  /** Lustre and the like: striped over many servers. */
  PARALLEL_FILE_SYSTEM = 'parallel-file-system',
  /** NVMe or local SSD in the node. */
  LOCAL_SSD = 'local-ssd',
  /** The node's page cache (a file read or written moments ago). */
  PAGE_CACHE = 'page-cache',
  /** An object store read by its own client (S3, GCS) or through FUSE. */
  OBJECT_STORE = 'object-store',
}

/** GCE Persistent Disk types. */
export enum PersistentDiskType {
  /** `pd-standard` (HDD). */
  STANDARD = 'pd-standard',
  /** `pd-balanced`. */
  BALANCED = 'pd-balanced',
  /** `pd-ssd`. */
  SSD = 'pd-ssd',
}

/** Amazon EBS volume types. */
export enum EbsVolumeType {
  /** `gp2`: throughput grows with size. */
  GP2 = 'gp2',
  /** `gp3`: 125 MiB/s unless more is provisioned. */
  GP3 = 'gp3',
  /** `io2` Block Express: provisioned. */
  IO2 = 'io2',
}

/**
 * Published read throughput of GCE Persistent Disk (Compute Engine "Persistent
 * Disk performance"): MiB/s per GiB of size, a baseline every disk gets, and
 * the per-VM read ceiling of the type on VMs with 16+ vCPUs (GPU nodes).
 */
const PD: Record<PersistentDiskType, { perGib: number; baseline: number; ceiling: number }> = {
  [PersistentDiskType.STANDARD]: { perGib: 0.12, baseline: 0, ceiling: 1200 },
  [PersistentDiskType.BALANCED]: { perGib: 0.28, baseline: 140, ceiling: 1200 },
  [PersistentDiskType.SSD]: { perGib: 0.48, baseline: 240, ceiling: 1200 },
};

/**
 * A network disk rarely delivers its rated throughput to one reader at the
 * start of a read: published fio and model-load figures sit at 60-100 % of it
 * (the Run:ai benchmark streamed 1.03 GiB/s from a gp3 rated 1000 MiB/s).
 */
const RATED_BLOCK: Spread = [1, 0.9, 0.6];

/**
 * What sits under the weight path and how fast it reads, for the cold-start
 * estimate: a disk type and size, or a measured or provisioned throughput.
 * It replaces the path's default link bandwidth.
 */
export class WeightStorage {
  /**
   * A GCE Persistent Disk of this type and size: 0.12 (standard), 0.28
   * (balanced) or 0.48 (SSD) MiB/s per GiB, at least the type's baseline,
   * at most 1,200 MiB/s per VM.
   */
  public static persistentDisk(type: PersistentDiskType, size: Size): WeightStorage {
    const p = PD[type];
    if (!p) fail('WeightStorage.persistentDisk', 'CS-IN-084', `type "${String(type)}" is not a PersistentDiskType`, `pass one of PersistentDiskType.${Object.keys(PersistentDiskType).join(', PersistentDiskType.')}`);
    const gib = sizeOf('WeightStorage.persistentDisk', 'size', size) / GIB;
    const rated = Math.min(p.ceiling, Math.max(p.baseline, p.perGib * gib)) * MIB;
    return new WeightStorage(StorageMedium.BLOCK_DISK, ratedSpread(rated), `${type} ${Math.round(gib)} GiB (${Math.round(rated / MIB)} MiB/s rated)`);
  }

  /**
   * An Amazon EBS volume: gp2 gives 128 MiB/s up to 170 GiB and 250 MiB/s from
   * 334 GiB; gp3 125 MiB/s unless `throughput` is provisioned (up to 2,000
   * MiB/s); io2 as provisioned (up to 4,000 MiB/s).
   * @param throughput provisioned throughput (gp3, io2)
   * @default - gp3: 125 MiB/s; io2: required
   */
  public static ebsVolume(type: EbsVolumeType, size: Size, throughput?: Size): WeightStorage {
    const where = 'WeightStorage.ebsVolume';
    if (!Object.values(EbsVolumeType).includes(type)) fail(where, 'CS-IN-084', `type "${String(type)}" is not an EbsVolumeType`, 'pass EbsVolumeType.GP2, GP3 or IO2');
    const gib = sizeOf(where, 'size', size) / GIB;
    const provisioned = throughput === undefined ? undefined : sizeOf(where, 'throughput', throughput);
    let rated: number;
    if (type === EbsVolumeType.GP2) {
      if (provisioned !== undefined) fail(where, 'CS-IN-084', 'gp2 throughput cannot be provisioned', 'drop throughput, or use EbsVolumeType.GP3');
      rated = (gib <= 170 ? 128 : gib >= 334 ? 250 : 128 + ((gib - 170) / (334 - 170)) * 122) * MIB;
    } else if (type === EbsVolumeType.GP3) {
      rated = Math.min(provisioned ?? 125 * MIB, 2000 * MIB);
    } else {
      if (provisioned === undefined) fail(where, 'CS-IN-084', 'an io2 volume needs its provisioned throughput', 'pass throughput, e.g. Size.mebibytes(1000)');
      rated = Math.min(provisioned, 4000 * MIB);
    }
    return new WeightStorage(StorageMedium.BLOCK_DISK, ratedSpread(rated), `${type} ${Math.round(gib)} GiB (${Math.round(rated / MIB)} MiB/s rated)`);
  }

  /**
   * Storage of a kind whose read throughput you measured or provisioned
   * (an NFS server, FSx for Lustre at its per-TiB rate x capacity, local NVMe,
   * a bucket's measured rate to the node).
   * @param medium what kind of storage it is
   * @param perSecond bytes per second one node reads from it
   */
  public static measured(medium: StorageMedium, perSecond: Size): WeightStorage {
    if (!Object.values(StorageMedium).includes(medium)) fail('WeightStorage.measured', 'CS-IN-084', `medium "${String(medium)}" is not a StorageMedium`, 'pass a StorageMedium');
    const rate = sizeOf('WeightStorage.measured', 'perSecond', perSecond);
    return new WeightStorage(medium, [rate, rate, rate], `${medium} at ${Math.round(rate / MIB)} MiB/s (measured)`);
  }

  /** The weights are in the node's page cache (read or written moments before). */
  public static pageCache(): WeightStorage {
    return new WeightStorage(StorageMedium.PAGE_CACHE, PAGE_CACHE_LINK, 'page cache');
  }

  /** What kind of storage this is. */
  public readonly medium: StorageMedium;
  /** How it was described, for the report. */
  public readonly description: string;
  /** @internal */
  public readonly _link: Spread;

  private constructor(medium: StorageMedium, link: Spread, description: string) {
    this.medium = medium;
    this._link = link;
    this.description = description;
  }
}

/**
 * Reading a file that is in the page cache is a memory copy: tens of GB/s on
 * a server (fio buffered reads of cached files, one process: ~10-20 GB/s).
 * The loader's own ceiling is what limits it (see the loader model).
 * @internal
 */
export const PAGE_CACHE_LINK: Spread = [40e9, 20e9, 10e9];

function ratedSpread(rated: number): Spread {
  return [rated * RATED_BLOCK[0], rated * RATED_BLOCK[1], rated * RATED_BLOCK[2]];
}

function sizeOf(where: string, prop: string, size: unknown): number {
  const s = size as Size | undefined;
  const bytes = typeof s?.toKibibytes === 'function' ? bytesIn(s) : NaN;
  if (!(bytes > 0 && Number.isFinite(bytes))) fail(where, 'CS-IN-084', `${prop} is not a positive, finite Size`, 'pass a cdk8s Size, e.g. Size.gibibytes(500)');
  return bytes;
}
