import { writeFileSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, Chart, Include, Testing } from 'cdk8s';
import { Aspects, ColdStartBaseline, Findings, RulePack, RuleSuppressions } from '../../src';
import { parseSuppressAnnotation } from '../../src/aspects/suppressions';
import { CS_IMG_001 } from '../../src/rules/cs-img-001';

/** A pod whose image has a tag: CS-IMG-001 fires on it. */
function tagged(name: string, annotations?: Record<string, string>): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...annotations ? { annotations } : {} },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
  };
}

function synth(objects: any[], add: (chart: Chart) => void = () => {}): { error?: string; app: ReturnType<typeof Testing.app> } {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
  add(chart);
  Aspects.of(app).add(new ColdStartBaseline());
  try {
    app.synthYaml();
    return { app };
  } catch (e) {
    return { app, error: (e as Error).message };
  }
}

describe('the coldstart.cdk8s.io/suppress annotation', () => {
  test('suppresses the rule on the object that carries it, with its reason, and nowhere else', () => {
    const { app, error } = synth([tagged('a', { 'coldstart.cdk8s.io/suppress': 'CS-IMG-001: busybox tags are rebuilt rarely' }), tagged('b')]);
    expect(Findings.of(app).map(f => [f.object, f.ruleId, f.suppressed])).toEqual([
      ['Pod/a', 'CS-IMG-001', 'busybox tags are rebuilt rarely'],
      ['Pod/b', 'CS-IMG-001', undefined],
    ]);
    expect(error).toContain('Pod/b:');
    expect(error).not.toContain('Pod/a:');
  });

  test('takes several entries, separated by ; or new lines', () => {
    expect(parseSuppressAnnotation('CS-RT-001: the GPU is dedicated here; CS-IMG-001: vendor tag is immutable\nCS-RT-002 : no Service named vllm exists')).toEqual({
      suppressions: [
        { id: 'CS-RT-001', reason: 'the GPU is dedicated here' },
        { id: 'CS-IMG-001', reason: 'vendor tag is immutable' },
        { id: 'CS-RT-002', reason: 'no Service named vllm exists' },
      ],
      problems: [],
    });
  });

  test('names every problem: no rule id, a short or missing reason, a rule named twice, an empty value', () => {
    expect(parseSuppressAnnotation('CS RT 001: long enough reason; CS-RT-001: short; CS-RT-002; CS-IMG-001: long enough reason; CS-IMG-001: and once more here').problems).toEqual([
      '"CS RT 001: long enough reason" does not start with a rule id',
      'CS-RT-001 needs a reason of at least 10 characters, got "short"',
      'CS-RT-002 needs a reason of at least 10 characters, got ""',
      'CS-IMG-001 is named twice',
    ]);
    expect(parseSuppressAnnotation(' ; ').problems).toEqual(['it names no rule']);
    expect(parseSuppressAnnotation(3).problems).toEqual(['the value must be a string, got number']);
  });

  test('fails synth naming the object when it is malformed', () => {
    const { error } = synth([tagged('a', { 'coldstart.cdk8s.io/suppress': 'CS-IMG-001: short' })]);
    expect(error).toMatch(/^Pod\/a \(c\/o0\): annotation coldstart\.cdk8s\.io\/suppress: CS-IMG-001 needs a reason of at least 10 characters, got "short"\. Fix: /);
  });

  test('fails synth naming the object when it names a rule no pack has', () => {
    const { error } = synth([tagged('a', { 'coldstart.cdk8s.io/suppress': 'CS-IMG-999: a rule that does not exist' })]);
    expect(error).toMatch(/^c\/o0: annotation coldstart\.cdk8s\.io\/suppress of Pod\/a: suppression of unknown rule "CS-IMG-999"\. Fix: use one of CS-IMG-001, /);
  });

  test('may name a rule of another pack in the app', () => {
    class Other extends RulePack {
      constructor() { super({ rules: [] }); }
    }
    const app = Testing.app();
    new ApiObject(new Chart(app, 'c'), 'o', tagged('a', { 'coldstart.cdk8s.io/suppress': 'CS-IMG-001: busybox tags are rebuilt rarely' }));
    Aspects.of(app).add(new Other());
    Aspects.of(app).add(new ColdStartBaseline());
    expect(() => app.synthYaml()).not.toThrow();
    expect(Findings.of(app).map(f => f.suppressed)).toEqual(['busybox tags are rebuilt rarely']);
  });

  test('works on Included YAML, and beside RuleSuppressions (which win)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'annotation-'));
    const file = join(dir, 'pods.yaml');
    writeFileSync(file, [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: inc\n  annotations:\n    coldstart.cdk8s.io/suppress: "CS-IMG-001: mirrored, tag never moves"\n'
      + 'spec:\n  containers:\n    - {name: c, image: "busybox:1.36"}\n',
    ].join(''));
    const { app, error } = synth([tagged('raw', { 'coldstart.cdk8s.io/suppress': 'CS-IMG-001: from the annotation here' })], chart => {
      new Include(chart, 'inc', { url: file });
      RuleSuppressions.add(chart.node.findChild('o0'), [{ id: 'CS-IMG-001', reason: 'from RuleSuppressions.add' }]);
    });
    expect(error).toBeUndefined();
    expect(Findings.of(app).map(f => [f.object, f.suppressed])).toEqual([
      ['Pod/raw', 'from RuleSuppressions.add'],
      ['Pod/inc', 'mirrored, tag never moves'],
    ]);
  });

  test('writes the kube-linter exemption as RuleSuppressions does', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'o', tagged('a', { 'coldstart.cdk8s.io/suppress': 'CS-IMG-001: busybox tags are rebuilt rarely' }));
    Aspects.of(app).add(new ColdStartBaseline());
    const [out] = Testing.synth(chart);
    expect(out.metadata.annotations[`ignore-check.kube-linter.io/${CS_IMG_001.kubeLinterCheck}`]).toBe('busybox tags are rebuilt rarely');
  });
});
