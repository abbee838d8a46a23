import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { cli, THIRD_PARTY, verdicts } from './util';

const DIGEST = '@sha256:' + 'e'.repeat(64);

/** A vLLM Deployment in YAML that every baseline rule accepts in the lab profile, with extra annotations. */
function deployment(name: string, image = `vllm/vllm-openai${DIGEST}`, annotations = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${annotations ? `  annotations:\n${annotations}` : ''}spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      enableServiceLinks: false
      automountServiceAccountToken: false
      securityContext: {seccompProfile: {type: RuntimeDefault}, fsGroup: 1000}
      containers:
        - name: vllm
          image: ${image}
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsNonRoot: true, runAsUser: 1000}
          args: [--model=/models/m, --gpu-memory-utilization=0.6]
          env: [{name: HF_HUB_OFFLINE, value: "1"}, {name: TRANSFORMERS_OFFLINE, value: "1"}]
          resources: {limits: {memory: 24Gi, nvidia.com/gpu: "1"}}
          startupProbe: {httpGet: {path: /health, port: 8000}, periodSeconds: 10, failureThreshold: 60}
          volumeMounts: [{name: shm, mountPath: /dev/shm}, {name: models, mountPath: /models}]
      volumes:
        - {name: shm, emptyDir: {medium: Memory, sizeLimit: 2Gi}}
        - {name: models, persistentVolumeClaim: {claimName: models, readOnly: true}}
