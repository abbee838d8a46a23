/**
 * `npx projen bench`: synth wall time and peak RSS for 1, 10, 100 and 1,000
 * models against a floor of the same YAML from raw ApiObjects, and the wall
 * time of `cdk8s synth` for every example. Writes bench-results/results.json
 * and prints the Markdown table that BENCHMARKS.md records.
 */
import { execFileSync, execSync } from 'child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'fs';
import { cpus, totalmem } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '..');
const SIZES = [1, 10, 100, 1000];

function measure(mode: string, n: number) {
  const out = execFileSync('node', ['-r', 'ts-node/register/transpile-only', join(__dirname, 'run-one.ts'), mode, String(n)], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_COLDSTART_QUIET: '1' } });
  return JSON.parse(out.trim().split('\n').pop()!);
}

mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const rows = SIZES.map(n => ({ n, library: measure('library', n), floor: measure('floor', n) }));
const examples = readdirSync(join(ROOT, 'examples')).map(name => {
  const start = Date.now();
  execSync('npx cdk8s synth --no-check-upgrade', { cwd: join(ROOT, 'examples', name), stdio: 'ignore' });
  return { name, seconds: (Date.now() - start) / 1000 };
});
writeFileSync(join(ROOT, 'bench-results', 'results.json'), JSON.stringify({ rows, examples }, null, 2));

const lines = [
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  '',
  '| models | library ms | floor ms | ratio | library peak RSS MiB | floor peak RSS MiB | library ms per model |',
  '|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(r => `| ${r.n} | ${r.library.ms} | ${r.floor.ms} | ${(r.library.ms / Math.max(1, r.floor.ms)).toFixed(2)} | ${r.library.peakRssMiB} | ${r.floor.peakRssMiB} | ${(r.library.ms / r.n).toFixed(1)} |`),
  '',
  '| example | `cdk8s synth` wall s |',
  '|---|---:|',
  ...examples.map(e => `| ${e.name} | ${e.seconds.toFixed(1)} |`),
];
process.stdout.write(lines.join('\n') + '\n');
