import { Construct } from 'constructs';
import { bindStaticVolume } from './static-volume';
import { PodWriter } from '../../../blueprint';
import { WeightPath } from '../../../estimate/paths';
import { requireCloud } from '../../../private/cloud';
import { fail } from '../../../private/errors';
import { CloudProvider } from '../../../profile';
import { LeverContext } from '../../lever';
import { requireRelativePath, WeightSourceImpl } from '../source-impl';
import { checkStreamer, StreamerOptions } from '../streamer';

/**
 * Options for an existing FSx for Lustre file system (e.g. linked to the S3
 * bucket that holds the weights).
 */
export interface FsxLustreOptions {
  /** File system id, e.g. `fs-0123456789abcdef0` (the volume handle). */
  readonly fileSystemId: string;
  /** DNS name of the file system (`volumeAttributes.dnsname`). */
  readonly dnsName: string;
  /** Lustre mount name (`volumeAttributes.mountname`). */
  readonly mountName: string;

  /**
   * Directory of the model inside the file system.
   * @default - the file system root
   */
  readonly subPath?: string;

  /**
   * Streamer settings.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;
}

/**
 * A static PersistentVolume on `fsx.csi.aws.com`, mounted ReadOnlyMany.
 * @internal
 */
export class FsxLustreSource implements WeightSourceImpl {
  constructor(private readonly options: FsxLustreOptions) {
    const factory = 'WeightSource.fsxLustre';
    const o = options;
    if (!/^fs-[0-9a-f]{8,40}$/.test(o.fileSystemId ?? '')) {
      fail(factory, 'CS-IN-028', `FSx file system id "${o.fileSystemId}" is not fs-<hex>`, 'pass the id from `aws fsx describe-file-systems`');
    }
    if (!/^[a-z0-9.-]+$/.test(o.dnsName ?? '') || !/^[A-Za-z0-9_-]{1,8}$/.test(o.mountName ?? '')) {
      fail(factory, 'CS-IN-028', `FSx dnsName "${o.dnsName}" or mountName "${o.mountName}" is malformed`, 'copy DNSName and LustreConfiguration.MountName from `aws fsx describe-file-systems`');
    }
    requireRelativePath(factory, o.subPath, 'FSx for Lustre subPath', 'models/llama-3.1-70b-instruct');
    checkStreamer(factory, o.streamer);
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    requireCloud(scope, context.profile, CloudProvider.EKS, 'WeightSource.fsxLustre', 'pick a baseline weight source');
    const o = this.options;
    const modelBytes = context.size.bytes;
    bindStaticVolume(scope, pod, context, modelBytes, {
      id: 'fsx',
      csi: { driver: 'fsx.csi.aws.com', volumeHandle: o.fileSystemId, readOnly: true, volumeAttributes: { dnsname: o.dnsName, mountname: o.mountName } },
      accessMode: 'ReadOnlyMany',
      subPath: o.subPath,
      weightPath: WeightPath.FSX_LUSTRE,
      rootReason: 'FSx for Lustre files keep the owner and mode they were imported with',
      streamer: o.streamer,
    });
  }
}
