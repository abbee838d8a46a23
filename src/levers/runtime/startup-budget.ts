import { Duration } from 'cdk8s';

/** Kubernetes gives up on a pod that is not up by then (FACTS: KServe uses 60 x 30 s). */
const FLOOR_SECONDS = 300;
/** vLLM spends ~17 s before engine init (vllm#21051); engine init, profiling and warmup add ~40 s. */
const INIT_SECONDS = 60;
/** torch.compile (~29 s on one log) plus CUDA graph capture (< 10 s, up to 65 s reported). */
const COMPILE_SECONDS = 60;
/** A conservative read rate for local weights: the budget must hold on a slow disk too. */
const READ_BYTES_PER_SECOND = 250e6;
/** The budget is twice the expectation: a slow wake must not be killed mid-load. */
const SAFETY_FACTOR = 2;

/**
 * Expected seconds from container start to `/health` 200: process start and
 * engine init, the weight read, and compile plus graph capture unless eager.
 * @internal
 */
export function expectedStartupSeconds(weightBytes: number, eager: boolean): number {
  return INIT_SECONDS + (eager ? 0 : COMPILE_SECONDS) + weightBytes / READ_BYTES_PER_SECOND;
}

/**
 * The startup probe budget: twice the expected startup, at least 5 minutes,
 * rounded up to whole probe periods.
 * @internal
 */
export function startupBudget(weightBytes: number, eager: boolean, periodSeconds: number): Duration {
  const seconds = Math.max(FLOOR_SECONDS, SAFETY_FACTOR * expectedStartupSeconds(weightBytes, eager));
  return Duration.seconds(Math.ceil(seconds / periodSeconds) * periodSeconds);
}

/** @internal */
export const MIN_STARTUP_BUDGET_SECONDS = FLOOR_SECONDS;
