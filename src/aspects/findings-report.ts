import { mkdirSync, writeFileSync } from 'fs';
import { isAbsolute, join, relative, resolve } from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Finding } from './findings';
import { countFindings, failureBlock, summaryLine } from './findings-table';
import { reportDir } from '../private/report-dir';
import { RuleLevel } from '../rules/rule';

const KEY = Symbol.for('cdk8s-coldstart.RuleReport');
/** JSON Lines, not .json: `kubectl apply -f dist/` and Argo CD read every .json/.yaml in the directory. */
export const REPORT_FILE = 'coldstart-findings.jsonl';

/**
 * The error a failed synth throws. Its stack is its message: the frames would
 * point into the library and cdk8s, and the table already says where to look.
 * @internal
 */
export class RuleErrors extends Error {
  constructor(message: string) {
    super(message);
    this.stack = `Error: ${message}`;
  }
}

/**
 * Findings of every pack in an app: errors fail synth with one block listing
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
  private summarized?: string;

  private constructor(private readonly root: IConstruct) {}

  public record(finding: Finding): void {
    this.findings.push(finding);
  }

  /**
   * Writes the report, then fails on errors (one block listing every finding),
   * or prints new warnings and, when anything was found, the summary line.
   */
  public conclude(): void {
    this.write();
    const file = this.reportFile();
    const counts = countFindings(this.findings);
    if (counts.errors) {
      const block = failureBlock(this.findings, file);
      if (this.runByCdk8sCli()) {
        // Thrown, the block would reach the CLI's log under a line of library source and Node's
        // version: the CLI needs only stderr and the exit code.
        process.stderr.write(block + '\n');
        process.exit(1);
      }
      throw new RuleErrors(block);
    }
    const warnings = this.findings.filter(f => !f.suppressed && f.level === RuleLevel.WARNING);
    for (const w of warnings.slice(this.printed)) process.stderr.write(`cdk8s-coldstart: WARNING ${format(w)}\n`);
    this.printed = warnings.length;
    const summary = counts.warnings || counts.suppressed ? summaryLine(counts, file) : undefined;
    // cdk8s validates more than once per synth: the line is printed when it changes.
    if (summary && summary !== this.summarized) process.stderr.write(summary + '\n');
    this.summarized = summary;
  }

  /** The findings file as a user would open it: relative to the working directory when under it. */
  private reportFile(): string {
    if (!(this.root instanceof App)) return REPORT_FILE;
    const file = resolve(reportDir(this.root.outdir), REPORT_FILE);
    const rel = relative(process.cwd(), file);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  }

  /**
   * True only in the app process `cdk8s synth` runs, for the app it writes: the CLI sets
   * CDK8S_OUTDIR, which a new App() takes as its outdir. Tests (Testing.app() writes to
   * a temporary folder, jest sets JEST_WORKER_ID) always get the thrown error.
   */
  private runByCdk8sCli(): boolean {
    const outdir = process.env.CDK8S_OUTDIR;
    return !!outdir && !process.env.JEST_WORKER_ID && this.root instanceof App && resolve(this.root.outdir) === resolve(outdir);
  }

  private write(): void {
    if (!(this.root instanceof App)) return;
    const summary = { type: 'summary', ...countFindings(this.findings) };
    const lines = [summary, ...this.findings.map(f => ({ type: 'finding', ...f }))].map(l => JSON.stringify(l));
    const dir = reportDir(this.root.outdir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, REPORT_FILE), lines.join('\n') + '\n');
  }
}

function format(f: Finding): string {
  return `[${f.ruleId}] ${f.path} (${f.object}): ${f.message}; found: ${f.value}. Fix: ${f.fix}`;
}
