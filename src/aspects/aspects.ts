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
  const visited = new WeakMap<IAspect, WeakSet<IConstruct>>();
  root.node.addValidation({
    validate: () => {
      const applied = new Set<IAspect>();
      applyAspects(root, [], visited, applied);
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

/**
 * Top-down: a construct is visited by the aspects of all its ancestors, then
 * its own, each aspect at most once per construct across repeated syntheses.
 * Children are read after the visit, so constructs an aspect adds are visited too.
 */
function applyAspects(node: IConstruct, inherited: IAspect[], visited: WeakMap<IAspect, WeakSet<IConstruct>>, applied: Set<IAspect>): void {
  const own = (node as any)[ASPECTS] as Aspects | undefined;
  const aspects = own ? [...inherited, ...own.all] : inherited;
  for (const aspect of aspects) {
    applied.add(aspect);
    let seen = visited.get(aspect);
    if (!seen) visited.set(aspect, seen = new WeakSet());
    if (seen.has(node)) continue;
    seen.add(node);
    aspect.visit(node);
  }
  for (const child of node.node.children) applyAspects(child, aspects, visited, applied);
}
