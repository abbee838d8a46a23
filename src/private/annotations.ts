/**
 * Annotations the library writes so that rules can read, from the object
 * itself, facts the props knew. A hand-written object can carry them too.
 */

/** Seconds the model is expected to take from container start to `/health` (CS-RT-004). @internal */
export const EXPECTED_STARTUP_ANNOTATION = 'coldstart.cdk8s.io/expected-startup-seconds';

/** Comma-separated Knative feature flags the cluster has enabled (CS-KSV-002). @internal */
export const KNATIVE_FEATURES_ANNOTATION = 'coldstart.cdk8s.io/knative-features';
