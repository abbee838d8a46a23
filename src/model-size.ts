import { Size } from 'cdk8s';
import { fail } from './private/errors';

/**
 * Numeric precision of the weights, which sets the bytes per parameter.
 */
export enum Precision {
  /** 4 bytes per parameter. */
  FP32 = 'fp32',
  /** 2 bytes per parameter. */
  BF16 = 'bf16',
  /** 2 bytes per parameter. */
  FP16 = 'fp16',
  /** 1 byte per parameter. */
  FP8 = 'fp8',
  /** 1 byte per parameter. */
  INT8 = 'int8',
  /** Half a byte per parameter (AWQ, GPTQ 4-bit). */
  INT4 = 'int4',
}

const BYTES_PER_PARAMETER: Record<Precision, number> = {
  [Precision.FP32]: 4,
  [Precision.BF16]: 2,
  [Precision.FP16]: 2,
  [Precision.FP8]: 1,
  [Precision.INT8]: 1,
  [Precision.INT4]: 0.5,
};

/**
 * Size of the model weights on disk. It drives the startup budget, the
 * streamer buffer and (in later levers) the size of caches.
 */
export class ModelSize {
  /**
   * The weights take exactly this much space.
   */
  public static of(size: Size): ModelSize {
    const bytes = size.toKibibytes() * 1024;
    return new ModelSize(bytes, size.asString(), 'ModelSize.of');
  }

  /**
   * The weights are `parameters` parameters at `precision`.
   * @param parameters number of parameters, e.g. `0.5e9` for a 0.5B model
   * @param precision numeric precision of the weights
   */
  public static fromParameters(parameters: number, precision: Precision): ModelSize {
    if (!Number.isFinite(parameters) || parameters <= 0) {
      fail('ModelSize.fromParameters', 'CS-IN-048', `parameters must be a positive number, got ${parameters}`, 'pass the parameter count, e.g. 0.5e9 for a 0.5B model');
    }
    const bytes = Math.ceil(parameters * BYTES_PER_PARAMETER[precision]);
    return new ModelSize(bytes, `${parameters / 1e9}B parameters in ${precision}`, 'ModelSize.fromParameters');
  }

  /** Bytes of weights. */
  public readonly bytes: number;
  /** How the size was given, for reports and messages. */
  public readonly description: string;

  private constructor(bytes: number, description: string, factory: string) {
    if (!Number.isFinite(bytes) || bytes <= 0) {
      fail(factory, 'CS-IN-048', `the model size must be positive, got ${bytes} bytes (${description})`, 'give the size of the weights on disk');
    }
    this.bytes = bytes;
    this.description = description;
  }

  /** The size in GB (10^9 bytes), as published figures quote it. */
  public get gigabytes(): number {
    return this.bytes / 1e9;
  }
}
