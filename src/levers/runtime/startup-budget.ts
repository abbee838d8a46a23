import { Duration } from 'cdk8s';

/** Kubernetes gives up on a pod that is not up by then (FACTS: KServe uses 60 x 30 s). */
const FLOOR_SECONDS = 300;
/** The budget is twice the estimate: a slow wake must not be killed mid-load. */
const SAFETY_FACTOR = 2;

/**
 * The startup probe budget from the cold-start estimate of container start ->
 * `/health` (weight load + runtime; image pull and node provisioning happen
 * before the container starts, so the probe never waits for them): twice the
 * estimate, at least 5 minutes, rounded up to whole probe periods.
 * @internal
 */
export function startupBudget(expectedStartupSeconds: number, periodSeconds: number): Duration {
  const seconds = Math.max(FLOOR_SECONDS, SAFETY_FACTOR * expectedStartupSeconds);
  return Duration.seconds(Math.ceil(seconds / periodSeconds) * periodSeconds);
}

/** @internal */
export const MIN_STARTUP_BUDGET_SECONDS = FLOOR_SECONDS;
