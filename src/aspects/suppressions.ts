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
  /** Where it was written, when not by `RuleSuppressions.add` (an annotation). */
  readonly source?: string;
}

/**
 * The annotation that suppresses rules on the object that carries it, for
 * manifests written outside cdk8s (Helm, Kustomize) and read by the checker or
 * `Include`: `RULE-ID: reason` entries separated by `;` or new lines.
 * @internal
 */
export const SUPPRESS_ANNOTATION = 'coldstart.cdk8s.io/suppress';

/**
 * The suppressions of an annotation value, or what is wrong with it (every
 * problem, so one run reports them all).
 * @internal
 */
export function parseSuppressAnnotation(value: unknown): { suppressions: RuleSuppression[]; problems: string[] } {
  if (typeof value !== 'string') return { suppressions: [], problems: [`the value must be a string, got ${typeof value}`] };
  const suppressions: RuleSuppression[] = [];
  const problems: string[] = [];
  for (const entry of value.split(/[;\n]/).map(e => e.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = (colon < 0 ? entry : entry.slice(0, colon)).trim();
    const reason = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (!RULE_ID.test(id)) {
      problems.push(`"${entry}" does not start with a rule id`);
    } else if (reason.length < MIN_REASON) {
      problems.push(`${id} needs a reason of at least ${MIN_REASON} characters, got "${reason}"`);
    } else if (suppressions.some(s => s.id === id)) {
      problems.push(`${id} is named twice`);
    } else {
      suppressions.push({ id, reason });
    }
  }
  if (!suppressions.length && !problems.length) problems.push('it names no rule');
  return { suppressions, problems };
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
   * The suppressions written in the `coldstart.cdk8s.io/suppress` annotation of
   * `obj` (its synthesized `json`). They name rules of any pack, so they are
   * checked against the known rules with the others, in `_verify`.
   * @internal
   */
  public static _fromAnnotation(obj: IConstruct, json: any): RuleSuppression[] {
    const annotations = json?.metadata?.annotations;
    if (!annotations || !(SUPPRESS_ANNOTATION in annotations)) return [];
    const where = `${json.kind}/${json.metadata?.name} (${obj.node.path})`;
    const { suppressions, problems } = parseSuppressAnnotation(annotations[SUPPRESS_ANNOTATION]);
    if (problems.length) {
      throw new Error(`${where}: annotation ${SUPPRESS_ANNOTATION}: ${problems.join('; ')}. Fix: write "RULE-ID: reason" entries separated by ';' or new lines, each reason at least ${MIN_REASON} characters`);
    }
    const root = obj.node.root as any;
    if (!root[ALL]) Object.defineProperty(root, ALL, { value: [], enumerable: false });
    const all = root[ALL] as Added[];
    // Every pack reads the annotation: record each suppression once.
    for (const s of suppressions) {
      if (!all.some(a => a.scope === obj && a.id === s.id && a.source)) all.push({ scope: obj, id: s.id, source: `annotation ${SUPPRESS_ANNOTATION} of ${json.kind}/${json.metadata?.name}` });
    }
    return suppressions;
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
      throw new Error(unknown.map(s => `${s.scope.node.path}: ${s.source ? `${s.source}: ` : ''}suppression of unknown rule "${s.id}". Fix: use one of ${[...known].join(', ')}`).join('\n'));
    }
  }
}
