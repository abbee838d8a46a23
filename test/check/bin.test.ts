import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { THIRD_PARTY } from './util';

// The bin script runs the compiled library, as it does once installed: `npx projen compile` first.
const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'cdk8s-coldstart');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const CHECKER = README.slice(README.indexOf('\n## Checker\n'), README.indexOf('\n## Errors\n'));

function sh(script: string, cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8', env: { ...process.env, BIN } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the cdk8s-coldstart bin', () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'lib', 'src', 'check', 'cli.js'))) throw new Error('lib/ is not compiled: run npx projen compile');
  });

  test('prints the README\'s example table, run as the README runs it', () => {
    const block = /```console\n\$ npx cdk8s-coldstart (.*)\n([\s\S]*?)```/.exec(CHECKER)!;
    const r = sh(`node "$BIN" ${block[1]}`, ROOT);
    expect(r.stdout).toBe(block[2]);
    expect(r.status).toBe(1);
  });

  test('reads a pipe (helm template ... | cdk8s-coldstart check -) and writes nothing in the working directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bin-'));
    const r = sh(`cat "${join(THIRD_PARTY, 'production-stack-helm-basic.yaml')}" | node "$BIN" check -`, cwd);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^stdin:35 {2}Deployment\/vllm-llama3-deployment-vllm \(namespace default\)\n/);
    expect(r.stdout).toMatch(/\n3 errors, 2 warnings, 0 suppressed \(3 objects in 1 file; profile lab, cloud generic\)\n$/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  test('honours the README\'s suppression annotation as written', () => {
    const annotations = /```yaml\nmetadata:\n {2}annotations:\n([\s\S]*?)```/.exec(CHECKER)![1];
    const cwd = mkdtempSync(join(tmpdir(), 'bin-'));
    const manifest = readFileSync(join(THIRD_PARTY, 'vllm-docs-k8s-gpu.yaml'), 'utf8')
      .replace('  name: mistral-7b\n  labels: {app: mistral-7b}\n', `  name: mistral-7b\n  labels: {app: mistral-7b}\n  annotations:\n${annotations}`);
    writeFileSync(join(cwd, 'm.yaml'), manifest);
    const r = sh('node "$BIN" check --format json m.yaml', cwd);
    const findings = JSON.parse(r.stdout).findings.map((f: any) => [f.ruleId, f.suppressed]);
    expect(findings).toEqual([
      ['CS-IMG-001', 'the vendor publishes tags only, and our mirror keeps them immutable'],
      ['CS-RT-001', 'this node pool gives the model its GPU alone'],
      ['CS-RT-002', undefined],
      ['CS-RT-004', undefined],
      ['CS-SEC-004', undefined],
    ]);
    expect(r.status).toBe(1);
  });

  test('exit code 2 and the usage on a usage error, 0 on --help', () => {
    expect(sh('node "$BIN" check --format xml -', ROOT)).toMatchObject({ status: 2, stdout: '', stderr: expect.stringMatching(/^cdk8s-coldstart: --format must be/) });
    expect(sh('node "$BIN" --help', ROOT)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^Usage: cdk8s-coldstart check/) });
  });

  // kubectl embeds kustomize; where it is installed, check a real `kustomize build` of the fixtures.
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  (kubectl ? test : test.skip)('reads kustomize build output (kubectl kustomize ... | cdk8s-coldstart check --profile production -)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
    writeFileSync(join(dir, 'vllm.yaml'), readFileSync(join(THIRD_PARTY, 'vllm-docs-k8s-gpu.yaml')));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [vllm.yaml]\nnamespace: llm\nnamePrefix: prod-\n');
    execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    const r = sh(`kubectl kustomize "${dir}" | node "$BIN" check --profile production --format json -`, dir);
    expect(r.status).toBe(1);
    const findings = JSON.parse(r.stdout).findings;
    expect(findings.map((f: any) => `${f.namespace}/${f.object} ${f.ruleId}`)).toEqual([
      'llm/Deployment/prod-mistral-7b CS-IMG-001',
      'llm/Deployment/prod-mistral-7b CS-RT-001',
      'llm/Deployment/prod-mistral-7b CS-RT-002',
      'llm/Deployment/prod-mistral-7b CS-RT-003',
      'llm/Deployment/prod-mistral-7b CS-RT-004',
      'llm/Deployment/prod-mistral-7b CS-SEC-004',
    ]);
  });
});
