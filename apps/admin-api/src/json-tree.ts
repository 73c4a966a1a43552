/**
 * @module json-tree
 * The two PATCH operations of APISIX's admin: a deep merge of a partial object (core.table.merge)
 * and a replacement at a sub-path (core.table.patch). Both walk and write own properties only, so
 * no key or path segment, whatever its name, can reach Object.prototype (issue 9).
 */

import {
  isPlainObject as isObject,
  isPrototypeKey,
  ownValue,
  setOwn,
  type JsonObject,
} from '@tollgate/core';

export { isObject, type JsonObject };

/** An id as APISIX prints it: strings and numbers as they are, anything else as JSON. */
export function idText(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number'
      ? String(value)
      : JSON.stringify(value);
}

/**
 * Merge `patch` into `target` (mutated and returned): objects merge recursively, arrays and
 * scalars replace, `null` deletes the key.
 */
export function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    const current = ownValue(target, key);
    if (value === null) {
      delete target[key];
    } else if (isObject(value) && isObject(current)) {
      mergePatch(current, value);
    } else {
      setOwn(target, key, value);
    }
  }
  return target;
}

/**
 * The refusal for a PATCH sub-path (`plugins/key-auth`) that cannot name a key: an empty segment
 * or one of `__proto__`, `constructor`, `prototype`.
 */
export function subPathRefusal(subPath: string): string | undefined {
  const bad = subPath.split('/').find((s) => s === '' || isPrototypeKey(s));
  if (bad === undefined) return undefined;
  return bad === ''
    ? `invalid sub-path: ${JSON.stringify(subPath)}`
    : `invalid sub-path: forbidden key "${bad}"`;
}

/**
 * Replace the value at `subPath` (`plugins/key-auth`) in `target`, creating missing objects on
 * the way. Returns the error text when a segment on the way is not an object.
 */
export function replaceAtPath(
  target: JsonObject,
  subPath: string,
  value: unknown,
): string | undefined {
  const refusal = subPathRefusal(subPath);
  if (refusal) return refusal;
  const segments = subPath.split('/');
  let node: JsonObject = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const name = segments[i] ?? '';
    let next = ownValue(node, name);
    if (next === undefined) {
      next = {};
      setOwn(node, name, next);
    }
    if (!isObject(next)) return `invalid sub-path: /${segments.slice(0, i + 1).join('/')}`;
    node = next;
  }
  const last = segments[segments.length - 1] ?? '';
  if (value === null) delete node[last];
  else setOwn(node, last, value);
  return undefined;
}
