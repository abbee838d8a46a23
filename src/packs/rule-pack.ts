import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IAspect } from '../aspects/aspects';
import { RuleReport } from '../aspects/findings-report';
import { RuleSuppressions } from '../aspects/suppressions';
import { ManifestObject } from '../private/manifest-object';
import { redact } from '../private/redact';
import { CloudProvider, Environment } from '../profile';
import { _forgetViews, _forgetViewsOf, isMap, podsOf, vllmContainers } from '../rules/pods';
import { _readsOnly, Rule, RuleContext, Violation } from '../rules/rule';

/**
 * Props of a rule pack.
 */
export interface RulePackProps {
  /**
   * The pack's rules. Each object is judged by them in this order, which is
   * the order of its findings.
   */
  readonly rules: Rule[];

  /**
   * The cloud the rules see in their context.
   * @default CloudProvider.GENERIC
   */
  readonly cloud?: CloudProvider;

  /**
   * The environment the rules see in their context.
   * @default Environment.LAB
   */
  readonly environment?: Environment;

  /**
   * The region the rules see in their context.
   * @default - no region
   */
  readonly region?: string;
}

/**
 * Rules as an aspect. It judges every ApiObject under the scope it is added
 * to (ours, cdk8s-plus workloads, raw ApiObjects and Included YAML alike) once
 * every aspect has run, honours `RuleSuppressions` and the
 * `coldstart.cdk8s.io/suppress` annotation (`RULE-ID: reason; ...`), and records its findings
 * in the app's report: errors fail synth, warnings are printed, and all of
 * them are written to `coldstart-findings.jsonl`. Extend it with your own rules.
 *
 * @example
 * class AcmePack extends RulePack {
 *   constructor() { super({ rules: [new RequireTeamLabel()] }); }
 * }
 * Aspects.of(app).add(new AcmePack());
 */
export abstract class RulePack implements IAspect {
  /** The rules, in the order each object is judged by them. */
  public readonly rules: Rule[];
  /** The cloud checked against. */
  public readonly cloud: CloudProvider;
  /** The environment checked against. */
  public readonly environment: Environment;
  /** The region checked against, when set. */
  public readonly region?: string;

  /** Objects visited in this validation pass, judged once every aspect has run. */
  private pending: ApiObject[] = [];

  constructor(props: RulePackProps) {
    const ids = new Set<string>();
    for (const rule of props.rules) {
      // Suppressions and the report name a rule by its id alone.
      if (ids.has(rule.id)) throw new Error(`${new.target.name}: rule ${rule.id} is in the pack twice. Fix: give each rule its own id`);
      ids.add(rule.id);
    }
    this.rules = [...props.rules];
    this.cloud = props.cloud ?? CloudProvider.GENERIC;
    this.environment = props.environment ?? Environment.LAB;
    this.region = props.region;
  }

  /** Ids of the rules in the pack. */
  public get ruleIds(): string[] {
    return this.rules.map(r => r.id);
  }

  /** Collects the ApiObjects; they are judged once every aspect has visited, so they are judged as the aspects left them. */
  public visit(node: IConstruct): void {
    if (ApiObject.isApiObject(node)) this.pending.push(node as ApiObject);
  }

  /**
   * Judges the objects collected in this pass. Running after every aspect means
   * the rules see what other aspects changed, and each object is serialized once
   * per pass, including for the rules that relate objects (CS-SLP-001), which
   * would otherwise serialize the whole app at every Service they visit.
   * @internal
   */
  public _afterVisits(root: IConstruct): void {
    const report = RuleReport.of(root);
    for (const rule of this.rules) report.ruleIds.add(rule.id);
    const objects = this.pending;
    this.pending = [];
    if (!objects.length) return;
    const json = new Map<ApiObject, any>();
    const jsonOf = (o: ApiObject) => {
      let j = json.get(o);
      if (j === undefined) json.set(o, j = ManifestObject.isManifestObject(o) ? o._judge() : o.toJson());
      return j;
    };
    const context = RuleContext._lazy(
      { cloud: this.cloud, environment: this.environment, region: this.region },
      () => {
        const all = root.node.findAll();
        const apiObjects: ApiObject[] = [];
        const rendered: any[] = [];
        for (let i = 0; i < all.length; i++) {
          const o = all[i];
          if (!ApiObject.isApiObject(o)) continue;
          apiObjects.push(o as ApiObject);
          rendered.push(jsonOf(o as ApiObject));
        }
        return { json: rendered, path: (i: number) => apiObjects[i].node.path };
      },
    );
    // Read once per pass: `rules` is a public array.
    const reads = this.rules.map(_readsOnly);
    try {
      for (const obj of objects) this.check(obj, jsonOf(obj), context, report, reads);
    } finally {
      // The JSON lives on until it is written; the views the rules made of it need not.
      _forgetViews();
    }
  }

