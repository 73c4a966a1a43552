/**
 * @module response-rewrite/headers
 * response-rewrite's header operations on the response: `add` ("Name: value" lines) appends,
 * `set` replaces, `remove` drops, in that order; the 2.x plain-object form is all `set`. Values
 * resolve request variables.
 */
import { ownValue, resolveVar, type RequestContext, type VarLookup } from '@tollgate/core';
import type { ResponseRewriteConf } from '@tollgate/schema';

interface HeaderOps {
  add: [string, string][];
  set: [string, string][];
  remove: string[];
}

const ADD_LINE = /^([^:\s]+)\s*:\s*([^:]+)$/;
/** Per headers object: its operations, or null when an `add` line does not parse (none apply). */
const opsCache = new WeakMap<object, HeaderOps | null>();

function build(headers: Record<string, unknown>): HeaderOps | null {
  const isTable = (key: string) => {
    const value = ownValue(headers, key);
    return typeof value === 'object' && value !== null;
  };
  if (!isTable('add') && !isTable('set') && !isTable('remove')) {
    return { add: [], set: Object.entries(headers).map(([n, v]) => [n, String(v)]), remove: [] };
  }
  const add: [string, string][] = [];
  for (const line of (ownValue(headers, 'add') as string[] | undefined) ?? []) {
    const m = ADD_LINE.exec(line);
    if (!m) return null;
    add.push([m[1] ?? '', m[2] ?? '']);
  }
  const set = Object.entries((ownValue(headers, 'set') as Record<string, unknown>) ?? {}).map(
    ([n, v]): [string, string] => [n, String(v)],
  );
  return { add, set, remove: (ownValue(headers, 'remove') as string[] | undefined) ?? [] };
}

/** Apply `conf.headers` to the response of `ctx`, resolving `$var` with `lookup`. */
export function rewriteHeaders(
  conf: ResponseRewriteConf,
  ctx: RequestContext,
  lookup: VarLookup,
): void {
  if (!conf.headers) return;
  let ops = opsCache.get(conf.headers);
  if (ops === undefined) {
    ops = build(conf.headers);
    opsCache.set(conf.headers, ops);
  }
  if (!ops) return;
  const response = ctx.response;
  for (const [name, value] of ops.add) response.addHeader(name, resolveVar(value, lookup));
  for (const [name, value] of ops.set) response.setHeader(name, resolveVar(value, lookup));
  for (const name of ops.remove) response.setHeader(name, undefined);
}
