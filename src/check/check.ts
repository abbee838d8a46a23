import { ApiObject, App, Chart } from 'cdk8s';
import { estimateWorkloads, WorkloadEstimate } from './estimate';
import { InputError, Manifest } from './input';
import { Findings } from '../aspects/findings';
import { parseSuppressAnnotation, SUPPRESS_ANNOTATION } from '../aspects/suppressions';
import { ColdStartBaseline } from '../packs/baseline';
import { CloudProvider, Environment } from '../profile';
import { Rule, RuleLevel } from '../rules/rule';

/** The pack the checker runs. @internal */
export interface CheckOptions {
  readonly environment: Environment;
  readonly cloud: CloudProvider;
  readonly region?: string;
}

/** A finding located in the input. @internal */
export interface CheckFinding {
  readonly file: string;
  readonly line: number;
  /** `Kind/name` as written. */
  readonly object: string;
  readonly namespace?: string;
  readonly ruleId: string;
  readonly level: RuleLevel;
  readonly summary: string;
  /** As the rule reports it: credentials are already masked. */
  readonly value: string;
  readonly message: string;
  readonly fix: string;
  readonly suppressed?: string;
}

/** What one run found. @internal */
export interface CheckReport {
  readonly options: CheckOptions;
  readonly rules: readonly Rule[];
  readonly objects: number;
  readonly files: number;
  readonly findings: CheckFinding[];
  /** The cold-start estimate of each vLLM workload, in input order. */
  readonly estimates: WorkloadEstimate[];
  /** `file:line` of every object in input order, to print findings and estimates object by object. */
  readonly locations: string[];
}

/** `Kind/name` of an object as written. @internal */
export function objectName(o: any): string {
  return `${o.kind}/${o.metadata?.name ?? '(unnamed)'}`;
}

/**
 * Judges the manifests with the baseline pack, exactly as it judges an app's
 * objects at synth: each manifest becomes an ApiObject of an in-memory app and
 * the pack visits and judges them. The app is never synthesized, so nothing is
 * written anywhere, and the verdict (errors, warnings) is the caller's to print.
 * @internal
 */
export function checkManifests(manifests: Manifest[], options: CheckOptions): CheckReport {
  const pack = new ColdStartBaseline({ environment: options.environment, cloud: options.cloud, region: options.region });
  // Checked here rather than left to the pack, so every bad annotation is named at once with its file and line.
  const problems = annotationProblems(manifests, new Set(pack.ruleIds));
  if (problems.length) throw new InputError(problems.join('\n'));

  const app = new App();
  const chart = new Chart(app, 'check');
  const sources = new Map<string, Manifest>();
  manifests.forEach((m, i) => {
    let obj: ApiObject;
    try {
      obj = new ApiObject(chart, `m${i}`, m.object);
    } catch (e) {
      throw new InputError(`${m.file}:${m.line}: ${objectName(m.object)}: ${(e as Error).message}`);
    }
    sources.set(obj.node.path, m);
  });
  for (const node of app.node.findAll()) pack.visit(node);
  pack._afterVisits(app);

  const findings = Findings.of(app).map((f): CheckFinding => {
    const m = sources.get(f.path)!;
    return {
      file: m.file,
      line: m.line,
      object: objectName(m.object),
      namespace: m.object.metadata?.namespace,
      ruleId: f.ruleId,
      level: f.level,
      summary: f.summary,
      value: f.value,
      message: f.message,
      fix: f.fix,
      suppressed: f.suppressed,
    };
  });
  return {
    options,
    rules: pack.rules,
    objects: manifests.length,
    files: new Set(manifests.map(m => m.file)).size,
    findings,
    estimates: estimateWorkloads(manifests),
    locations: manifests.map(m => `${m.file}:${m.line}`),
  };
}

function annotationProblems(manifests: Manifest[], known: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const annotations = m.object.metadata?.annotations;
    if (!annotations || typeof annotations !== 'object' || !(SUPPRESS_ANNOTATION in annotations)) continue;
    const { suppressions, problems: found } = parseSuppressAnnotation(annotations[SUPPRESS_ANNOTATION]);
    const unknown = suppressions.filter(s => !known.has(s.id)).map(s => `${s.id} is not a rule of the pack (${[...known].join(', ')})`);
    for (const p of [...found, ...unknown]) problems.push(`${m.file}:${m.line}: ${objectName(m.object)}: annotation ${SUPPRESS_ANNOTATION}: ${p}`);
  }
  return problems;
}
