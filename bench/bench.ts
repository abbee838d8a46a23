/**
 * `npx projen bench`: synth wall time and peak RSS for 1, 10, 100 and 1,000
 * models against a floor of the same YAML from raw ApiObjects, in two
 * scenarios, and the wall time of `cdk8s synth` for every example. Each
 * measurement runs REPEAT times, library and floor interleaved so that a slow
 * spell of the machine hits both; the median and the best run are reported
 * (noise only ever adds time, so the best run is the least disturbed one). Writes
 * bench-results/results.json and prints the Markdown that BENCHMARKS.md records.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'fs';
import { cpus, totalmem } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..');
const SIZES = [1, 10, 100, 1000];
const SCENARIOS = ['knative', 'deployment'];
const REPEAT = Number(process.env.BENCH_REPEAT ?? 7);

interface Run {
  ms: number; constructMs: number; synthMs: number; cpuMs: number; writeMs: number; files: number; peakRssMiB: number; bytes: number; sha256: string;
}

function once(mode: string, scenario: string, n: number): Run {
  const out = execFileSync('node', ['-r', 'ts-node/register/transpile-only', join(__dirname, 'run-one.ts'), mode, scenario, String(n)],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_COLDSTART_QUIET: '1' } });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (a: number, b: number) => (a / Math.max(1, b)).toFixed(2);

type Mode = 'library' | 'unchecked' | 'floor';

function measure(scenario: string, n: number) {
  const modes: Mode[] = n === 1000 ? ['library', 'unchecked', 'floor'] : ['library', 'floor'];
  const runs: Record<Mode, Run[]> = { library: [], unchecked: [], floor: [] };
  for (let i = 0; i < REPEAT; i++) for (const mode of modes) runs[mode].push(once(mode, scenario, n));
  const summary = (rs: Run[]) => ({
    ms: median(rs.map(r => r.ms)),
    bestMs: Math.min(...rs.map(r => r.ms)),
    constructMs: median(rs.map(r => r.constructMs)),
    synthMs: median(rs.map(r => r.synthMs)),
    cpuMs: median(rs.map(r => r.cpuMs)),
    writeMs: median(rs.map(r => r.writeMs)),
    computeMs: median(rs.map(r => r.ms - r.writeMs)),
    files: rs[0].files,
    peakRssMiB: Math.max(...rs.map(r => r.peakRssMiB)),
    runs: rs.map(r => r.ms),
    writeRuns: rs.map(r => r.writeMs),
  });
  // The floor is only a floor if it writes the very same YAML.
  if (runs.library[0].sha256 !== runs.floor[0].sha256) throw new Error(`${scenario} ${n}: the floor's YAML differs from the library's`);
  if (runs.unchecked.length && runs.unchecked[0].sha256 !== runs.floor[0].sha256) throw new Error(`${scenario} ${n}: the unchecked library's YAML differs from the floor's`);
  const unchecked = runs.unchecked.length ? summary(runs.unchecked) : undefined;
  return { scenario, n, library: summary(runs.library), floor: summary(runs.floor), unchecked };
}

mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const rows = SCENARIOS.flatMap(scenario => SIZES.map(n => measure(scenario, n)));
const examples = readdirSync(join(ROOT, 'examples')).map(name => {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = Date.now();
    // The CLI installed in this repository, as an app repo's `cdk8s synth` runs it (npx adds npm's own start-up, 0.4-1 s here).
    execFileSync(join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade'], { cwd: join(ROOT, 'examples', name), stdio: 'ignore' });
    times.push((Date.now() - start) / 1000);
  }
  return { name, seconds: median(times), runs: times };
});
writeFileSync(join(ROOT, 'bench-results', 'results.json'), JSON.stringify({ repeat: REPEAT, rows, examples }, null, 2));

const lines = [
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Median and best of ${REPEAT} runs.`,
  '',
  '| scenario | models | library ms | floor ms | ratio | best ratio | library files | library writes ms | floor writes ms | ratio without writes | library CPU ms | floor CPU ms | library peak RSS MiB | floor peak RSS MiB | library ms per model |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(r => `| ${r.scenario} | ${r.n} | ${r.library.ms} | ${r.floor.ms} | ${ratio(r.library.ms, r.floor.ms)} | ${ratio(r.library.bestMs, r.floor.bestMs)} `
    + `| ${r.library.files} | ${r.library.writeMs} | ${r.floor.writeMs} | ${ratio(r.library.computeMs, r.floor.computeMs)} `
    + `| ${r.library.cpuMs} | ${r.floor.cpuMs} | ${r.library.peakRssMiB} | ${r.floor.peakRssMiB} | ${(r.library.ms / r.n).toFixed(1)} |`),
  '',
  '1,000 models by phase (medians; `unchecked` is the library with `enforceBaseline: false`, no rule pack):',
  '',
  '| scenario | construction ms library / unchecked / floor | `app.synth()` ms library / unchecked / floor | whole ratio library / unchecked | `app.synth()` ratio library / unchecked |',
  '|---|---:|---:|---:|---:|',
  ...rows.filter(r => r.unchecked).map(r => `| ${r.scenario} | ${r.library.constructMs} / ${r.unchecked!.constructMs} / ${r.floor.constructMs} `
    + `| ${r.library.synthMs} / ${r.unchecked!.synthMs} / ${r.floor.synthMs} | ${ratio(r.library.ms, r.floor.ms)} / ${ratio(r.unchecked!.ms, r.floor.ms)} `
    + `| ${ratio(r.library.synthMs, r.floor.synthMs)} / ${ratio(r.unchecked!.synthMs, r.floor.synthMs)} |`),
  '',
  '| example | `cdk8s synth` wall s (median of 3) |',
  '|---|---:|',
  ...examples.map(e => `| ${e.name} | ${e.seconds.toFixed(1)} |`),
  '',
  // The figure the target is stated in, on its own line so that every run's can be compared at a glance.
  `1,000 models, library / floor (median of ${REPEAT}; target 1.15): `
    + rows.filter(r => r.n === 1000).map(r => `${r.scenario} ${ratio(r.library.ms, r.floor.ms)} (without writes ${ratio(r.library.computeMs, r.floor.computeMs)}, `
      + `app.synth() alone ${ratio(r.library.synthMs, r.floor.synthMs)})`).join(', '),
];
process.stdout.write(lines.join('\n') + '\n');
