import { Finding } from './findings';
import { RuleLevel } from '../rules/rule';

/** What a CI log shows without wrapping: the table's lines stay within it, except for very long paths. */
const WIDTH = 100;
const INDENT = '  ';
/** Paths beyond this push their row's columns right rather than widen every row. */
const MAX_PATH = 40;
const MIN_VALUE = 24;

/** Unsuppressed errors, unsuppressed warnings and suppressed findings. @internal */
export interface FindingCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
}

/** @internal */
export function countFindings(findings: Finding[]): FindingCounts {
  const active = findings.filter(f => !f.suppressed);
  return {
    errors: active.filter(f => f.level === RuleLevel.ERROR).length,
    warnings: active.filter(f => f.level === RuleLevel.WARNING).length,
    suppressed: findings.length - active.length,
  };
}

/** `cdk8s-coldstart: 2 errors, 1 warning, 0 suppressed (see dist/coldstart-findings.jsonl)` @internal */
export function summaryLine(c: FindingCounts, reportFile: string): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `cdk8s-coldstart: ${n(c.errors, 'error')}, ${n(c.warnings, 'warning')}, ${c.suppressed} suppressed (see ${reportFile})`;
}

/**
 * The block a failed synth shows: a headline, one entry per unsuppressed
 * finding (errors first) and the summary line. Each entry is a row of aligned
 * columns (level, path, rule, value truncated to fit) followed by the object
 * and the problem, then the fix, both wrapped: a fix is never truncated.
 * @internal
 */
export function failureBlock(findings: Finding[], reportFile: string): string {
  const counts = countFindings(findings);
  const active = findings.filter(f => !f.suppressed);
  const listed = [...active.filter(f => f.level === RuleLevel.ERROR), ...active.filter(f => f.level !== RuleLevel.ERROR)];
  const levelW = Math.max(5, ...listed.map(f => f.level.length));
  const pathW = Math.min(MAX_PATH, Math.max(4, ...listed.map(f => f.path.length)));
  const ruleW = Math.max(4, ...listed.map(f => f.ruleId.length));
  const valueW = Math.max(MIN_VALUE, WIDTH - INDENT.length - levelW - pathW - ruleW - 6);
  const under = INDENT + ' '.repeat(levelW + 2);
  const row = (level: string, path: string, rule: string, value: string) =>
    `${INDENT}${level.padEnd(levelW)}  ${path.padEnd(pathW)}  ${rule.padEnd(ruleW)}  ${value}`.trimEnd();
  const errors = `${counts.errors} rule error${counts.errors === 1 ? '' : 's'}`;
  const lines = [
    `cdk8s-coldstart: synth failed on ${errors}; no manifest was written.`,
    row('level', 'path', 'rule', 'value'),
  ];
  for (const f of listed) {
    lines.push(row(f.level, f.path, f.ruleId, truncate(oneLine(f.value), valueW)));
    lines.push(...wrap(`${f.object}: ${oneLine(f.message)}`, under, under));
    lines.push(...wrap(`fix: ${oneLine(f.fix)}`, under, `${under}     `));
  }
  lines.push(summaryLine(counts, reportFile));
  return lines.join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function truncate(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}…`;
}

/** Greedy word wrap to WIDTH; a word longer than a line gets a line of its own. */
function wrap(text: string, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}
