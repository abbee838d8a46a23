import { spawnSync } from 'child_process';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Aspects, Backend, ColdStartBaseline, ColdStartOptimizedModel, KnativeFeature, Profile, RuleSuppressions } from '../../src';
import { baseProps } from '../util';

const LONG_TAG = `docker.io/vllm/vllm-openai:${'x'.repeat(120)}`;

/** A hand-written vLLM Deployment: several rule errors, one of them suppressed. */
function handWritten(chart: Chart, image = LONG_TAG): ApiObject {
  const obj = new ApiObject(chart, 'hand-written', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'hand-written' },
    spec: {
      selector: { matchLabels: { app: 'hw' } },
      template: {
        metadata: { labels: { app: 'hw' } },
        spec: {
          automountServiceAccountToken: false,
          containers: [{
            name: 'vllm',
            image,
            command: ['vllm', 'serve', '/models/q'],
            args: ['--gpu-memory-utilization=0.95'],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, runAsUser: 1000 },
          }],
        },
      },
    },
  });
  RuleSuppressions.add(obj, [{ id: 'CS-RT-002', reason: 'service links needed by this legacy app' }]);
  return obj;
}

/** A model whose undeclared Knative flag draws one warning (CS-KSV-002). */
function warnedModel(chart: Chart): void {
  new ColdStartOptimizedModel(chart, 'qwen', baseProps({
    profile: Profile.lab(),
    backend: Backend.kserveKnative({ enabledFeatures: [KnativeFeature.NODE_SELECTOR, KnativeFeature.TOLERATIONS] }),
  }));
}

function failure(): Error {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  warnedModel(chart);
  handWritten(chart);
  try {
    app.synth();
  } catch (e) {
    return e as Error;
  }
  throw new Error('synth did not fail');
}

describe('a failed synth', () => {
  const error = failure();
  const lines = error.message.split('\n');

  test('throws one block: headline, a column header, an entry per finding (errors first), the summary line', () => {
    expect(lines[0]).toBe('cdk8s-coldstart: synth failed on 5 rule errors; no manifest was written.');
    expect(lines[1]).toMatch(/^ {2}level {4}path +rule +value$/);
    const rows = lines.filter(l => /^ {2}(error|warning) /.test(l));
    expect(rows.map(r => r.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['error', 'c/hand-written', 'CS-IMG-001'],
      ['error', 'c/hand-written', 'CS-SHM-002'],
      ['error', 'c/hand-written', 'CS-RT-001'],
      ['error', 'c/hand-written', 'CS-RT-004'],
      ['error', 'c/hand-written', 'CS-WL-001'],
      ['warning', 'c/qwen/Resource', 'CS-KSV-002'],
    ]);
    // Columns line up: every row's rule starts where the header's does.
    const at = lines[1].indexOf('rule');
    for (const r of rows) expect(r.slice(at, at + 3)).toBe('CS-');
    expect(lines[lines.length - 1]).toMatch(/^cdk8s-coldstart: 5 errors, 1 warning, 1 suppressed \(see \/.+\/coldstart-findings\.jsonl\)$/);
  });

  test('names the object, the problem and the whole fix under each row', () => {
    const entry = lines.slice(lines.findIndex(l => l.includes('CS-RT-001')), lines.findIndex(l => l.includes('CS-RT-004'))).join('\n');
    expect(entry).toMatch(/^ {11}Deployment\/hand-written: vLLM container "vllm" sets --gpu-memory-utilization=0\.95,/m);
    expect(entry).toMatch(/^ {11}fix: Pass --gpu-memory-utilization=0\.6/m);
    expect(entry.replace(/\s+/g, ' ')).toContain('or suppress with a reason for a GPU the model has to itself.');
  });

  test('truncates long values with an ellipsis and stays within 100 columns', () => {
    const row = lines.find(l => l.includes('CS-IMG-001'))!;
    expect(row).toMatch(/ docker\.io\/vllm\/vllm-openai:x+…$/);
    for (const l of lines.slice(0, -1)) expect(l.length).toBeLessThanOrEqual(100);
  });

  test('carries no stack frames', () => {
    expect(error.stack).toBe(`Error: ${error.message}`);
    expect(error.stack).not.toMatch(/\n\s+at /);
  });
});

describe('a synth with warnings or suppressions', () => {
  test('prints each warning once and the summary line on stderr, nothing on stdout', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    warnedModel(chart);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      app.synth();
      app.synthYaml();
      const printed = stderr.mock.calls.map(c => String(c[0]));
      expect(printed.filter(l => l.startsWith('cdk8s-coldstart: WARNING [CS-KSV-002]'))).toHaveLength(1);
      expect(printed.filter(l => l.includes('suppressed'))).toEqual([expect.stringMatching(/^cdk8s-coldstart: 0 errors, 1 warning, 0 suppressed \(see \/.+\/coldstart-findings\.jsonl\)\n$/)]);
      expect(stdout).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
  });

  test('prints no summary line when nothing was found', () => {
    const app = Testing.app();
    new ColdStartOptimizedModel(new Chart(app, 'c'), 'qwen', baseProps());
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      app.synth();
      expect(stderr.mock.calls.filter(c => String(c[0]).includes('suppressed'))).toEqual([]);
    } finally {
      stderr.mockRestore();
    }
  });
});

test('under `cdk8s synth`, the app prints the block alone on stderr and exits 1', () => {
  // What the CLI runs: a child process whose new App() writes to CDK8S_OUTDIR.
  const outdir = mkdtempSync(join(tmpdir(), 'cli-'));
  const src = join(__dirname, '..', '..', 'src');
  const script = `const { App, Chart, ApiObject } = require(${JSON.stringify(require.resolve('cdk8s'))}); const lib = require(${JSON.stringify(src)});
    const app = new App(); const chart = new Chart(app, 'c');
    lib.Aspects.of(app).add(new lib.ColdStartBaseline());
    new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    app.synth(); process.stdout.write('not reached');`;
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_OUTDIR: outdir, TS_NODE_PROJECT: join(__dirname, '..', '..', 'tsconfig.json') };
  delete env.JEST_WORKER_ID;
  const r = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '-e', script], { cwd: outdir, env, encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^cdk8s-coldstart: synth failed on 1 rule error; no manifest was written\.\n {2}level +path +rule +value\n {2}error +c\/o +CS-IMG-001 +busybox\n/);
  expect(r.stderr).toMatch(/\ncdk8s-coldstart: 1 error, 0 warnings, 0 suppressed \(see coldstart-findings\.jsonl\)\n$/);
  expect(r.stderr).not.toMatch(/\n\s+at |Node\.js v/);
});

test('an app whose outdir is not the CLI\'s still throws', () => {
  const app = new App({ outdir: Testing.app().outdir });
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = mkdtempSync(join(tmpdir(), 'cli-'));
  try {
    handWritten(new Chart(app, 'c'));
    Aspects.of(app).add(new ColdStartBaseline());
    expect(() => app.synth()).toThrow(/^cdk8s-coldstart: synth failed on 5 rule errors/);
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
});
