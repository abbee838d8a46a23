import { ApiObject, App, Chart } from 'cdk8s';
// Types only: at runtime the CLI hands us its own objects, and cdk8s-cli is not
// resolvable from an installed plugin.
import type { ValidationContext, ValidationViolatingResource } from 'cdk8s-cli/plugins';
import { Finding, Findings } from '../aspects/findings';
import { ColdStartBaseline } from '../packs/baseline';
import { CloudProvider, Environment } from '../profile';
import { RuleLevel } from '../rules/rule';

/**
 * Properties of the validation plugin: the `properties` of its entry under
 * `validations:` in `cdk8s.yaml`.
 */
export interface ColdStartValidationProps {
  /**
   * The environment checked against (`lab` or `production`): production also
   * requires a persistent cache (CS-RT-003).
   * @default Environment.LAB
   */
  readonly environment?: Environment;

  /**
   * The cloud checked against (`generic`, `gke` or `eks`): with `generic`, any
   * cloud-specific object or key is an error (CS-PRF-001).
   * @default CloudProvider.GENERIC
   */
  readonly cloud?: CloudProvider;

  /**
   * The cluster's region: images from a regional registry elsewhere are
   * reported (CS-IMG-003).
   * @default - no region checks
   */
  readonly region?: string;
}

/** Where a finding's object came from, to point the report at the file. */
interface Source {
  readonly manifestPath: string;
  /** `$[i]` is the i-th YAML document of the file, `$[i].items[j]` an item of a `kind: List` there. */
  readonly location: string;
  readonly resourceName: string;
}

/**
 * The baseline pack as a cdk8s CLI validation plugin: `cdk8s synth` runs it
 * over the manifests the app wrote, so apps that use none of our constructs
 * are judged by the same rules. List it under `validations:` in `cdk8s.yaml`
 * (see the README); the CLI constructs it with the entry's `properties`.
 *
 * Every finding is reported as a violation; the report fails (and `cdk8s synth`
 * exits with 2) when an error is left unsuppressed. Warnings are reported but
 * do not fail it.
 */
export class ColdStartValidation {
  private readonly environment: Environment;
  private readonly cloud: CloudProvider;
  private readonly region?: string;

  constructor(props: ColdStartValidationProps = {}) {
    // The CLI passes the YAML values as they are: check them here, since no compiler did.
    const raw = (props ?? {}) as Record<string, unknown>;
    const known = ['environment', 'cloud', 'region'];
    const unknown = Object.keys(raw).filter(k => !known.includes(k));
    if (unknown.length) {
      throw new Error(`ColdStartValidation: unknown ${unknown.length > 1 ? 'properties' : 'property'} ${unknown.map(k => `"${k}"`).join(', ')}. Fix: use only ${known.join(', ')} under properties: in cdk8s.yaml`);
    }
    this.environment = oneOf('environment', raw.environment, Object.values(Environment), Environment.LAB);
    this.cloud = oneOf('cloud', raw.cloud, Object.values(CloudProvider), CloudProvider.GENERIC);
    if (raw.region !== undefined && (typeof raw.region !== 'string' || !raw.region.trim())) {
      throw new Error(`ColdStartValidation: property "region" must be a region name such as us-central1, got ${JSON.stringify(raw.region)}. Fix: set region: <cluster region> in cdk8s.yaml or leave it out`);
    }
    this.region = (raw.region as string | undefined)?.trim();
  }

  /**
   * Judges every manifest of `context` and submits the report. Called by the
   * cdk8s CLI after the app wrote its manifests.
   *
   * @param context the CLI's `ValidationContext` (typed loosely: it is the
   * CLI's type, not part of this library's API)
   */
  public async validate(context: any): Promise<void> {
    const ctx = context as ValidationContext;
    const app = new App();
    const sources = new Map<string, Source>();
    ctx.manifests.forEach((manifestPath, fileIndex) => {
      const chart = new Chart(app, `manifest${fileIndex}`);
      const add = (doc: unknown, location: string) => {
        if (!isObject(doc) || typeof doc.kind !== 'string' || typeof doc.apiVersion !== 'string') return;
        if (doc.kind === 'List') {
          (Array.isArray(doc.items) ? doc.items : []).forEach((item: unknown, i: number) => add(item, `${location}.items[${i}]`));
          return;
        }
        const obj = new ApiObject(chart, location, doc as any);
        sources.set(obj.node.path, { manifestPath, location, resourceName: resourceName(doc) });
      };
      ctx.parseManifest(manifestPath).forEach((doc, i) => add(doc, `$[${i}]`));
    });

    // The pack judges directly rather than through the app's validation, which
    // would also print warnings to stderr naming construct paths of this
    // in-memory app (meaningless to the user) and write a findings file. The
    // findings are the same.
    const pack = new ColdStartBaseline({ environment: this.environment, cloud: this.cloud, region: this.region });
    for (const node of app.node.findAll()) pack.visit(node);
    pack._afterVisits(app);
    const findings = Findings.of(app);

    const active = findings.filter(f => !f.suppressed);
    for (const violation of violations(active, sources)) ctx.report.addViolation(violation);
    const errors = active.filter(f => f.level === RuleLevel.ERROR).length;
    const warnings = active.length - errors;
    const suppressed = findings.length - active.length;
    ctx.logger.log(`cdk8s-coldstart: ${errors} error(s), ${warnings} warning(s), ${suppressed} suppressed in ${ctx.manifests.length} manifest file(s)`);
    ctx.report.submit(errors ? 'failure' : 'success', {
      environment: this.environment,
      cloud: this.cloud,
      ...(this.region ? { region: this.region } : {}),
      errors: String(errors),
      warnings: String(warnings),
      suppressed: String(suppressed),
    });
  }
}

/** One violation per rule and message; each object it concerns is one resource. */
function violations(findings: Finding[], sources: Map<string, Source>) {
  const groups = new Map<string, { ruleName: string; recommendation: string; fix: string; resources: Map<string, ValidationViolatingResource> }>();
  for (const f of findings) {
    const source = sources.get(f.path);
    if (!source) throw new Error(`cdk8s-coldstart: finding on ${f.path}, which is no manifest object`);
    const recommendation = f.value ? `${f.message}; found: ${f.value}` : f.message;
    const key = JSON.stringify([f.ruleId, recommendation, f.fix]);
    let group = groups.get(key);
    if (!group) {
      const level = f.level === RuleLevel.WARNING ? ' (warning)' : '';
      group = { ruleName: `${f.ruleId}${level}: ${f.summary}`, recommendation, fix: f.fix, resources: new Map() };
      groups.set(key, group);
    }
    group.resources.set(f.path, { resourceName: source.resourceName, manifestPath: source.manifestPath, locations: [source.location] });
  }
  return [...groups.values()].map(g => ({
    ruleName: g.ruleName, recommendation: g.recommendation, fix: g.fix, violatingResources: [...g.resources.values()],
  }));
}

function oneOf<T extends string>(name: string, value: unknown, allowed: T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as string[]).includes(value)) return value as T;
  throw new Error(`ColdStartValidation: property "${name}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}. Fix: set ${name}: ${fallback} (or another allowed value) in cdk8s.yaml`);
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Kind/name`, as the in-app report names objects, with the namespace when the manifest sets one. */
function resourceName(doc: Record<string, any>): string {
  const name = `${doc.kind}/${doc.metadata?.name ?? '(unnamed)'}`;
  return doc.metadata?.namespace ? `${name} (namespace ${doc.metadata.namespace})` : name;
}
