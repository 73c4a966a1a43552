/**
 * @module json
 * Small JSON helpers shared by body building and protocol parsing. Pure, no I/O.
 */

/** A JSON object (not null, not an array). */
export type JsonObject = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as an object, or undefined. */
export function asObject(value: unknown): JsonObject | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** `value` when it is a finite number, else undefined. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Set an own, enumerable property, even for names like `__proto__` that a plain assignment
 * would treat as the prototype.
 */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Deep copy of a JSON value (objects and arrays copied, scalars shared). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneJson(v)) as T;
  if (isPlainObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, cloneJson(v));
    return out as T;
  }
  return value;
}

/**
 * Canonical JSON: object keys sorted (code-unit order) at every depth, arrays kept in order,
 * no whitespace. Like `JSON.stringify`, `undefined` members are omitted. Identical bodies give
 * identical bytes, which keeps provider prompt caches warm (APISIX encodes with rapidjson's
 * canonical encoder for the same reason).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isPlainObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) setOwn(out, key, sortKeys(value[key]));
  return out;
}

/**
 * Merge `patch` into `target` in place (spec §1.8 step 5): when both sides hold an object the
 * merge recurses; otherwise (scalar, array, type mismatch) the patch value replaces the target
 * value, but only when `force` is true or the target has no value for that key. Returns the
 * merged object; `patch` is never mutated (values are copied in).
 */
export function deepMerge(target: JsonObject, patch: JsonObject, force: boolean): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    const current = Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
    if (isPlainObject(value) && isPlainObject(current)) {
      deepMerge(current, value, force);
    } else if (current === undefined || force) {
      setOwn(target, key, cloneJson(value));
    }
  }
  return target;
}
