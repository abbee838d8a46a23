import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Finding } from './findings';
import { RuleLevel } from '../rules/rule';

const KEY = Symbol.for('cdk8s-coldstart.RuleReport');
/** JSON Lines, not .json: `kubectl apply -f dist/` and Argo CD read every .json/.yaml in the directory. */
export const REPORT_FILE = 'coldstart-findings.jsonl';

/**
 * Findings of every pack in an app: errors fail synth with one message listing
 * all of them, warnings are printed once, and everything (suppressions
 * included) is written next to the manifests.
 * @internal
 */
export class RuleReport {
  public static of(root: IConstruct): RuleReport {
    const r = root as any;
    if (!r[KEY]) Object.defineProperty(r, KEY, { value: new RuleReport(root), enumerable: false });
    return r[KEY];
  }

  public readonly findings: Finding[] = [];
  /** Ids of the rules of every pack that has judged this app: what a suppression may name. */
  public readonly ruleIds = new Set<string>();
  private printed = 0;

  private constructor(private readonly root: IConstruct) {}

  public record(finding: Finding): void {
    this.findings.push(finding);
  }

  /** Writes the report, prints new warnings, and throws if any error is left. */
  public conclude(): void {
    this.write();
    const active = this.findings.filter(f => !f.suppressed);
    const errors = active.filter(f => f.level === RuleLevel.ERROR);
    const warnings = active.filter(f => f.level === RuleLevel.WARNING);
    for (const w of warnings.slice(this.printed)) process.stderr.write(`cdk8s-coldstart: WARNING ${format(w)}\n`);
    this.printed = warnings.length;
    if (errors.length) {
      throw new Error(`cdk8s-coldstart: ${errors.length} rule error(s); nothing was written:\n${errors.map(e => `  ${format(e)}`).join('\n')}`);
    }
  }

  private write(): void {
    if (!(this.root instanceof App)) return;
    const summary = {
      type: 'summary',
      errors: this.findings.filter(f => !f.suppressed && f.level === RuleLevel.ERROR).length,
      warnings: this.findings.filter(f => !f.suppressed && f.level === RuleLevel.WARNING).length,
      suppressed: this.findings.filter(f => f.suppressed).length,
    };
    const lines = [summary, ...this.findings.map(f => ({ type: 'finding', ...f }))].map(l => JSON.stringify(l));
    mkdirSync(this.root.outdir, { recursive: true });
    writeFileSync(join(this.root.outdir, REPORT_FILE), lines.join('\n') + '\n');
  }
}

function format(f: Finding): string {
  return `[${f.ruleId}] ${f.path} (${f.object}): ${f.message}; found: ${f.value}. Fix: ${f.fix}`;
}
