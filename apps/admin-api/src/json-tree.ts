/**
 * @module json-tree
 * The two PATCH operations of APISIX's admin: a deep merge of a partial object (core.table.merge)
 * and a replacement at a sub-path (core.table.patch).
 */

import { isPlainObject as isObject, type JsonObject } from '@tollgate/core';

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
    if (value === null) {
      delete target[key];
    } else if (isObject(value) && isObject(target[key])) {
      mergePatch(target[key], value);
    } else {
      target[key] = value;
    }
  }
  return target;
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
  const segments = subPath.split('/');
  let node: JsonObject = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const name = segments[i] ?? '';
    if (node[name] === undefined) node[name] = {};
    const next = node[name];
    if (!isObject(next)) return `invalid sub-path: /${segments.slice(0, i + 1).join('/')}`;
    node = next;
  }
  const last = segments[segments.length - 1] ?? '';
  if (value === null) delete node[last];
  else node[last] = value;
  return undefined;
}
