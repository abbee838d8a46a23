/**
 * The three cases the estimate computes: every coefficient has a fast, an
 * expected and a slow value from the spread of its sources, and each case
 * takes the same end of every coefficient. The slow case is what budgets and
 * deadlines are sized from.
 * @internal
 */
export enum Scenario {
  FAST = 0,
  EXPECTED = 1,
  SLOW = 2,
}

/**
 * A coefficient's value in each case: `[fast, expected, slow]`. For a rate
 * the fast value is the largest; for a duration the smallest.
 * @internal
 */
export type Spread = readonly [number, number, number];

/** @internal */
export const SCENARIOS: readonly Scenario[] = [Scenario.FAST, Scenario.EXPECTED, Scenario.SLOW];

/** A value that is the same in every case. @internal */
export function exact(v: number): Spread {
  return [v, v, v];
}

/** Every value of a spread times a factor. @internal */
export function scaled(s: Spread, factor: number): Spread {
  return [s[0] * factor, s[1] * factor, s[2] * factor];
}
