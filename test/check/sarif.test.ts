import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv';
import { cli, THIRD_PARTY } from './util';
import { BASELINE_RULES } from '../../src/rules';

// The OASIS schema is draft-04 (`id`, not `$id`); its formats are checked by the assertions below.
const schema = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
const { $schema: _draft, id, ...rest } = schema;
const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile({ $id: id, ...rest });

describe('--format sarif', () => {
  const annotated = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    coldstart.cdk8s.io/suppress: "CS-IMG-001: upstream publishes tags only"
spec:
  containers: [{name: c, image: "busybox:1.36"}]
`;

  test('is valid SARIF 2.1.0 with the pack as the driver, a result per finding at the file and line', () => {
    const file = join(THIRD_PARTY, 'production-stack-helm-basic.yaml');
    const r = cli(['check', '--format', 'sarif', file]);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json');
    expect(log.runs).toHaveLength(1);
    const { driver } = log.runs[0].tool;
    expect(driver).toMatchObject({ name: 'cdk8s-coldstart', informationUri: 'https://github.com/cdk8s-coldstart/cdk8s-coldstart' });
    expect(driver.rules.map((x: any) => x.id)).toEqual(BASELINE_RULES.map(x => x.id));
    expect(driver.rules[0]).toEqual({
      id: 'CS-IMG-001',
      shortDescription: { text: BASELINE_RULES[0].summary },
      fullDescription: { text: BASELINE_RULES[0].explanation },
      help: { text: BASELINE_RULES[0].fix },
      helpUri: 'https://github.com/cdk8s-coldstart/cdk8s-coldstart/blob/main/RULES.md',
      defaultConfiguration: { level: 'error' },
    });
    const results = log.runs[0].results;
    // The chart's pod also misses every Pod Security setting CS-SEC-004 asks for.
    expect(results.map((x: any) => [x.ruleId, x.level])).toEqual([
      ['CS-IMG-001', 'error'], ['CS-SHM-001', 'warning'], ['CS-SHM-002', 'error'], ['CS-RT-002', 'error'], ['CS-SEC-004', 'warning'],
    ]);
    for (const x of results) {
      expect(driver.rules[x.ruleIndex].id).toBe(x.ruleId);
      expect(x.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: `file://${file}` }, region: { startLine: 35 } });
      expect(x.locations[0].logicalLocations).toEqual([{ fullyQualifiedName: 'default/Deployment/vllm-llama3-deployment-vllm', kind: 'resource' }]);
    }
    expect(results[0].message.text).toMatch(/^Deployment\/vllm-llama3-deployment-vllm: container "vllm" image is not pinned by digest \(found: vllm\/vllm-openai:latest\)\. Fix: /);
  });

  test('relative paths are URI references, stdin is "stdin", suppressed findings carry an in-source suppression', () => {
    const relative = JSON.parse(cli(['check', '--format', 'sarif', 'test/fixtures/third-party/vllm-docs-k8s-gpu.yaml']).stdout);
    expect(relative.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('test/fixtures/third-party/vllm-docs-k8s-gpu.yaml');
    const r = cli(['check', '--format', 'sarif', '-'], annotated);
    expect(r.code).toBe(0);
    const log = JSON.parse(r.stdout);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(log.runs[0].results).toEqual([expect.objectContaining({
      ruleId: 'CS-IMG-001',
      level: 'error',
      suppressions: [{ kind: 'inSource', justification: 'upstream publishes tags only' }],
      locations: [expect.objectContaining({ physicalLocation: { artifactLocation: { uri: 'stdin' }, region: { startLine: 1 } } })],
    })]);
  });
});
