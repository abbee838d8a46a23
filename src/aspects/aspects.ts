import { IConstruct } from 'constructs';
import { RuleReport } from './findings-report';
import { RuleSuppressions } from './suppressions';

/**
 * Visits constructs before any manifest is written.
 */
export interface IAspect {
  /** Called once for every construct under the scope the aspect was added to. */
  visit(node: IConstruct): void;
}

/**
 * An aspect that finishes its work once every aspect has visited the tree
 * (a rule pack: it collects objects while visiting and judges them after).
 * @internal
 */
export interface IDeferredAspect extends IAspect {
  /** `root`: the app being validated, whose report the pack records into. */
  _afterVisits(root: IConstruct): void;
}

const ASPECTS = Symbol.for('cdk8s-coldstart.Aspects');
const INSTALLED = Symbol.for('cdk8s-coldstart.Aspects.installed');

/**
 * Aspects for cdk8s, which has none of its own. They run when the app is
 * validated, which `app.synth()`, `app.synthYaml()`, `cdk8s synth` and
 * `Testing.synth()` all do before writing anything: adding an aspect is enough,
 * nothing else has to be called.
 */
export class Aspects {
  /**
   * The aspects of a scope.
   */
  public static of(scope: IConstruct): Aspects {
    const s = scope as any;
    if (!s[ASPECTS]) {
      Object.defineProperty(s, ASPECTS, { value: new Aspects(scope), enumerable: false });
    }
    return s[ASPECTS];
  }

  private readonly aspects: IAspect[] = [];

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Adds an aspect: it will visit this scope and everything under it.
   */
  public add(aspect: IAspect): void {
    if (this.aspects.includes(aspect)) return;
    this.aspects.push(aspect);
    install(this.scope.node.root);
  }

  /** The aspects added to this scope. */
  public get all(): IAspect[] {
    return [...this.aspects];
  }
}

/**
 * Hooks the root's validation once. cdk8s validates the tree in pre-order, so
 * the root's validation runs first and sees the whole app.
 */
function install(root: IConstruct): void {
  const r = root as any;
  if (r[INSTALLED]) return;
  Object.defineProperty(r, INSTALLED, { value: true, enumerable: false });
  root.node.addValidation({
    validate: () => {
      const applied = new Set<IAspect>();
      applyAspects(root, [], applied);
      // Packs judge the app as every aspect left it, and serialize each object once.
      for (const aspect of applied) (aspect as Partial<IDeferredAspect>)._afterVisits?.(root);
      const report = RuleReport.of(root);
      // Only now is every pack, and so every rule a suppression may name, known.
      RuleSuppressions._verify(root, report.ruleIds);
      // Throws with every rule error at once, in our own format rather than cdk8s' one-line-per-construct list.
      report.conclude();
      return [];
    },
  });
}

/** The aspects that have visited a construct: the one aspect (most apps have one), or a list of them. */
const VISITED = Symbol.for('cdk8s-coldstart.Aspects.visited');

/**
 * Top-down: a construct is visited by the aspects of all its ancestors, then
 * its own, each aspect at most once per construct across repeated syntheses.
 * Children are read after the visit, so constructs an aspect adds are visited too.
 * The visited aspects are kept on the construct: a weak set per aspect, filled with every construct of the app,
 * cost more at synth and in the collector.
 */
function applyAspects(node: IConstruct, inherited: IAspect[], applied: Set<IAspect>): void {
  const own = (node as any)[ASPECTS] as Aspects | undefined;
  const aspects = own ? [...inherited, ...own.all] : inherited;
  for (let i = 0; i < aspects.length; i++) {
    const aspect = aspects[i];
    applied.add(aspect);
    if (!firstVisit(node as any, aspect)) continue;
    aspect.visit(node);
  }
  const children = node.node.children;
  for (let i = 0; i < children.length; i++) applyAspects(children[i], aspects, applied);
}

/** Records that `aspect` visits `node`; false if it already has. */
function firstVisit(node: any, aspect: IAspect): boolean {
  const seen: IAspect | IAspect[] | undefined = node[VISITED];
  if (seen === undefined) {
    Object.defineProperty(node, VISITED, { value: aspect, writable: true, enumerable: false });
    return true;
  }
  if (seen === aspect) return false;
  if (!Array.isArray(seen)) {
    node[VISITED] = [seen, aspect];
    return true;
  }
  if (seen.includes(aspect)) return false;
  seen.push(aspect);
  return true;
}