  private check(obj: ApiObject, json: any, context: RuleContext, report: RuleReport, reads: number[]): void {
    // `kind: List` (and `*List`) carries its objects in `items`: each is judged as an object of its own.
    if (!isList(json)) {
      this.checkOne(obj, json, context, report, reads);
      // No rule reads them again this pass but a relational one, which reads every object's once per pass.
      _forgetViewsOf(json);
      return;
    }
    for (const doc of json.items.filter(isMap)) {
      this.checkOne(obj, doc, context, report, reads);
      _forgetViewsOf(doc);
    }
  }

  private checkOne(obj: ApiObject, json: any, context: RuleContext, report: RuleReport, reads: number[]): void {
    const annotated = RuleSuppressions._fromAnnotation(obj, json);
    const skip = _skipped(json);
    // Indexed loops: this runs for every object and rule, mostly before the JIT has optimized it, where `for...of` makes an iterator each time.
    const rules = this.rules;
    for (let r = 0; r < rules.length; r++) {
      if (reads[r] !== 0 && reads[r] <= skip) continue;
      const rule = rules[r];
      // The rule's call inline, not through a function of its own: a call less for every object and rule.
      let found: Violation[];
      try {
        const f = rule.check(json, context);
        found = Array.isArray(f) ? f : [...f];
      } catch {
        found = malformed(rule, json);
      }
      for (let i = 0; i < found.length; i++) {
        const v = found[i];
        const suppression = RuleSuppressions._find(obj, rule.id) ?? annotated.find(s => s.id === rule.id);
        if (suppression) exemptExternally(obj, rule, suppression.reason);
        report.record({
          ruleId: rule.id,
          level: rule.level,
          summary: rule.summary,
          path: obj.node.path,
          object: `${json.kind}/${json.metadata?.name}`,
          namespace: json.metadata?.namespace,
          // Findings are printed, written to the report and read in CI: no rule, ours or a user's, may leak a credential there.
          value: redact(String(v.value)),
          message: redact(String(v.message)),
          fix: redact(String(v.fix ?? rule.fix)),
          suppressed: suppression?.reason,
        });
      }
    }
  }
}

/**
 * The rules not called on an object, as a `_readsOnly` level: most objects of an app hold no pod
 * (PriorityClasses, claims, Services) or no vLLM (pre-pull, placeholders), and the rules that read only
 * those find nothing there. An object whose pods cannot be read is left to every rule but the
 * InferenceService ones.
 * @internal
 */
export function _skipped(json: any): number {
  if (json?.kind === 'InferenceService') return 0;
  try {
    return podsOf(json).length === 0 ? 3 : vllmContainers(json).length === 0 ? 2 : 1;
  } catch {
    return 1;
  }
}

function isList(json: any): boolean {
  return typeof json?.kind === 'string' && json.kind.endsWith('List') && Array.isArray(json.items);
}

/**
 * The finding of a rule that threw on a malformed object (a container that is
 * not a map, `command: 123`): one finding naming the object, never an
 * exception out of synth or the checker.
 */
function malformed(rule: Rule, json: any): Violation[] {
  return [{
    value: 'malformed object',
    message: `${json?.kind ?? '?'}/${json?.metadata?.name ?? '?'} is malformed where rule ${rule.id} reads it (rule CS-WL-002 names the field)`,
    fix: 'make the object match its schema: containers, env, volumeMounts and volumes are lists of maps, command and args lists of strings',
  }];
}

/** So kube-linter and Polaris agree with a suppression of the equivalent check. */
function exemptExternally(obj: ApiObject, rule: Rule, reason: string): void {
  if (rule.kubeLinterCheck) obj.metadata.addAnnotation(`ignore-check.kube-linter.io/${rule.kubeLinterCheck}`, reason);
  if (rule.polarisCheck) obj.metadata.addAnnotation(`polaris.fairwinds.com/${rule.polarisCheck}-exempt`, 'true');
}
