import { Construct } from 'constructs';
import { maskUserInfo, requireNoUserInfo, requireSecretRef } from './secret-reference';
import { offline, requireServiceAccountName, setServiceAccount, WeightSourceImpl } from './source-impl';
import { applyStreamer, checkStreamer, StreamerOptions } from './streamer';
import { Facts, PodWriter } from '../../blueprint';
import { WeightPath } from '../../estimate/paths';
import { fail } from '../../private/errors';
import { requireRegion } from '../../private/region';
import { LeverContext } from '../lever';

/**
 * Access keys of an S3 or S3-compatible store, read from a Secret.
 */
export interface ObjectStorageKeysOptions {
  /** Name of the Secret in the model's namespace. */
  readonly secretName: string;
  /**
   * Key holding the access key id (`AWS_ACCESS_KEY_ID`).
   * @default 'AWS_ACCESS_KEY_ID'
   */
  readonly accessKeyIdKey?: string;
  /**
   * Key holding the secret access key (`AWS_SECRET_ACCESS_KEY`).
   * @default 'AWS_SECRET_ACCESS_KEY'
   */
  readonly secretAccessKeyKey?: string;
}

/**
 * How the engine authenticates to the bucket: never a literal.
 */
export class ObjectStorageCredentials {
  /**
   * S3 access keys from a Secret (`s3://` only), set as `AWS_ACCESS_KEY_ID`
   * and `AWS_SECRET_ACCESS_KEY` by Secret reference.
   */
  public static fromSecret(options: ObjectStorageKeysOptions): ObjectStorageCredentials {
    const factory = 'ObjectStorageCredentials.fromSecret';
    if (options === null || typeof options !== 'object') fail(factory, 'CS-IN-059', 'the options are missing', 'pass { secretName: "<Secret holding the keys>" }');
    requireSecretRef(factory, { name: options?.secretName, key: options?.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID' }, 'the S3 access key id');
    requireSecretRef(factory, { name: options?.secretName, key: options?.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY' }, 'the S3 secret access key');
    return new ObjectStorageCredentials(options, undefined);
  }

  /**
   * Workload identity (IRSA or EKS Pod Identity on EKS, Workload Identity on
   * GKE): the model pod runs as this service account and holds no key.
   * @param serviceAccountName the Kubernetes service account bound to a cloud identity with read access to the bucket
   */
  public static workloadIdentity(serviceAccountName: string): ObjectStorageCredentials {
    requireServiceAccountName('ObjectStorageCredentials.workloadIdentity', serviceAccountName, 'a cloud identity with read access to the bucket');
    return new ObjectStorageCredentials(undefined, serviceAccountName);
  }

  private constructor(
    /** @internal */ public readonly _keys: ObjectStorageKeysOptions | undefined,
    /** @internal */ public readonly _serviceAccountName: string | undefined,
  ) {}
}

/**
 * Options for weights streamed from object storage.
 */
export interface ObjectStorageOptions {
  /**
   * How the engine authenticates.
   * @default - the node's or pod's ambient identity
   */
  readonly credentials?: ObjectStorageCredentials;

  /**
   * Endpoint of an S3-compatible store (MinIO, Ceph RGW, R2 ...), set as
   * `AWS_ENDPOINT_URL`. Path-style addressing is switched on with it
   * (`RUNAI_STREAMER_S3_USE_VIRTUAL_ADDRESSING=0`), which such stores expect.
   * @default - the cloud's own endpoint
   */
  readonly endpoint?: string;

  /**
   * Region of the bucket (`AWS_REGION` and `AWS_DEFAULT_REGION`), for `s3://`.
   * @default - the SDK's own resolution
   */
  readonly region?: string;

  /**
   * Streamer settings.
   * @default - concurrency 8 (the streamer's object-store default), memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;
}

const URI = /^(s3|gs):\/\/([a-z0-9][a-z0-9._-]{1,61}[a-z0-9])(\/[^\s]*)?$/;
/** FACTS: RUNAI_STREAMER_CONCURRENCY defaults to 8 for object stores. */
const OBJECT_STORE_CONCURRENCY = 8;

/**
 * The engine streams the safetensors straight from the bucket with the Run:ai
 * streamer (`--model=s3://...`): no volume, no download step, and no KServe
 * storage initializer (no `STORAGE_URI`, which would copy the model first).
 * @internal
 */
export class ObjectStorageSource implements WeightSourceImpl {
  /** `s3` or `gs`. */
  private readonly scheme: string;
  private readonly bucket: string;

  constructor(private readonly uri: string, private readonly options: ObjectStorageOptions) {
    const factory = 'WeightSource.objectStorage';
    requireNoUserInfo(factory, uri ?? '', 'the object storage URI');
    const m = URI.exec(uri ?? '');
    if (!m) {
      fail(factory, 'CS-IN-017', `object storage URI "${maskUserInfo(uri)}" is not s3://<bucket>/<prefix> or gs://<bucket>/<prefix>`,
        'pass the directory that holds config.json and the *.safetensors files, e.g. s3://models/llama-3.1-70b-instruct');
    }
    this.scheme = m[1];
    this.bucket = m[2];
    const o = options;
    const s3Only = (what: string, fix: string) => fail(factory, 'CS-IN-025', `${what} works with s3:// only, and the URI is ${this.scheme}://`, fix);
    if (o.endpoint !== undefined) {
      requireNoUserInfo(factory, o.endpoint, 'the object storage endpoint');
      if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(o.endpoint)) {
        fail(factory, 'CS-IN-017', `endpoint "${maskUserInfo(o.endpoint)}" is not an http(s) URL`, 'pass e.g. https://minio.storage.svc:9000 with an s3:// model URI');
      }
      if (this.scheme !== 's3') s3Only(`endpoint "${maskUserInfo(o.endpoint)}" (an S3-compatible store)`, 'drop endpoint, or pass the s3:// URI of the S3-compatible store');
    }
    if (o.region !== undefined) {
      requireRegion(factory, o.region, 'region');
      if (this.scheme !== 's3') s3Only(`region "${o.region}"`, 'drop region: Cloud Storage needs none');
    }
    if (o.credentials?._keys && this.scheme !== 's3') {
      s3Only('access keys from a Secret', 'use ObjectStorageCredentials.workloadIdentity(serviceAccountName) for gs://');
    }
    checkStreamer(factory, o.streamer);
  }

  public bind(scope: Construct, pod: PodWriter, context: LeverContext): void {
    const o = this.options;
    if (o.endpoint !== undefined) {
      pod.env('AWS_ENDPOINT_URL', o.endpoint);
      pod.env('RUNAI_STREAMER_S3_USE_VIRTUAL_ADDRESSING', '0');
    }
    if (o.region !== undefined) {
      pod.env('AWS_REGION', o.region);
      pod.env('AWS_DEFAULT_REGION', o.region);
    }
    const keys = o.credentials?._keys;
    if (keys) {
      pod.secretEnv('AWS_ACCESS_KEY_ID', keys.secretName, keys.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID');
      pod.secretEnv('AWS_SECRET_ACCESS_KEY', keys.secretName, keys.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY');
    }
    const sa = o.credentials?._serviceAccountName;
    if (sa !== undefined) setServiceAccount(scope, pod, sa, `the identity that reads ${this.scheme}://${this.bucket}`);

    pod.set(Facts.MODEL_PATH, this.uri);
    offline(pod);
    applyStreamer(
      pod,
      context.size.bytes,
      context.gpu.count,
      { concurrency: o.streamer?.concurrency ?? OBJECT_STORE_CONCURRENCY, memoryLimit: o.streamer?.memoryLimit },
    );
    pod.set(Facts.WEIGHT_PATH, WeightPath.OBJECT_STORAGE);
  }
}
