import { IConstruct } from 'constructs';
import { applyStreamer, StreamerOptions } from './streamer';
import { PodBlueprint } from '../../blueprint';
import { WeightPath } from '../../estimate/paths';
import { fail } from '../../errors';
import { requireDigest } from '../../image';
import { LeverContext } from '../lever';

/**
 * Options for an OCI modelcar.
 */
export interface ModelcarOptions {
  /**
   * Streamer settings for reading the weights from the modelcar's files.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;
}

/**
 * Options for weights on an existing PersistentVolumeClaim.
 */
export interface ExistingClaimOptions {
  /**
   * Directory of the model inside the volume (the mount's `subPath`).
   * @default - the volume root
   */
  readonly subPath?: string;

  /**
   * Streamer settings for reading the weights from the volume.
   * @default - concurrency 16, memory limit min(model size, 4 GiB)
   */
  readonly streamer?: StreamerOptions;
}

/**
 * Where the weights come from (lever 1: weight load).
 */
export abstract class WeightSource {
  /**
   * The weights ship as an OCI image (a KServe modelcar) pinned by digest. The
   * image is pulled like any other, cached by the kubelet, and shared with the
   * engine through KServe's modelcar sidecar: no download at wake.
   *
   * @param image `registry/repository@sha256:...`, with or without `oci://`
   */
  public static modelcar(image: string, options: ModelcarOptions = {}): WeightSource {
    return new ModelcarSource(image, options);
  }

  /**
   * The weights already sit on a PersistentVolumeClaim in the model's
   * namespace (filled by you or another pipeline), mounted read-only. Works
   * with every backend: no KServe storage handling is involved.
   *
   * @param claimName name of the existing claim
   */
  public static existingClaim(claimName: string, options: ExistingClaimOptions = {}): WeightSource {
    return new ExistingClaimSource(claimName, options);
  }

  /**
   * Writes the source's volumes, env, args and memory into the blueprint.
   * @internal
   */
  public abstract _bind(scope: IConstruct, blueprint: PodBlueprint, context: LeverContext): void;

  /**
   * Second pass, once the pod is complete (e.g. a prefetch DaemonSet that
   * mirrors its nodes).
   * @internal
   */
  public _complete(_scope: IConstruct, _blueprint: PodBlueprint, _context: LeverContext): void {}
}

/** Where KServe's modelcar injection exposes the model files; volume paths use it too. */
const MODEL_MOUNT = '/mnt/models';

/**
 * Local weights: without these vLLM still calls the Hub for cached models and
 * a wake fails on HTTP 429 (vllm#24541).
 * @internal
 */
export function offline(lever: string, blueprint: PodBlueprint): void {
  blueprint.addEnv(lever, 'HF_HUB_OFFLINE', '1');
  blueprint.addEnv(lever, 'TRANSFORMERS_OFFLINE', '1');
}

class ModelcarSource extends WeightSource {
  constructor(private readonly image: string, private readonly options: ModelcarOptions) {
    super();
  }

  public _bind(scope: IConstruct, blueprint: PodBlueprint, context: LeverContext): void {
    const image = requireDigest(scope, this.image.replace(/^oci:\/\//, ''), 'modelcar image');
    const lever = scope.node.path;
    blueprint.storageUri = `oci://${image}`;
    blueprint.modelPath = MODEL_MOUNT;
    offline(lever, blueprint);
    applyStreamer(scope, blueprint, context.size.bytes, this.options.streamer);
    blueprint.coldStart.weightPath = WeightPath.OCI_MODELCAR;
  }
}

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

class ExistingClaimSource extends WeightSource {
  constructor(private readonly claimName: string, private readonly options: ExistingClaimOptions) {
    super();
  }

  public _bind(scope: IConstruct, blueprint: PodBlueprint, context: LeverContext): void {
    if (!DNS_1123_SUBDOMAIN.test(this.claimName) || this.claimName.length > 253) {
      fail(scope, 'CS-IN-011', `weights claim "${this.claimName}" is not a valid PersistentVolumeClaim name`, 'pass the name of an existing claim in the model\'s namespace');
    }
    const subPath = this.options.subPath;
    if (subPath !== undefined && (subPath.startsWith('/') || subPath.split('/').includes('..') || subPath === '')) {
      fail(scope, 'CS-IN-011', `weights subPath "${subPath}" is not a relative path inside the volume`, 'pass a path such as "models/qwen2.5-0.5b-instruct", without a leading / or ..');
    }
    const lever = scope.node.path;
    // Read-only: a serving pod never writes the weights, and Knative then needs no persistent-volume-write flag.
    blueprint.addVolume(lever,
      { name: 'weights', persistentVolumeClaim: { claimName: this.claimName, readOnly: true } },
      { name: 'weights', mountPath: MODEL_MOUNT, readOnly: true, subPath });
    blueprint.modelPath = MODEL_MOUNT;
    offline(lever, blueprint);
    applyStreamer(scope, blueprint, context.size.bytes, this.options.streamer);
    blueprint.coldStart.weightPath = WeightPath.SHARED_VOLUME;
  }
}
