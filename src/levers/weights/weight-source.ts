import { IConstruct } from 'constructs';
import { applyStreamer, StreamerOptions } from './streamer';
import { PodBlueprint } from '../../blueprint';
import { WeightPath } from '../../estimate/paths';
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

/** Where KServe's modelcar injection exposes the model files. */
const MODELCAR_MOUNT = '/mnt/models';

class ModelcarSource extends WeightSource {
  constructor(private readonly image: string, private readonly options: ModelcarOptions) {
    super();
  }

  public _bind(scope: IConstruct, blueprint: PodBlueprint, context: LeverContext): void {
    const image = requireDigest(scope, this.image.replace(/^oci:\/\//, ''), 'modelcar image');
    const lever = scope.node.path;
    blueprint.storageUri = `oci://${image}`;
    blueprint.modelPath = MODELCAR_MOUNT;
    // Local weights: without these vLLM still calls the Hub for cached models
    // and a wake fails on HTTP 429 (vllm#24541).
    blueprint.addEnv(lever, 'HF_HUB_OFFLINE', '1');
    blueprint.addEnv(lever, 'TRANSFORMERS_OFFLINE', '1');
    applyStreamer(scope, blueprint, context.size.bytes, this.options.streamer);
    blueprint.coldStart.weightPath = WeightPath.OCI_MODELCAR;
  }
}
