import { IConstruct } from 'constructs';
import { BASELINE_RULES } from '../rules';

/**
 * A rule switched off for a construct and everything under it.
 */
export interface RuleSuppression {
  /** The rule id, e.g. `CS-RT-001`. */
  readonly id: string;
  /** Why, in at least 10 characters: it is listed in the report. */
  readonly reason: string;
}

const KEY = Symbol.for('cdk8s-coldstart.Suppressions');
const MIN_REASON = 10;

/**
 * Suppress rules on a construct (its whole subtree) or on one ApiObject.
 */
export class RuleSuppressions {
  /**
   * Suppresses `suppressions` on `scope` and everything under it.
   */
  public static add(scope: IConstruct, suppressions: RuleSuppression[]): void {
    const known = new Set(BASELINE_RULES.map(r => r.id));
    for (const s of suppressions) {
      if (!known.has(s.id)) {
        throw new Error(`${scope.node.path}: suppression of unknown rule "${s.id}". Fix: use one of ${[...known].join(', ')}`);
      }
      if (!s.reason || s.reason.trim().length < MIN_REASON) {
        throw new Error(`${scope.node.path}: suppression of ${s.id} needs a reason of at least ${MIN_REASON} characters, got "${s.reason ?? ''}". Fix: say why the rule does not apply here`);
      }
    }
    const node = scope as any;
    if (!node[KEY]) Object.defineProperty(node, KEY, { value: [], enumerable: false });
    node[KEY].push(...suppressions.map(s => ({ id: s.id, reason: s.reason.trim() })));
  }

  /**
   * The suppression of `id` nearest to `node` (itself, then its ancestors).
   * @internal
   */
  public static _find(node: IConstruct, id: string): RuleSuppression | undefined {
    for (const scope of [...node.node.scopes].reverse()) {
      const found = ((scope as any)[KEY] as RuleSuppression[] | undefined)?.find(s => s.id === id);
      if (found) return found;
    }
    return undefined;
  }
}
