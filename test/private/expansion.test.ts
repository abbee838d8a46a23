import { escapeExpansion, expand, expansionReferences } from '../../src/private/expansion';

const ENV: Record<string, string> = { A: 'secret-a', B: 'b' };
const lookup = (name: string) => ENV[name];

describe('Kubernetes variable expansion (expand.go)', () => {
  test.each([
    ['$(A)', 'secret-a'],
    ['x$(A)y$(B)', 'xsecret-ayb'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$secret-a'],
    ['$$$$(A)', '$$(A)'],
    ['$(UNSET)', '$(UNSET)'],
    ['$(A', '$(A'],
    ['$A $ end$', '$A $ end$'],
    ['$()', '$()'],
    ['$(a b)', '$(a b)'],
  ])('%s expands to %s', (text, expanded) => {
    expect(expand(text, lookup)).toBe(expanded);
  });

  test('references are the names looked up, escaped ones excluded', () => {
    expect(expansionReferences('--a=$(A) $$(B) $$$(C) $(D $(E)')).toEqual(['A', 'C', 'D $(E']);
  });

  test('an escaped string comes out of the kubelet exactly as written', () => {
    const samples = ['$(A)', '$$(A)', 'x$$y', '$$$(B)', '$(A', 'a$', '$', '$$', 's3://b/p$(A)/$(B)$$', '{"k":"$(A)"}'];
    for (const s of samples) expect(expand(escapeExpansion(s), lookup)).toBe(s);
    expect(escapeExpansion('/models/qwen --x=$HOME ${Y}')).toBe('/models/qwen --x=$HOME ${Y}');
  });
});
