import { IConstruct } from 'constructs';

/**
 * Throws a construction-time error that names the construct path, the rule id
 * (when a baseline rule covers the same invariant) and the fix, so the message
 * alone is enough to correct the app.
 * @internal
 */
export function fail(scope: IConstruct, ruleId: string, problem: string, fix: string): never {
  throw new Error(`${scope.node.path}: [${ruleId}] ${problem}. Fix: ${fix}`);
}
