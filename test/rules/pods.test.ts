import { ApiObject, Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Aspects, Rule, RuleLevel, RulePack } from '../../src';
import { flag, memoized, podsOf, vllmContainers } from '../../src/rules/pods';

describe('flag: the command line as vLLM\'s parser reads it', () => {
  test('--flag=value and --flag value; a bare flag is true; the last occurrence of any name wins', () => {
    const tokens = ['vllm', 'serve', '/m', '--port', '8000', '-tp=2', '--enforce-eager', '--tensor-parallel-size', '4', '--port=9000'];
    expect(flag(tokens, '--port')).toBe('9000');
    expect(flag(tokens, '--tensor-parallel-size', '-tp')).toBe('4');
    expect(flag(tokens, '-tp', '--tensor-parallel-size')).toBe('4');
    expect(flag(tokens, '--enforce-eager')).toBe(true);
    expect(flag(tokens, '--host')).toBeUndefined();
    expect(flag(['--api-key=a=b'], '--api-key')).toBe('a=b');
    expect(flag(['--api-key='], '--api-key')).toBe('');
  });

  test('an unambiguous prefix and _ for - reach the flag they name, as argparse and vLLM read them', () => {
    expect(flag(['--hos=0.0.0.0'], '--host')).toBe('0.0.0.0');
    expect(flag(['--gpu-memory-util', '0.95'], '--gpu-memory-utilization')).toBe('0.95');
    expect(flag(['--gpu_memory_utilization=0.9'], '--gpu-memory-utilization')).toBe('0.9');
    expect(flag(['--tensor-parallel', '8'], '--tensor-parallel-size', '-tp')).toBe('8');
    // Ambiguous: argparse refuses it, so it sets nothing.
    expect(flag(['--enable=1'], '--enable-sleep-mode')).toBeUndefined();
  });

  test('a switch takes no value: the next word stays a positional; --no-x is false', () => {
    expect(flag(['--enforce-eager', 'org/model'], '--enforce-eager')).toBe(true);
    expect(flag(['--enforce-eager', '--no-enforce-eager'], '--enforce-eager')).toBe(false);
  });

  test('an element is one argument: white space inside never makes a second flag', () => {
    const tokens = ['--chat-template=x --host=127.0.0.1'];
    expect(flag(tokens, '--host')).toBeUndefined();
    expect(flag(tokens, '--chat-template')).toBe('x --host=127.0.0.1');
  });

  test('a JSON flag\'s dotted key, and the -O shorthand', () => {
    expect(flag(['--model-loader-extra-config.concurrency', '16'], '--model-loader-extra-config.concurrency')).toBe('16');
    expect(flag(['-O0'], '-O')).toBe('0');
    expect(flag(['-O', '3'], '-O')).toBe('3');
  });

  test('never throws, whatever the argv', () => {
    const token = fc.oneof(fc.constantFrom('--a', '-O', '-O0', '--no-', '--', '-', '=', '--x.y', '--hos', '-tp'), fc.string({ maxLength: 6 }));
    fc.assert(fc.property(fc.array(token, { maxLength: 12 }), tokens => {
      expect(() => flag(tokens, '--host', '--port', '-tp', '-O')).not.toThrow();
    }), { numRuns: 1000 });
  });
});

describe('podsOf', () => {
  test('a shell script is split into the words of its commands with shell quoting; other elements are one word each', () => {
    const [pod] = podsOf({ kind: 'Pod', spec: { containers: [{ name: 'c', command: ['/bin/sh', '-ec', 'exec vllm serve  \'/m m\'\t--port 1 && echo "a b"'], args: ['--x=1 2', ''] }] } });
    expect(pod.containers[0].tokens).toEqual(['/bin/sh', '-ec', 'exec', 'vllm', 'serve', '/m m', '--port', '1', 'echo', 'a b', '--x=1 2']);
    const [plain] = podsOf({ kind: 'Pod', spec: { containers: [{ name: 'c', command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'], args: ['--model /m'] }] } });
    expect(plain.containers[0].tokens).toEqual(['python3', '-m', 'vllm.entrypoints.openai.api_server', '--model /m']);
  });

  test('a command or args that is not a list yields no words, not a TypeError', () => {
    const [pod] = podsOf({ kind: 'Pod', spec: { containers: [{ name: 'c', command: 123, args: 'vllm serve' }] } });
    expect(pod.containers[0].tokens).toEqual([]);
  });
});

test('a pass drops the views its rules made: the JSON, kept until it is written, does not keep them alive', () => {
  const seen: Array<{ json: any; pods: unknown; vllm: unknown }> = [];
  class Reads extends Rule {
    constructor() { super({ id: 'ACME-PODS', level: RuleLevel.WARNING, summary: 's', explanation: 'e', fix: 'f' }); }
    public check(obj: any) {
      // Asked twice within the pass: the same views.
      expect(podsOf(obj)).toBe(podsOf(obj));
      seen.push({ json: obj, pods: podsOf(obj), vllm: vllmContainers(obj) });
      return [];
    }
  }
  class Pack extends RulePack {}
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  new ApiObject(chart, 'p', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v1' }] } });
  Aspects.of(chart).add(new Pack({ rules: [new Reads()] }));
  app.synthYaml();
  expect(seen).toHaveLength(1);
  const [{ json, pods, vllm }] = seen;
  expect(vllmContainers(json)).not.toBe(vllm);
  expect(vllmContainers(json)).toHaveLength(1);
  expect(podsOf(json)).not.toBe(pods);
  expect(podsOf(json)).toEqual(pods);
});

describe('memoized', () => {
  test('reads each text once, undefined included, and past 1,000 texts still answers as the reader does', () => {
    const calls: string[] = [];
    const read = memoized((t: string) => {
      calls.push(t);
      return t.startsWith('x') ? undefined : t.length;
    });
    expect([read('ab'), read('ab'), read('x'), read('x')]).toEqual([2, 2, undefined, undefined]);
    expect(calls).toEqual(['ab', 'x']);
    for (let i = 0; i < 1500; i++) expect(read(`k${i}`)).toBe(`k${i}`.length);
    expect(read('ab')).toBe(2);
    expect(calls.length).toBe(2 + 1500 + 1);
  });
});
