/**
 * The object `{ ...parts[0], ...parts[1], ... }` makes (own enumerable keys in
 * order, later parts winning, symbols copied, `__proto__` an own key), built
 * from `{}`.
 *
 * For objects made once per model. On Node 20 (V8 11.3) an object literal that
 * spreads and then adds a key or another spread gets a hidden class of its own
 * every time (none of 5,000 such objects share one): a runtime call to make
 * each, memory for each, and every later read of those objects megamorphic.
 * Objects built from `{}` share their hidden classes.
 * @internal
 */
export function merged<T extends object>(...parts: ReadonlyArray<object | undefined>): T {
  const out = {};
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    if (part == null) continue;
    // Object.assign copies what a spread copies, in its order, but assigns: an own `__proto__` key (JSON.parse
    // makes one) would set the prototype, where a spread defines the key.
    if (!hasOwn.call(part, '__proto__')) {
      Object.assign(out, part);
      continue;
    }
    for (const key of Reflect.ownKeys(part)) {
      if (!propertyIsEnumerable.call(part, key)) continue;
      Object.defineProperty(out, key, { value: (part as Record<PropertyKey, unknown>)[key], enumerable: true, writable: true, configurable: true });
    }
  }
  return out as T;
}

const hasOwn = Object.prototype.hasOwnProperty;
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;
