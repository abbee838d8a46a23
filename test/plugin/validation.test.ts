import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { CONFIG_MAP, taggedVllmDeployment, vllmDeployment } from './manifests';
import { CloudProvider, ColdStartValidation, Environment } from '../../src';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'cs-plugin-unit-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes each file (a list of documents, or raw YAML text) and returns their paths. */
function manifests(files: Record<string, any[] | string>): string[] {
  return Object.entries(files).map(([name, docs]) => {
    const path = join(dir, name);
    writeFileSync(path, typeof docs === 'string' ? docs : docs.map(d => JSON.stringify(d)).join('\n---\n'));
    return path;
  });
}

/** A context shaped like the cdk8s CLI's, recording what the plugin reports. */
function fakeContext(paths: string[]) {
  const violations: any[] = [];
  const logs: string[] = [];
  let submitted: { status: string; metadata?: Record<string, string> } | undefined;
  const context = {
    manifests: paths,
    pkg: 'cdk8s-coldstart',
    version: '0.0.0',
    metadata: {},
    logger: { log: (m: string) => logs.push(m) },
    parseManifest: (p: string) => parseAllDocuments(readFileSync(p, 'utf8')).map(d => d.toJS()),
    report: {
      addViolation: (v: any) => {
        if (submitted) throw new Error('addViolation after submit');
        violations.push(v);
      },
      submit: (status: string, metadata?: Record<string, string>) => { submitted = { status, metadata }; },
    },
  };
  return { context, violations, logs, submitted: () => submitted };
}

async function run(files: Record<string, any[] | string>, props: any = {}) {
  const fake = fakeContext(manifests(files));
  await new ColdStartValidation(props).validate(fake.context);
  return fake;
}

test('a tagged image fails the report with CS-IMG-001 on the object, its file and its document', async () => {
  const r = await run({ 'app.k8s.yaml': [CONFIG_MAP, taggedVllmDeployment('ml')] });
  expect(r.submitted()?.status).toBe('failure');
  expect(r.violations).toEqual([{
    ruleName: 'CS-IMG-001: Every container image and every oci:// storageUri is pinned by @sha256: digest',
    recommendation: 'container "vllm" image is not pinned by digest; found: docker.io/vllm/vllm-openai:v0.10.1',
    fix: expect.stringContaining('@sha256:<digest>'),
    violatingResources: [{ resourceName: 'Deployment/vllm (namespace ml)', manifestPath: join(dir, 'app.k8s.yaml'), locations: ['$[1]'] }],
  }]);
  expect(r.submitted()?.metadata).toEqual({ environment: 'lab', cloud: 'generic', errors: '1', warnings: '0', suppressed: '0' });
  expect(r.logs).toEqual(['cdk8s-coldstart: 1 error(s), 0 warning(s), 0 suppressed in 1 manifest file(s)']);
});

test('compliant manifests pass with no violation', async () => {
  const r = await run({ 'a.k8s.yaml': [vllmDeployment(), CONFIG_MAP], 'b.k8s.yaml': '' });
  expect(r.violations).toEqual([]);
  expect(r.submitted()?.status).toBe('success');
});

test('objects in a kind: List, and in every file, are judged and located', async () => {
  const list = { apiVersion: 'v1', kind: 'List', items: [CONFIG_MAP, taggedVllmDeployment()] };
  const r = await run({ 'a.yaml': [CONFIG_MAP], 'b.yaml': `note: not a Kubernetes object\n---\n${JSON.stringify(list)}\n` });
  expect(r.violations.map(v => v.violatingResources)).toEqual([
    [{ resourceName: 'Deployment/vllm', manifestPath: join(dir, 'b.yaml'), locations: ['$[1].items[1]'] }],
  ]);
});

test('one violation per rule and message, listing every object it concerns', async () => {
  const other = { ...taggedVllmDeployment(), metadata: { name: 'vllm-b' } };
  const r = await run({ 'a.yaml': [taggedVllmDeployment(), other] });
  expect(r.violations).toHaveLength(1);
  expect(r.violations[0].violatingResources.map((v: any) => [v.resourceName, v.locations])).toEqual([
    ['Deployment/vllm', ['$[0]']], ['Deployment/vllm-b', ['$[1]']],
  ]);
});

test('warnings are reported without failing the report', async () => {
  const image = 'europe-west4-docker.pkg.dev/p/r/vllm@sha256:' + 'a'.repeat(64);
  const r = await run({ 'a.yaml': [vllmDeployment(image)] }, { region: 'us-central1' });
  expect(r.violations.map(v => v.ruleName)).toEqual([expect.stringMatching(/^CS-IMG-003 \(warning\): /)]);
  expect(r.submitted()).toEqual({ status: 'success', metadata: expect.objectContaining({ region: 'us-central1', errors: '0', warnings: '1' }) });
});

test('the properties select the profile: production requires a persistent cache, gke allows GKE keys', async () => {
  const gke = vllmDeployment();
  gke.spec.template.spec.nodeSelector = { 'cloud.google.com/compute-class': 'gpu' };
  delete gke.spec.template.spec.containers[0].volumeMounts;
  const ids = async (props: any) => (await run({ 'a.yaml': [gke] }, props)).violations.map(v => v.ruleName.split(':')[0]);
  expect(await ids({})).toEqual(['CS-PRF-001']);
  expect(await ids({ cloud: 'gke' })).toEqual([]);
  expect(await ids({ cloud: CloudProvider.GKE, environment: Environment.PRODUCTION })).toEqual(['CS-RT-003']);
});

test('a literal credential is reported without its value', async () => {
  const leaky = vllmDeployment();
  leaky.spec.template.spec.containers[0].env = [{ name: 'HF_TOKEN', value: 'hf_SuperSecretTokenValue123' }];
  const r = await run({ 'a.yaml': [leaky] });
  expect(r.violations.map(v => v.ruleName.split(':')[0])).toEqual(['CS-SEC-001']);
  expect(JSON.stringify(r.violations)).not.toContain('SuperSecret');
});

test('properties from cdk8s.yaml are checked, naming the property and the allowed values', () => {
  expect(() => new ColdStartValidation({ environment: 'PRODUCTION' } as any))
    .toThrow('ColdStartValidation: property "environment" must be one of lab, production, got "PRODUCTION"');
  expect(() => new ColdStartValidation({ cloud: 'aks' } as any)).toThrow('property "cloud" must be one of generic, gke, eks, got "aks"');
  expect(() => new ColdStartValidation({ region: 42 } as any)).toThrow('property "region" must be a region name');
  expect(() => new ColdStartValidation({ enviroment: 'lab' } as any)).toThrow('unknown property "enviroment". Fix: use only environment, cloud, region');
  expect(() => new ColdStartValidation({ environment: 'production', cloud: 'eks', region: 'us-east-1' } as any)).not.toThrow();
});
