import * as fc from 'fast-check';
import { flag, podsOf } from '../../src/rules/pods';

/** argparse's reading of the forms the rules read: the last occurrence of any of the names wins. */
function reference(tokens: string[], names: string[]): string | true | undefined {
  let found: string | true | undefined;
  tokens.forEach((t, i) => {
    for (const n of names) {
      if (t === n) {
        const next = tokens[i + 1];
        found = next !== undefined && !next.startsWith('-') ? next : true;
      } else if (t.startsWith(`${n}=`)) {
        found = t.slice(n.length + 1);
      }
    }
  });
  return found;
}

describe('flag', () => {
  test('--flag=value and --flag value; a bare flag is true; the last occurrence of any name wins', () => {
    const tokens = ['vllm', 'serve', '/m', '--port', '8000', '-tp=2', '--enforce-eager', '--tensor-parallel-size', '4', '--port=9000'];
    expect(flag(tokens, '--port')).toBe('9000');
    expect(flag(tokens, '--tensor-parallel-size', '-tp')).toBe('4');
    expect(flag(tokens, '-tp', '--tensor-parallel-size')).toBe('4');
    expect(flag(tokens, '--enforce-eager')).toBe(true);
    expect(flag(tokens, '--host')).toBeUndefined();
    expect(flag(['--x', '--y=a=b'], '--y')).toBe('a=b');
    expect(flag(['--x='], '--x')).toBe('');
  });

  test('reads what a token-by-token scan reads, for random argvs', () => {
    const token = fc.oneof(fc.constantFrom('--a', '--b', '-a', '--a=', '--a=1', '--b=x=y', 'v', '-', '--', '='), fc.string({ maxLength: 4 }));
    fc.assert(fc.property(fc.array(token, { maxLength: 12 }), fc.subarray(['--a', '--b', '-a', '-', '--']), (tokens, names) => {
      expect(flag(tokens, ...names)).toStrictEqual(reference(tokens, names));
    }), { numRuns: 2000 });
  });
});

describe('podsOf', () => {
  test('argv elements with white space are split into words; one-word elements are kept as they are', () => {
    const [pod] = podsOf({ kind: 'Pod', spec: { containers: [{ name: 'c', command: ['sh', '-c', 'vllm serve  /m\t--port 1'], args: ['--x=1', ''] }] } });
    expect(pod.containers[0].tokens).toEqual(['sh', '-c', 'vllm', 'serve', '/m', '--port', '1', '--x=1']);
  });

  test('a command or args that is not a list yields no words, not a TypeError', () => {
    const [pod] = podsOf({ kind: 'Pod', spec: { containers: [{ name: 'c', command: 123, args: 'vllm serve' }] } });
    expect(pod.containers[0].tokens).toEqual([]);
  });
});
