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
 * therefore `Map`s, or dictionaries from {@link createDict}, and lookups in ordinary objects go
 * through {@link ownValue}. `eslint.config.mjs` enforces it (rule `tollgate/own-keys-only`).
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
 * A string-keyed dictionary without a prototype: reading an absent key gives `undefined` whatever
 * its name, and writing `__proto__` stores a plain entry. The only kind of object that
 * `tollgate/own-keys-only` lets code index with a key computed from data.
 */
export interface Dict<T> {
  [key: string]: T | undefined;
}

/**
 * A new prototype-free dictionary, filled from `entries` when given.
 * @example
 * const byName = createDict<number>();
 * byName[userSuppliedName] = 1; // never touches Object.prototype
 */
export function createDict<T>(entries?: Iterable<readonly [string, T]>): Dict<T> {
  const dict = Object.create(null) as Dict<T>;
  if (entries) for (const [key, value] of entries) dict[key] = value;
  return dict;
}

/**
 * Set an own, enumerable property, even for `__proto__`, which a plain assignment would treat as
 * the object's prototype.
 */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * `table[key]` when `key` is the table's own property, else `undefined`: a lookup in a constant
 * table (or a parsed JSON object) that a key like `constructor` or `toString` cannot escape.
 * @example ownValue({ routes: 1 }, 'toString') // undefined
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
