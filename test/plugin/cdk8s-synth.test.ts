// The plugin as users run it: the real `cdk8s synth` loads it from the app's
// node_modules, as the README's cdk8s.yaml snippet says, offline.
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CONFIG_MAP, taggedVllmDeployment, vllmDeployment } from './manifests';

const REPO = join(__dirname, '..', '..');
const CLI = join(REPO, 'node_modules', '.bin', 'cdk8s');

/** An app that uses none of our constructs: raw ApiObjects in one chart, written by plain node (no compilation). */
const MAIN_JS = `const { ApiObject, App, Chart } = require('cdk8s');
const app = new App();
const chart = new Chart(app, 'app');
require('./objects.json').forEach((o, i) => new ApiObject(chart, 'o' + i, o));
app.synth();
`;

/** The README's cdk8s.yaml snippet, used as written, so the two cannot drift. */
function readmeValidations(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n### As a cdk8s validation plugin\n'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no ```yaml block under "### As a cdk8s validation plugin"');
  return block[1];
}

let root: string;
beforeAll(() => {
  // The CLI requires the package's main, the compiled library: CI compiles before it tests.
  if (!existsSync(join(REPO, 'lib', 'src', 'index.js'))) {
    throw new Error(`${join(REPO, 'lib', 'src', 'index.js')} is missing: run \`npx projen compile\` before this test`);
  }
  root = mkdtempSync(join(tmpdir(), 'cs-plugin-cli-'));
});
afterAll(() => { if (root) rmSync(root, { recursive: true, force: true }); });

/** Writes an app with `objects`, runs `cdk8s synth` in it and returns the exit code, output and the reports file. */
function synth(name: string, objects: any[]) {
  const app = join(root, name);
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  // As installed in an app: the package itself, and its peers resolved from the app.
  symlinkSync(REPO, join(app, 'node_modules', 'cdk8s-coldstart'), 'dir');
  for (const dep of ['cdk8s', 'constructs']) symlinkSync(join(REPO, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
  writeFileSync(join(app, 'main.js'), MAIN_JS);
  writeFileSync(join(app, 'objects.json'), JSON.stringify(objects));
  writeFileSync(join(app, 'cdk8s.yaml'), `language: typescript\napp: node main.js\n${readmeValidations()}`);
  const result = spawnSync(CLI, ['synth', '--no-check-upgrade', '--validation-reports-output-file', 'reports.json'], {
    cwd: app,
    encoding: 'utf8',
    timeout: 120_000,
    // A plugin install or version probe would need the registry: make any such attempt fail, not hang.
    env: { ...process.env, HOME: join(root, 'home'), npm_config_registry: 'http://127.0.0.1:9/', NO_COLOR: '1' },
  });
  const reportsFile = join(app, 'reports.json');
  const reports = existsSync(reportsFile) ? JSON.parse(readFileSync(reportsFile, 'utf8')).reports : undefined;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, reports };
}

test('cdk8s synth fails (exit 2) on a tagged vLLM image, naming CS-IMG-001 and the object', () => {
  const r = synth('tagged', [CONFIG_MAP, taggedVllmDeployment()]);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: expect.stringContaining('Validation failed') });
  expect(r.stdout).toContain('CS-IMG-001: Every container image and every oci:// storageUri is pinned by @sha256: digest (1 occurrences)');
  expect(r.stdout).toContain('Resource Name: Deployment/vllm');
  expect(r.reports).toHaveLength(1);
  // The snippet's properties reached the plugin.
  expect(r.reports[0].summary).toEqual(expect.objectContaining({
    status: 'failure',
    metadata: { environment: 'production', cloud: 'generic', region: 'us-central1', errors: '1', warnings: '0', suppressed: '0' },
  }));
  expect(r.reports[0].violations).toEqual([expect.objectContaining({
    ruleName: expect.stringMatching(/^CS-IMG-001: /),
    violatingConstructs: [expect.objectContaining({ resourceName: 'Deployment/vllm', manifestPath: 'dist/app.k8s.yaml', locations: ['$[1]'] })],
  })]);
}, 180_000);

test('cdk8s synth passes (exit 0) on compliant manifests', () => {
  const r = synth('pinned', [CONFIG_MAP, vllmDeployment()]);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout).toContain('Validations ended succesfully');
  expect(r.reports[0]).toEqual(expect.objectContaining({ violations: [], summary: expect.objectContaining({ status: 'success' }) }));
}, 180_000);
