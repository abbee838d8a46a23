import { IConstruct } from 'constructs';
import { RULE_ID } from '../rules/rule';

/**
 * A rule switched off for a construct and everything under it.
 */
export interface RuleSuppression {
  /** The rule id, e.g. `CS-RT-001`, of a baseline rule or of a rule of your own pack. */
  readonly id: string;
  /** Why, in at least 10 characters: it is listed in the report. */
  readonly reason: string;
}

const KEY = Symbol.for('cdk8s-coldstart.Suppressions');
/** Every suppression under a root, with its scope, checked once the packs have judged. */
const ALL = Symbol.for('cdk8s-coldstart.Suppressions.all');
const MIN_REASON = 10;

interface Added {
  readonly scope: IConstruct;
  readonly id: string;
}

/**
 * Suppress rules on a construct (its whole subtree) or on one ApiObject.
 * Custom rules are suppressed like the baseline's: the pack that owns a rule
 * need not exist yet when its suppression is added, so a suppression naming
 * no rule of any pack fails synth once the packs have judged.
 */
export class RuleSuppressions {
  /**
   * Suppresses `suppressions` on `scope` and everything under it.
   */
  public static add(scope: IConstruct, suppressions: RuleSuppression[]): void {
    for (const s of suppressions) {
      if (typeof s.id !== 'string' || !RULE_ID.test(s.id)) {
        throw new Error(`${scope.node.path}: suppression of unknown rule "${s.id}": not a rule id. Fix: use the id of a rule, e.g. CS-RT-001 (see RULES.md) or one of your own pack's`);
      }
      if (!s.reason || s.reason.trim().length < MIN_REASON) {
        throw new Error(`${scope.node.path}: suppression of ${s.id} needs a reason of at least ${MIN_REASON} characters, got "${s.reason ?? ''}". Fix: say why the rule does not apply here`);
      }
    }
    const node = scope as any;
    if (!node[KEY]) Object.defineProperty(node, KEY, { value: [], enumerable: false });
    node[KEY].push(...suppressions.map(s => ({ id: s.id, reason: s.reason.trim() })));
    const root = scope.node.root as any;
    if (!root[ALL]) Object.defineProperty(root, ALL, { value: [], enumerable: false });
    root[ALL].push(...suppressions.map((s): Added => ({ scope, id: s.id })));
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

  /**
   * Throws if a suppression under `root` names none of `known`, the rules of
   * the packs that judged the app: it would silently suppress nothing. An app
   * no pack judged has nothing to check against.
   * @internal
   */
  public static _verify(root: IConstruct, known: ReadonlySet<string>): void {
    if (!known.size) return;
    const unknown = (((root as any)[ALL] ?? []) as Added[]).filter(s => !known.has(s.id));
    if (unknown.length) {
      throw new Error(unknown.map(s => `${s.scope.node.path}: suppression of unknown rule "${s.id}". Fix: use one of ${[...known].join(', ')}`).join('\n'));
    }
  }
}