`;
}

describe('cdk8s-coldstart check', () => {
  test('a compliant manifest: exit 0, no findings, its estimate (here none: /models/m names no size), the summary line', () => {
    const r = cli(['check', '-'], deployment('ok'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'stdin:1  Deployment/ok',
      '  estimate: no estimate: model size unknown; add the coldstart.cdk8s.io/model-size annotation',
      '    from: model /models/m; volume "models" at /models: PVC models',
      '',
      'No findings.',
      '',
      '0 errors, 0 warnings, 0 suppressed (1 object in 1 file; profile lab, cloud generic)',
      '',
    ].join('\n'));
    expect(r.stderr).toBe('');
  });

  test('an unsuppressed error: exit 1 and a table with file:line, object, level, rule, value, message and fix', () => {
    const r = cli(['check', '-'], `${deployment('ok')}---\n${deployment('tagged', 'vllm/vllm-openai:v0.11.0')}`);
    expect(r.code).toBe(1);
    const noEstimate = [
      '  estimate: no estimate: model size unknown; add the coldstart.cdk8s.io/model-size annotation',
      '    from: model /models/m; volume "models" at /models: PVC models',
    ];
    expect(r.stdout).toBe([
      'stdin:1  Deployment/ok',
      ...noEstimate,
      '',
      'stdin:26  Deployment/tagged',
      '  error      CS-IMG-001  vllm/vllm-openai:v0.11.0',
      '                         container "vllm" image is not pinned by digest',
      '                         fix: Reference the image as registry/repository@sha256:<digest> (`crane digest <image>` prints it).',
      ...noEstimate,
      '',
      '1 error, 0 warnings, 0 suppressed (2 objects in 1 file; profile lab, cloud generic)',
      '',
    ].join('\n'));
  });

  test('warnings alone exit 0', () => {
    const noShm = deployment('w').replace('{name: shm, mountPath: /dev/shm}, ', '').replace('        - {name: shm, emptyDir: {medium: Memory, sizeLimit: 2Gi}}\n', '');
    const r = cli(['check', '--format', 'json', '-'], noShm);
    expect(verdicts(r)).toEqual(['Deployment/w CS-SHM-001 warning']);
    expect(r.code).toBe(0);
  });

  test('the suppression annotation suppresses with its reason: exit 0, shown as suppressed', () => {
    const annotation = '    coldstart.cdk8s.io/suppress: |\n      CS-IMG-001: the vendor tag is immutable\n      CS-RT-001: not triggered, but allowed\n';
    const r = cli(['check', '-'], deployment('s', 'vllm/vllm-openai:v0.11.0', annotation));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  suppressed CS-IMG-001  vllm/vllm-openai:v0.11.0\n');
    expect(r.stdout).toContain('reason: the vendor tag is immutable\n');
    expect(r.stdout).toContain('0 errors, 0 warnings, 1 suppressed');
  });

  test('an invalid suppression annotation: exit 2 naming every object, file and line', () => {
    const bad = (id: string, reason: string) => `    coldstart.cdk8s.io/suppress: "${id}: ${reason}"\n`;
    const r = cli(['check', '-'], `${deployment('a', undefined, bad('CS-IMG-001', 'short'))}---\n${deployment('b', undefined, bad('CS-XYZ-001', 'long enough reason'))}`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp([
      '^cdk8s-coldstart: stdin:1: Deployment/a: annotation coldstart.cdk8s.io/suppress: CS-IMG-001 needs a reason of at least 10 characters, got "short"',
      'stdin:28: Deployment/b: annotation coldstart.cdk8s.io/suppress: CS-XYZ-001 is not a rule of the pack \\(CS-IMG-001, .*\\)\n$',
    ].join('\n')));
  });

  test('--profile, --cloud and --region select the pack', () => {
    const args = (...a: string[]) => verdicts(cli(['check', '--format=json', ...a, join(THIRD_PARTY, 'vllm-docs-k8s-gpu.yaml')]));
    expect(args()).not.toContain('Deployment/mistral-7b CS-RT-003 error');
    expect(args('--profile', 'production')).toContain('Deployment/mistral-7b CS-RT-003 error');
    const gke = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {cloud.google.com/gke-accelerator: nvidia-l4}\n  containers: [{name: c, image: "europe-west4-docker.pkg.dev/p/r/i${DIGEST}"}]\n`;
    expect(verdicts(cli(['check', '--format', 'json', '-'], gke))).toEqual(['Pod/p CS-PRF-001 error']);
    expect(verdicts(cli(['check', '--format', 'json', '--cloud', 'gke', '-'], gke))).toEqual([]);
    expect(verdicts(cli(['check', '--format', 'json', '--cloud', 'gke', '--region', 'us-central1', '-'], gke))).toEqual(['Pod/p CS-IMG-003 warning']);
  });

  test('a credential is never echoed, in any format', () => {
    const file = join(THIRD_PARTY, 'kserve-huggingface-llama3.yaml');
    const token = 'hf_FixtureOnlyNotARealToken0123456789';
    expect(readFileSync(file, 'utf8')).toContain(token);
    for (const format of ['table', 'json', 'sarif']) {
      const r = cli(['check', '--format', format, file]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('HF_TOKEN=<37 characters>');
      expect(r.stdout + r.stderr).not.toContain(token);
      expect(r.stdout + r.stderr).not.toContain('FixtureOnly');
    }
  });

  test('--output writes the report to a file and still prints the table', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'out-')), 'report.json');
    const r = cli(['check', '--format', 'json', '--output', out, '-'], deployment('tagged', 'vllm/vllm-openai:latest'));
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).summary).toEqual({ errors: 1, warnings: 0, suppressed: 0, objects: 1, files: 1 });
    expect(r.stdout).toMatch(/^stdin:1 {2}Deployment\/tagged\n {2}error {6}CS-IMG-001/);
  });

  test('reads files and directories together, and writes nothing anywhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'untouched-'));
    const before = readdirSync(THIRD_PARTY);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = cli(['check', '--format', 'json', THIRD_PARTY, join(THIRD_PARTY, 'vllm-docs-k8s-gpu.yaml')]);
      expect(JSON.parse(r.stdout).summary.files).toBe(3);
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(THIRD_PARTY)).toEqual(before);
  });

  test.each([
    [[], 'no command'],
    [['lint', 'x.yaml'], 'unknown command "lint"'],
    [['check'], 'no file, directory or - (stdin) to check'],
    [['check', '--format', 'xml', '-'], '--format must be one of table, json, sarif, got "xml"'],
    [['check', '--profile', 'staging', '-'], '--profile must be one of lab, production, got "staging"'],
    [['check', '--cloud', 'azure', '-'], '--cloud must be one of generic, gke, eks, got "azure"'],
    [['check', '--region'], '--region needs a value'],
    [['check', '--fix', '-'], 'unknown option --fix'],
    [['check', '-x', '-'], 'unknown option -x'],
  ])('usage error %j: exit 2 with the message and the usage', (argv, message) => {
    const r = cli(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^cdk8s-coldstart: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n\nUsage: cdk8s-coldstart check `));
  });

  test('unreadable input, invalid YAML and input without objects exit 2', () => {
    expect(cli(['check', '/nonexistent.yaml'])).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-coldstart: cannot read /nonexistent.yaml: ENOENT\n' });
    expect(cli(['check', '-'], 'a: [')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^cdk8s-coldstart: stdin:1: not valid YAML: /) });
    expect(cli(['check', '-'], '')).toEqual({ code: 2, stdout: '', stderr: 'cdk8s-coldstart: no Kubernetes object in the input\n' });
    expect(cli(['check', '-'], 'replicaCount: 1\n')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'cdk8s-coldstart: skipped stdin:1: no apiVersion and kind: not a Kubernetes object\ncdk8s-coldstart: no Kubernetes object in the input\n',
    });
    expect(cli(['check', '-', '-'], deployment('x')).stderr).toBe('cdk8s-coldstart: standard input (-) is given twice\n');
  });

  test('--help and --version', () => {
    for (const argv of [['--help'], ['-h'], ['check', '--help']]) {
      const r = cli(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: cdk8s-coldstart check \[options\] <file \| directory \| -> \.\.\./);
    }
    expect(cli(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
