import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as ts from 'typescript';
import * as lib from '../../src';
import { Aspects, ColdStartBaseline, Environment, Findings, Rule, RuleContext, RuleLevel, RulePack, RuleSuppressions } from '../../src';

/** The README's "Custom rules" snippet, run as written, so the two cannot drift. */
function readmeSnippet(): string {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n### Custom rules\n'));
  const code = /```ts\n([\s\S]*?)```/.exec(section);
  if (!code) throw new Error('README.md: no ```ts block under "### Custom rules"');
  return code[1];
}

interface Snippet { RequireTeamLabel: new () => Rule; AcmePack: new () => RulePack }

/** Runs the snippet against `app` (which it uses as the README's other snippets do) and returns its classes. */
function runSnippet(app: App): Snippet {
  const js = ts.transpileModule(readmeSnippet(), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  // The snippet's own imports, resolved as the README's app would.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (m: string) => (m === 'cdk8s-coldstart' ? lib : require(m));
  return new Function('require', 'exports', 'app', `${js}\nreturn { RequireTeamLabel, AcmePack };`)(load, {}, app);
}

function configMap(name: string, labels?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { k: 'v' } };
}

/** An app with a labelled and an unlabelled ConfigMap, under the README's pack. */
function setup() {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  new ApiObject(chart, 'labelled', configMap('a', { team: 'ml' }));
  const unlabelled = new ApiObject(chart, 'unlabelled', configMap('b'));
  const snippet = runSnippet(app);
  return { app, chart, unlabelled, snippet };
}

test('the README snippet adds its pack to the app', () => {
  const { app, snippet } = setup();
  expect(Aspects.of(app).all).toEqual([expect.any(snippet.AcmePack)]);
  expect((Aspects.of(app).all[0] as RulePack).ruleIds).toEqual(['ACME-001']);
});

test("a custom rule's error is found, and fails synth before anything is written", () => {
  const { app } = setup();
  expect(() => app.synth()).toThrow(new RegExp([
    '^cdk8s-coldstart: synth failed on 1 rule error; no manifest was written\\.',
    '  level  path          rule      value',
    '  error  c/unlabelled  ACME-001  no team label',
    '         ConfigMap/b: ConfigMap has no team label',
    '         fix: Set metadata\\.labels\\.team\\.',
    'cdk8s-coldstart: 1 error, 0 warnings, 0 suppressed \\(see /.+/coldstart-findings\\.jsonl\\)$',
  ].join('\n')));
  expect(existsSync(join(app.outdir, 'c.k8s.yaml'))).toBe(false);
  expect(Findings.of(app)).toEqual([{
    ruleId: 'ACME-001',
    level: RuleLevel.ERROR,
    summary: 'Every object has a team label',
    path: 'c/unlabelled',
    object: 'ConfigMap/b',
    value: 'no team label',
    message: 'ConfigMap has no team label',
    fix: 'Set metadata.labels.team.',
  }]);
});

test('a custom rule is suppressed like a baseline rule, and the report keeps the reason', () => {
  const { app, unlabelled } = setup();
  RuleSuppressions.add(unlabelled, [{ id: 'ACME-001', reason: 'legacy object, owner being found' }]);
  app.synth();
  expect(existsSync(join(app.outdir, 'c.k8s.yaml'))).toBe(true);
  expect(Findings.of(app).map(f => [f.ruleId, f.path, f.suppressed])).toEqual([['ACME-001', 'c/unlabelled', 'legacy object, owner being found']]);
});

test('a custom pack runs beside the baseline, and suppressions may name the rules of either', () => {
  const { app, chart, unlabelled } = setup();
  Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
  RuleSuppressions.add(unlabelled, [{ id: 'ACME-001', reason: 'legacy object, owner being found' }]);
  RuleSuppressions.add(chart, [{ id: 'CS-RT-001', reason: 'no vLLM in this chart at all' }]);
  app.synthYaml();
  expect(Findings.of(app).map(f => f.ruleId)).toEqual(['ACME-001']);
});

test('a suppression naming no rule of any pack fails synth, listing the rules there are', () => {
  const { app, unlabelled } = setup();
  RuleSuppressions.add(unlabelled, [{ id: 'ACME-002', reason: 'a typo of the rule id' }]);
  expect(() => app.synthYaml()).toThrow(/^c\/unlabelled: suppression of unknown rule "ACME-002"\. Fix: use one of ACME-001$/);
});

test('a rule can be checked on its own, with a context of its own', () => {
  const { snippet } = setup();
  const rule = new snippet.RequireTeamLabel();
  expect(rule.check(configMap('a', { team: 'ml' }), new RuleContext())).toEqual([]);
  expect(rule.check(configMap('b'), new RuleContext({ objects: [] }))).toEqual([{ value: 'no team label', message: 'ConfigMap has no team label' }]);
});

describe('the public shape refuses', () => {
  class Named extends Rule {
    constructor(id: string, level = RuleLevel.WARNING) {
      super({ id, level, summary: 's', explanation: 'e', fix: 'f' });
    }
    public check(): [] { return []; }
  }
  class Pack extends RulePack {}

  test('a rule id a suppression could not name', () => {
    expect(() => new Named('acme 1')).toThrow(/^rule id "acme 1" is not an id\. Fix: /);
  });

  test('a level outside RuleLevel', () => {
    expect(() => new Named('ACME-1', 'fatal' as RuleLevel)).toThrow(/^rule ACME-1: level "fatal" is not a RuleLevel\. Fix: /);
  });

  test('two rules with one id in a pack', () => {
    expect(() => new Pack({ rules: [new Named('ACME-1'), new Named('ACME-1')] })).toThrow(/^Pack: rule ACME-1 is in the pack twice\. Fix: /);
  });
});

test('the context gives relational rules every object of the app, once per pass', () => {
  const seen: any[][] = [];
  class CountObjects extends Rule {
    constructor() { super({ id: 'ACME-OBJECTS', level: RuleLevel.WARNING, summary: 's', explanation: 'e', fix: 'f' }); }
    public check(_obj: any, context: RuleContext) { seen.push(context.objects()); return []; }
  }
  class Pack extends RulePack {}
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  new ApiObject(chart, 'a', configMap('a'));
  new ApiObject(chart, 'b', configMap('b'));
  // On the chart, so objects() still reads the whole app.
  Aspects.of(chart).add(new Pack({ rules: [new CountObjects()], environment: Environment.PRODUCTION }));
  new ApiObject(new Chart(app, 'd'), 'c', configMap('c'));
  app.synthYaml();
  expect(seen).toHaveLength(2);
  expect(seen[0]).toBe(seen[1]);
  expect(seen[0].map(o => o.metadata.name)).toEqual(['a', 'b', 'c']);
});
