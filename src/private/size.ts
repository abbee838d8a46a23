import { Size, SizeRoundingBehavior } from 'cdk8s';

/** Above this a byte count loses whole-byte precision; no pod or volume is that large. */
const MAX_BYTES = Number.MAX_SAFE_INTEGER;

/** Throws the caller's CS- error (the caller names the id, so every id stays at a fail() call). @internal */
export type Refuse = (problem: string, fix: string) => never;

/**
 * Whole bytes in a Size, rounded up (3.42 GiB is not a whole number of KiB,
 * and cdk8s' strict conversions throw on it). NaN when the amount is not finite.
 * @internal
 */
export function bytesIn(size: Size): number {
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  return Number.isFinite(kib) ? Math.ceil(kib * 1024) : NaN;
}

/**
 * Bytes of a Size prop the user gave; `refuse` for what is not a Size (jsii
 * callers can pass anything) or not a positive, finite amount.
 * @internal
 */
export function positiveBytes(prop: string, size: unknown, refuse: Refuse, example = 'Size.gibibytes(16)'): number {
  if (typeof (size as Size | undefined)?.toKibibytes !== 'function' || typeof (size as Size).asString !== 'function') {
    refuse(`${prop} is not a Size`, `pass a cdk8s Size, e.g. ${example}`);
  }
  const s = size as Size;
  const bytes = bytesIn(s);
  if (!(bytes > 0 && bytes <= MAX_BYTES)) {
    refuse(`${prop} ${s.asString()} is not a positive, finite size`, `give a positive, finite Size, e.g. ${example}`);
  }
  return bytes;
}
