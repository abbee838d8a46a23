const MI = 1024 ** 2;
const GI = 1024 ** 3;

/**
 * Bytes as a Kubernetes quantity: whole Gi when exact, else Mi rounded up
 * (never down: a memory limit rounded down is an OOM kill waiting to happen).
 * @internal
 */
export function bytesToQuantity(bytes: number): string {
  if (bytes % GI === 0) return `${bytes / GI}Gi`;
  return `${Math.ceil(bytes / MI)}Mi`;
}

/** @internal */
export const GIB = GI;
