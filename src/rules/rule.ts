import { CloudProvider, Environment } from '../profile';

/**
 * How bad a finding is.
 */
export enum RuleLevel {
  /** Fails synth unless suppressed with a reason. */
  ERROR = 'error',
  /** Printed and reported; synth goes on. */
  WARNING = 'warning',
}

/** One thing a rule found on one object. @internal */
export interface Violation {
  /** The offending value as found (an image, a flag, a size). */
  readonly value: string;
  /** What is wrong, naming the container or field. */
  readonly message: string;
  /** The fix for this object, when more specific than the rule's. */
  readonly fix?: string;
}

/** What a rule may know besides the object: the pack's profile. @internal */
export interface RuleContext {
  readonly cloud: CloudProvider;
  readonly environment: Environment;
  /**
   * Every object of the app as synthesized JSON, for rules that relate
   * objects (a Service and the pods it selects). Computed on demand, once per
   * validation pass.
   */
  readonly objects?: () => any[];
  /** The cluster's region, when the profile sets one (registry region checks). */
  readonly region?: string;
}

/**
 * A rule reads one synthesized object (JSON, as it will be written) and never
 * our props, so it judges objects the user wrote just the same.
 * @internal
 */
export interface Rule {
  /** Stable id, e.g. `CS-IMG-001`. */
  readonly id: string;
  readonly level: RuleLevel;
  /** One line. */
  readonly summary: string;
  /** Why it matters. */
  readonly explanation: string;
  /** How to fix it in general. */
  readonly fix: string;
  /** The equivalent kube-linter check, whose exemption a suppression also writes. */
  readonly kubeLinterCheck?: string;
  /** The equivalent Polaris check, whose exemption a suppression also writes. */
  readonly polarisCheck?: string;
  check(obj: any, context: RuleContext): Violation[];
}
