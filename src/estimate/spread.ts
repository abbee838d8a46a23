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
