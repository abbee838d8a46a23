import { isAbsolute, sep } from 'path';
import { pathToFileURL } from 'url';
import { CheckFinding, CheckReport } from './check';
import { estimateJson, estimateLines, WorkloadEstimate } from './estimate';
import { STDIN } from './input';
import { RuleLevel } from '../rules/rule';

/** Where the rules are documented, for SARIF viewers and the JSON report. @internal */
export const RULES_URL = 'https://github.com/cdk8s-coldstart/cdk8s-coldstart/blob/main/RULES.md';
const HOME_URL = 'https://github.com/cdk8s-coldstart/cdk8s-coldstart';

/** Unsuppressed errors and warnings, and suppressed findings. @internal */
export function counts(report: CheckReport): { errors: number; warnings: number; suppressed: number } {
  const active = report.findings.filter(f => !f.suppressed);
  return {
    errors: active.filter(f => f.level === RuleLevel.ERROR).length,
    warnings: active.filter(f => f.level === RuleLevel.WARNING).length,
    suppressed: report.findings.length - active.length,
  };
}

/** The line a person reads first and a CI log greps. @internal */
export function summaryLine(report: CheckReport): string {
  const c = counts(report);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const { environment, cloud, region } = report.options;
  const profile = `profile ${environment}, cloud ${cloud}${region ? `, region ${region}` : ''}`;
  return `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}, ${c.suppressed} suppressed `
    + `(${plural(report.objects, 'object')} in ${plural(report.files, 'file')}; ${profile})`;
}

const RANK = { error: 0, warning: 1 };

/**
 * One block per object, in input order: errors, then warnings, then
 * suppressed findings, each with its value, message and fix; then the
 * cold-start estimate of each vLLM workload of the object.
 * @internal
 */
export function formatTable(report: CheckReport): string {
  const groups = new Map<string, { at: string; findings: CheckFinding[]; estimates: WorkloadEstimate[] }>();
  const group = (x: { file: string; line: number; object: string; namespace?: string }) => {
    const key = `${x.file}:${x.line}  ${x.object}${x.namespace ? ` (namespace ${x.namespace})` : ''}`;
    if (!groups.has(key)) groups.set(key, { at: `${x.file}:${x.line}`, findings: [], estimates: [] });
    return groups.get(key)!;
  };
  for (const f of report.findings) group(f).findings.push(f);
  for (const e of report.estimates) group(e).estimates.push(e);
  const order = new Map(report.locations.map((l, i) => [l, i]));
  const keys = [...groups.keys()].sort((a, b) => (order.get(groups.get(a)!.at) ?? 0) - (order.get(groups.get(b)!.at) ?? 0));
  const lines: string[] = [];
  for (const key of keys) {
    const { findings, estimates } = groups.get(key)!;
    lines.push(key);
    const sorted = [...findings].sort((a, b) => Number(!!a.suppressed) - Number(!!b.suppressed) || RANK[a.level] - RANK[b.level]);
    const width = Math.max(0, ...sorted.map(f => f.ruleId.length));
    for (const f of sorted) {
      const level = f.suppressed ? 'suppressed' : f.level;
      lines.push(`  ${level.padEnd(10)} ${f.ruleId.padEnd(width)}  ${f.value}`);
      const indent = ' '.repeat(13 + width + 2);
      lines.push(`${indent}${f.message}`);
      lines.push(f.suppressed ? `${indent}reason: ${f.suppressed}` : `${indent}fix: ${f.fix}`);
    }
    for (const e of estimates) {
      const [first, ...rest] = estimateLines(e);
      lines.push(`  ${first}`, ...rest.map(l => `    ${l}`));
    }
    lines.push('');
  }
  if (!report.findings.length) lines.push('No findings.', '');
  lines.push(summaryLine(report));
  return lines.join('\n') + '\n';
}

/** The report as JSON: the summary, then every finding (suppressed ones with their reason). @internal */
export function formatJson(report: CheckReport, version: string): string {
  return JSON.stringify({
    tool: { name: 'cdk8s-coldstart', version, rules: RULES_URL },
    options: { profile: report.options.environment, cloud: report.options.cloud, region: report.options.region },
    summary: { ...counts(report), objects: report.objects, files: report.files },
    findings: report.findings,
    estimates: report.estimates.map(estimateJson),
  }, undefined, 2) + '\n';
}

/** A SARIF artifact location: relative paths as URI references with `/`, absolute ones as file: URIs. */
function artifactUri(file: string): string {
  if (file === STDIN) return STDIN;
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(sep).map(encodeURIComponent).join('/');
}

/**
 * The report as SARIF 2.1.0: one run, the pack's rules as the driver's rules,
 * one result per finding at the object's first line, suppressed findings with
 * an in-source suppression (the annotation) and its justification.
 * @internal
 */
export function formatSarif(report: CheckReport, version: string): string {
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk8s-coldstart',
          version,
          informationUri: HOME_URL,
          rules: report.rules.map(r => ({
            id: r.id,
            shortDescription: { text: r.summary },
            fullDescription: { text: r.explanation },
            help: { text: r.fix },
            helpUri: RULES_URL,
            defaultConfiguration: { level: r.level },
          })),
        },
      },
      results: report.findings.map(f => ({
        ruleId: f.ruleId,
        ruleIndex: index.get(f.ruleId),
        level: f.level,
        message: { text: `${f.object}: ${f.message} (found: ${f.value}). Fix: ${f.fix}` },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: artifactUri(f.file) },
            region: { startLine: f.line },
          },
          logicalLocations: [{ fullyQualifiedName: f.namespace ? `${f.namespace}/${f.object}` : f.object, kind: 'resource' }],
        }],
        ...f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressed }] } : {},
      })),
    }],
  };
  return JSON.stringify(sarif, undefined, 2) + '\n';
}
