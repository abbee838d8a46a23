/**
 * The object `{ ...parts[0], ...parts[1], ... }` makes (own enumerable keys in
 * order, later parts winning, symbols copied, `__proto__` an own key), built
 * key by key from `{}`.
 *
 * For objects made once per model. On Node 20 (V8 11.3) an object literal that
 * spreads and then adds a key or another spread gets a hidden class of its own
 * every time (none of 5,000 such objects share one): a runtime call to make
 * each, memory for each, and every later read of those objects megamorphic.
 * Objects built from `{}` share their hidden classes.
 * @internal
 */
export function merged<T extends object>(...parts: ReadonlyArray<object | undefined>): T {
  const out: Record<PropertyKey, unknown> = {};
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as Record<PropertyKey, unknown> | undefined;
    if (part == null) continue;
    const keys = Object.keys(part);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      // Assigning `__proto__` would set the prototype; a spread defines the key.
      if (key === '__proto__') Object.defineProperty(out, key, { value: part[key], enumerable: true, writable: true, configurable: true });
      else out[key] = part[key];
    }
    const symbols = Object.getOwnPropertySymbols(part);
    for (let i = 0; i < symbols.length; i++) {
      if (Object.prototype.propertyIsEnumerable.call(part, symbols[i])) out[symbols[i]] = part[symbols[i]];
    }
  }
  return out as T;
}
