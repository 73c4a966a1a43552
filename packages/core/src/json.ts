/**
 * @module json
 * The one test for "a JSON object" (not an array, not null) that config, admin and log code use,
 * and the helpers that keep data keys away from `Object.prototype`.
 *
 * An ordinary object answers `obj['constructor']`, `obj['toString']` and `obj['__proto__']` from
 * its prototype, and `obj['__proto__'] = v` replaces that prototype instead of storing a key. When
 * the key comes from a request or from configuration, that turns into wrong lookups (a resource
 * type called `constructor` finding a function) or into prototype pollution (a PATCH that walks
 * `__proto__` and writes into `Object.prototype` for the whole process). Tables keyed by data are
 * therefore `Map`s, lookups in ordinary objects go through {@link ownValue} and writes through
 * {@link setOwn} (or `Object.fromEntries`). `tollgate/own-keys-only` (eslint.config.mjs) keeps it so.
 */

export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object. */
export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for `__proto__`, `constructor` and `prototype`: names that never denote data. */
export function isPrototypeKey(key: string): boolean {
  return PROTOTYPE_KEYS.has(key);
}

/**
 * Set an own, enumerable property, even for `__proto__`, which a plain assignment would treat as
 * the object's prototype.
 */
export function setOwn(target: object, key: string, value: unknown): void {
  if (key !== '__proto__' && Object.getPrototypeOf(target) === Object.prototype) {
    // On a plain object only `__proto__` is an inherited accessor: any other name assigned
    // becomes the own, enumerable, writable property defineProperty would make, several times
    // faster (headers and bodies are built with this on every request).
    // eslint-disable-next-line tollgate/own-keys-only -- `__proto__` excluded just above
    (target as Record<string, unknown>)[key] = value;
    return;
  }
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * A plain object with `source`'s own enumerable properties, built by assignment (a `__proto__`
 * key stays an own property, as with spread). Use it instead of `{ ...source }` for a copy that
 * gets more properties afterwards, and instead of `{ ...source, more }`: in Node 20's V8 both
 * give each object a map of its own, which costs ~0.6 µs to make and sends every later read of
 * the object down the megamorphic path, where an assigned copy shares one map (issue 14).
 *
 * @example
 * const headers = shallowCopy(upstreamHeaders); headers.host = 'llm.example.com';
 */
export function shallowCopy<T extends object>(source: T): T {
  const copy = {} as T;
  for (const key of Object.keys(source)) {
    // eslint-disable-next-line tollgate/own-keys-only -- own keys, from Object.keys
    setOwn(copy, key, (source as Record<string, unknown>)[key]);
  }
  return copy;
}

/**
 * `table[key]` when `key` is the table's own property, else `undefined`: a lookup in a constant
 * table (or a parsed JSON object) that a key like `constructor` or `toString` cannot escape.
 * @example ownValue({ routes: 1 }, 'toString') // undefined
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
