import { Duration } from 'cdk8s';

/** Kubernetes gives up on a pod that is not up by then (FACTS: KServe uses 60 x 30 s). */
const FLOOR_SECONDS = 300;
/** A margin over the slow case: a wake slower than every published source must still not be killed mid-load. */
const SAFETY_FACTOR = 1.25;

/**
 * The startup probe budget from the slow case of the cold-start estimate of
 * container start -> `/health` (weight load + runtime; image pull and node
 * provisioning happen before the container starts, so the probe never waits
 * for them): the slow end plus a quarter, at least 5 minutes, rounded up to
 * whole probe periods.
 * @internal
 */
export function startupBudget(slowStartupSeconds: number, periodSeconds: number): Duration {
  const seconds = Math.max(FLOOR_SECONDS, SAFETY_FACTOR * slowStartupSeconds);
  return Duration.seconds(Math.ceil(seconds / periodSeconds) * periodSeconds);
}

/** @internal */
export const MIN_STARTUP_BUDGET_SECONDS = FLOOR_SECONDS;
