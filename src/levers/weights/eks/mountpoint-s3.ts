import { Construct } from 'constructs';
import { bindStaticVolume } from './static-volume';
import { PodWriter } from '../../../blueprint';
import { WeightPath } from '../../../estimate/paths';
import { requireCloud } from '../../../private/cloud';
import { fail } from '../../../private/errors';
import { relativePathProblem } from '../../../private/paths';
import { requireRegion } from '../../../private/region';
import { CloudProvider } from '../../../profile';
import { LeverContext } from '../../lever';
import { WeightSourceImpl } from '../source-impl';
import { checkStreamer, StreamerOptions } from '../streamer';

/**
 * Options for Mountpoint for Amazon S3.
 */
export interface MountpointS3Options {
  /**
   * Key prefix of the model in the bucket (Mountpoint's `prefix`).
   * @default - the bucket root
   */
  readonly prefix?: string;

  /**
   * Region of the bucket.
   * @default - the profile's region, else Mountpoint's own resolution
   */
  readonly region?: string;

  /**
   * Streamer settings.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * A static PersistentVolume on `s3.csi.aws.com` (the driver supports only
 * static provisioning), mounted read-only; credentials come from the
 * driver's IAM role, never from the pod.
 * @internal
 */
export class MountpointS3Source implements WeightSourceImpl {
  constructor(private readonly bucketName: string, private readonly options: MountpointS3Options) {
    const factory = 'WeightSource.mountpointS3';
    const o = options;
    if (!BUCKET.test(bucketName ?? '') || bucketName.includes('..')) {
      fail(factory, 'CS-IN-027', `bucket "${bucketName}" is not an S3 bucket name`, 'pass the bare bucket name, without s3:// or a path (use prefix for the path)');
    }
    // One trailing '/' is written below (mount-s3 refuses a --prefix without it); the rest is a relative path.
    if (o.prefix !== undefined && (!/^[A-Za-z0-9!_.*'()/-]+$/.test(o.prefix) || relativePathProblem(o.prefix.replace(/\/$/, '')) !== undefined)) {
      fail(factory, 'CS-IN-011', `prefix "${String(o.prefix)}" is not an S3 key prefix (names joined by single slashes, no . or .. segment)`, 'pass e.g. models/llama-3.1-70b-instruct/');
    }
    // The profile's region was checked by Cloud.eks().
    if (o.region !== undefined) requireRegion(factory, o.region, 'region');
    checkStreamer(factory, o.streamer);
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    requireCloud(scope, context.profile, CloudProvider.EKS, 'WeightSource.mountpointS3', 'pick a baseline weight source');
    const o = this.options;
    const region = o.region ?? context.profile.cloud.region;
    const modelBytes = context.size.bytes;
    const prefix = o.prefix === undefined ? undefined : o.prefix.replace(/\/?$/, '/');
    bindStaticVolume(scope, pod, context, modelBytes, {
      id: 's3',
      csi: { driver: 's3.csi.aws.com', volumeHandle: `${context.name}-s3-${this.bucketName}`, volumeAttributes: { bucketName: this.bucketName } },
      accessMode: 'ReadOnlyMany',
      mountOptions: ['read-only', ...(region ? [`region ${region}`] : []), ...(prefix ? [`prefix ${prefix}`] : [])],
      weightPath: WeightPath.MOUNTPOINT_S3,
      rootReason: 'Mountpoint for S3 serves only the user that mounted it unless the volume says allow-other',
      streamer: o.streamer,
    });
  }
}
