import { merged } from '../../src/private/merged';

describe('merged', () => {
  // What the object spread makes, for each case: merged() must make the same.
  const spread = (...parts: Array<object | undefined>) => parts.reduce<object>((acc, p) => ({ ...acc, ...p }), {});

  test('keys in order, later parts winning, missing parts skipped', () => {
    const a = { b: 1, a: 2, c: { deep: true } };
    const out = merged<any>(a, undefined, { a: 3, d: 4 });
    expect(out).toEqual(spread(a, undefined, { a: 3, d: 4 }));
    expect(Object.keys(out)).toEqual(['b', 'a', 'c', 'd']);
    expect(out.a).toBe(3);
    // A copy of the top level only, as a spread makes.
    expect(out.c).toBe(a.c);
    expect(out).not.toBe(a);
  });

  test('an own __proto__ key (JSON.parse makes one) stays a key and never sets the prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}');
    const out = merged<any>({ y: 2 }, hostile);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect(Object.keys(out)).toEqual(['y', '__proto__', 'x']);
    expect(JSON.stringify(out)).toBe(JSON.stringify(spread({ y: 2 }, hostile)));
  });

  test('enumerable symbols are copied, non-enumerable keys are not, getters are read once', () => {
    const sym = Symbol('s');
    const hidden = Symbol('h');
    let reads = 0;
    const part: any = { [sym]: 1, get g() { reads++; return 'v'; } };
    Object.defineProperty(part, 'secret', { value: 1, enumerable: false });
    Object.defineProperty(part, hidden, { value: 2, enumerable: false });
    const out = merged<any>(part);
    expect(out[sym]).toBe(1);
    expect(hidden in out).toBe(false);
    expect('secret' in out).toBe(false);
    expect(Object.getOwnPropertyDescriptor(out, 'g')).toEqual({ value: 'v', writable: true, enumerable: true, configurable: true });
    expect(reads).toBe(1);
  });

  test('parts after one with a __proto__ key are still merged, in order', () => {
    const sym = Symbol('s');
    const hostile = JSON.parse('{"a": 1, "__proto__": {"p": 1}, "b": 2}');
    const out = merged<any>({ a: 0, z: 0 }, hostile, { [sym]: 3, b: 4 });
    expect(Object.keys(out)).toEqual(['a', 'z', '__proto__', 'b']);
    expect([out.a, out.b, out[sym], out.p]).toEqual([1, 4, 3, undefined]);
  });
});
