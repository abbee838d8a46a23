const BRAND = Symbol.for('cdk8s-coldstart.ColdStartError');

// jsii cannot model a subclass of Error (JSII3001; aws/jsii#50), and refuses
// `extends Error` even on an @internal class (JSII3004). Through a base class
// the module does not export, the @internal ColdStartError below compiles:
// TypeScript and JavaScript import it from the package, jsii leaves it out.
class ErrorBase extends Error {}

/**
 * The error every invalid input throws, at construction or when a factory
 * (`WeightSource.*`, `Backend.*` ...) is called. Match on `code` rather than
 * on the message: the ids are listed in the README ("Errors").
 *
 * The message is `<constructPath>: [<code>] <problem>. Fix: <fix>`.
 *
 * Exported to TypeScript and JavaScript; `@internal` to jsii (see ErrorBase),
 * so other languages get the message only, and `ColdStartErrors.isColdStartError()`
 * is the check they can call (AWS CDK's `Errors.isValidationError()` pattern).
 * @internal
 */
export class ColdStartError extends ErrorBase {
  /** The error id, e.g. `CS-IN-017` or `CS-IMG-001`. */
  public readonly code: string;

  /**
   * Path of the construct whose input is invalid, or the name of the factory
   * (e.g. `WeightSource.objectStorage`) when the error is raised before any
   * construct exists.
   */
  public readonly constructPath: string;

  /** What is wrong. */
  public readonly problem: string;

  /** How to correct it. */
  public readonly fix: string;

  constructor(code: string, constructPath: string, problem: string, fix: string) {
    super(`${constructPath}: [${code}] ${problem}. Fix: ${fix}`);
    Object.defineProperty(this, BRAND, { value: true });
    this.name = 'ColdStartError';
    this.code = code;
    this.constructPath = constructPath;
    this.problem = problem;
    this.fix = fix;
  }
}

/**
 * Checks on the errors this library throws.
 */
export class ColdStartErrors {
  /**
   * True when `x` is a `ColdStartError`, also one thrown by another copy of
   * this library in the same process (where `instanceof` fails).
   */
  public static isColdStartError(x: any): boolean {
    return x !== null && typeof x === 'object' && BRAND in x;
  }

  private constructor() {}
}
