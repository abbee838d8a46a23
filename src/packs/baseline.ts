import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { IAspect } from '../aspects/aspects';
import { RuleReport } from '../aspects/findings-report';
import { RuleSuppressions } from '../aspects/suppressions';
import { CloudProvider, Environment } from '../profile';
import { BASELINE_RULES } from '../rules';
import { Rule, RuleContext } from '../rules/rule';

/**
 * Props of the baseline pack.
 */
export interface ColdStartBaselineProps {
  /**
   * The cloud the app targets: with `GENERIC`, any cloud-specific object or
   * key is an error (CS-PRF-001).
   * @default CloudProvider.GENERIC
   */
  readonly cloud?: CloudProvider;

  /**
   * The environment: production also requires a persistent cache (CS-RT-003).
   * @default Environment.LAB
   */
  readonly environment?: Environment;

  /**
   * The cluster's region: images from a regional registry elsewhere are
   * reported (CS-IMG-003).
   * @default - no region checks
   */
  readonly region?: string;
}

/**
 * The baseline cold-start rules (see RULES.md) as an aspect. It judges every
 * ApiObject under the scope it is added to: ours, cdk8s-plus workloads, raw
 * ApiObjects and Included YAML alike.
 *
 * @example
 * Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
 */
export class ColdStartBaseline implements IAspect {
  /** The cloud checked against. */
  public readonly cloud: CloudProvider;
  /** The environment checked against. */
  public readonly environment: Environment;
  /** The region checked against, when set. */
  public readonly region?: string;
  private readonly rules: readonly Rule[] = BASELINE_RULES;

  constructor(props: ColdStartBaselineProps = {}) {
    this.cloud = props.cloud ?? CloudProvider.GENERIC;
    this.environment = props.environment ?? Environment.LAB;
    this.region = props.region;
  }

  /** Ids of the rules in the pack. */
  public get ruleIds(): string[] {
    return this.rules.map(r => r.id);
  }

  /** Objects visited in this validation pass, judged once every aspect has run. */
  private pending: ApiObject[] = [];

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
  public _afterVisits(): void {
    const objects = this.pending;
    this.pending = [];
    if (!objects.length) return;
    const root = objects[0].node.root;
    const json = new Map<ApiObject, any>();
    const jsonOf = (o: ApiObject) => {
      let j = json.get(o);
      if (j === undefined) json.set(o, j = o.toJson());
      return j;
    };
    let all: any[] | undefined;
    const context: RuleContext = {
      cloud: this.cloud,
      environment: this.environment,
      region: this.region,
      objects: () => all ??= root.node.findAll().filter(ApiObject.isApiObject).map(o => jsonOf(o as ApiObject)),
    };
    const report = RuleReport.of(root);
    for (const obj of objects) this.check(obj, jsonOf(obj), context, report);
  }

  private check(obj: ApiObject, json: any, context: RuleContext, report: RuleReport): void {
    for (const rule of this.rules) {
      for (const v of rule.check(json, context)) {
        const suppression = RuleSuppressions._find(obj, rule.id);
        if (suppression) exemptExternally(obj, rule, suppression.reason);
        report.record({
          ruleId: rule.id,
          level: rule.level,
          summary: rule.summary,
          path: obj.node.path,
          object: `${json.kind}/${json.metadata?.name}`,
          namespace: json.metadata?.namespace,
          value: v.value,
          message: v.message,
          fix: v.fix ?? rule.fix,
          suppressed: suppression?.reason,
        });
      }
    }
  }
}

/** So kube-linter and Polaris agree with a suppression of the equivalent check. */
function exemptExternally(obj: ApiObject, rule: Rule, reason: string): void {
  if (rule.kubeLinterCheck) obj.metadata.addAnnotation(`ignore-check.kube-linter.io/${rule.kubeLinterCheck}`, reason);
  if (rule.polarisCheck) obj.metadata.addAnnotation(`polaris.fairwinds.com/${rule.polarisCheck}-exempt`, 'true');
}
