import { readFileSync } from 'fs';
import { join } from 'path';
import { rulesMarkdown } from '../../src/rules/markdown';

test('RULES.md matches the rules (regenerate with `npx projen rules`)', () => {
  expect(readFileSync(join(__dirname, '..', '..', 'RULES.md'), 'utf8')).toBe(rulesMarkdown());
});

test('RULES.md lists every rule id once', () => {
  const ids = rulesMarkdown().match(/^\| CS-[A-Z]+-\d{3} /gm)!.map(s => s.slice(2).trim());
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBeGreaterThanOrEqual(13);
});
