import { BASELINE_RULES } from '.';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * RULES.md, generated from the rules themselves (`npx projen rules`); a test
 * keeps the committed file in sync.
 * @internal
 */
export function rulesMarkdown(): string {
  const rows = BASELINE_RULES.map(r => {
    const external = [r.kubeLinterCheck && `kube-linter \`${r.kubeLinterCheck}\``, r.polarisCheck && `Polaris \`${r.polarisCheck}\``].filter(Boolean).join(', ') || '-';
    return `| ${r.id} | ${r.level} | ${cell(r.summary)} | ${cell(r.explanation)} | ${cell(r.fix)} | ${external} |`;
  });
  return [
    '# Rules',
    '',
    '<!-- Generated from src/rules by `npx projen rules`; test/rules-md.test.ts keeps it in sync. -->',
    '',
    'The `ColdStartBaseline` pack checks every ApiObject in the app before any manifest is written:',
    'the library\'s objects, cdk8s-plus workloads, raw `ApiObject`s and `Include`d YAML. A',
    '`ColdStartOptimizedModel` adds the pack to its app for its profile; add it to any app with',
    '`Aspects.of(app).add(new ColdStartBaseline({ environment, cloud }))`.',
    '',
    'Errors fail synth with one message listing every finding (construct path, object, rule id, value found, fix).',
    'Warnings are printed and do not fail. `coldstart-findings.jsonl`, written next to the manifests, lists every',
    'finding, suppressed ones included. It is JSON Lines so that `kubectl apply -f dist/` and Argo CD skip it.',
    '',
    'Suppress a rule on a construct and everything under it, or on a single object, with a reason of at least 10 characters:',
    '`RuleSuppressions.add(scope, [{ id: \'CS-RT-001\', reason: \'dedicated GPU, no co-tenant\' }])`. Where kube-linter or',
    'Polaris has the same check, the suppression also writes their exemption annotation on the object.',
    '',
    '| id | level | rule | why | fix | same check elsewhere |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
