import { Size } from 'cdk8s';
import { fail } from './private/errors';
import { positiveBytes } from './private/size';

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
  /**
   * OCP microscaling FP4: 4-bit E2M1 values with one 8-bit (E8M0) scale per
   * 32 values, 4.25 bits per parameter (gpt-oss ships its experts this way).
   */
  MXFP4 = 'mxfp4',
  /**
   * NVIDIA FP4: 4-bit E2M1 values with one FP8 (E4M3) scale per 16 values,
   * 4.5 bits per parameter (the per-tensor FP32 scale is negligible).
   */
  NVFP4 = 'nvfp4',
}

const BYTES_PER_PARAMETER: Record<Precision, number> = {
  [Precision.FP32]: 4,
  [Precision.BF16]: 2,
  [Precision.FP16]: 2,
  [Precision.FP8]: 1,
  [Precision.INT8]: 1,
  [Precision.INT4]: 0.5,
  // Block scale bits spread over the block: OCP MX v1.0 (32 x E2M1 + E8M0), NVIDIA NVFP4 (16 x E2M1 + E4M3).
  [Precision.MXFP4]: (4 + 8 / 32) / 8,
  [Precision.NVFP4]: (4 + 8 / 16) / 8,
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
    const bytes = positiveBytes('the model size', size, (p, x) => fail('ModelSize.of', 'CS-IN-048', p, x), 'Size.gibibytes(15)');
    return new ModelSize(bytes, size.asString(), 'ModelSize.of', undefined);
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
    if (!Object.prototype.hasOwnProperty.call(BYTES_PER_PARAMETER, precision)) {
      fail('ModelSize.fromParameters', 'CS-IN-048', `precision "${String(precision)}" is not a Precision`, `pass one of Precision.${Object.keys(Precision).join(', Precision.')}`);
    }
    const bytes = Math.ceil(parameters * BYTES_PER_PARAMETER[precision]);
    return new ModelSize(bytes, `${parameters / 1e9}B parameters in ${precision}`, 'ModelSize.fromParameters', parameters);
  }

  /** Bytes of weights. */
  public readonly bytes: number;
  /** How the size was given, for reports and messages. */
  public readonly description: string;
  /**
   * Parameters, when the size was given as a parameter count; the estimate
   * otherwise assumes 16-bit weights.
   */
  public readonly parameters?: number;

  private constructor(bytes: number, description: string, factory: string, parameters: number | undefined) {
    if (!Number.isFinite(bytes) || bytes <= 0) {
      fail(factory, 'CS-IN-048', `the model size must be positive, got ${bytes} bytes (${description})`, 'give the size of the weights on disk');
    }
    this.bytes = bytes;
    this.description = description;
    this.parameters = parameters;
  }

  /** The size in GB (10^9 bytes), as published figures quote it. */
  public get gigabytes(): number {
    return this.bytes / 1e9;
  }
}
