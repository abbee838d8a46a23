import { join } from 'path';
import { main } from '../../src/check/cli';

export const THIRD_PARTY = join(__dirname, '..', 'fixtures', 'third-party');

export interface CliRun { code: number; stdout: string; stderr: string }

/** Runs the command in process, with `stdin` as standard input. */
export function cli(argv: string[], stdin = ''): CliRun {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; }, stdin: () => stdin });
  return { code, stdout, stderr };
}

/** The findings of a JSON run as `object ruleId level` (plus `suppressed`), in order. */
export function verdicts(run: CliRun): string[] {
  return JSON.parse(run.stdout).findings.map((f: any) => `${f.object} ${f.ruleId} ${f.suppressed ? 'suppressed' : f.level}`);
}
