/**
 * @module json
 * Small JSON helpers shared by body building and protocol parsing. Pure, no I/O.
 */

import { isPlainObject, ownValue, setOwn, type JsonObject } from '@tollgate/core';

/** `value` as an object, or undefined. */
export function asObject(value: unknown): JsonObject | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** `value` when it is a finite number, else undefined. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
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

/** `value` with object keys sorted at every depth; parts already in order are not copied. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const sorted = sortKeys(item);
      if (sorted !== item) (out ??= value.slice())[i] = sorted;
    }
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++)
    inOrder = (keys[i - 1] as string) < (keys[i] as string);
  let out: JsonObject | undefined;
  if (!inOrder) {
    keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    out = {};
  }
  for (const key of keys) {
    // eslint-disable-next-line tollgate/own-keys-only -- own keys, from Object.keys
    const item = value[key];
    const sorted = sortKeys(item);
    if (out) setOwn(out, key, sorted);
    else if (sorted !== item) {
      // The first copied child: copy this object too (the keys before it were already in order).
      out = {};
      for (const done of keys) {
        if (done === key) break;
        // eslint-disable-next-line tollgate/own-keys-only -- own keys, from Object.keys
        setOwn(out, done, value[done]);
      }
      setOwn(out, key, sorted);
    }
  }
  return out ?? value;
}

/**
 * Merge `patch` into `target` in place (spec §1.8 step 5): when both sides hold an object the
 * merge recurses; otherwise (scalar, array, type mismatch) the patch value replaces the target
 * value, but only when `force` is true or the target has no value for that key. Returns the
 * merged object; `patch` is never mutated (values are copied in).
 */
export function deepMerge(target: JsonObject, patch: JsonObject, force: boolean): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    const current = ownValue(target, key);
    if (isPlainObject(value) && isPlainObject(current)) {
      deepMerge(current, value, force);
    } else if (current === undefined || force) {
      setOwn(target, key, cloneJson(value));
    }
  }
  return target;
}
