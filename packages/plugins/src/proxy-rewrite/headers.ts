/**
 * @module proxy-rewrite/headers
 * proxy-rewrite's header operations on the upstream request: `add` appends, `set` replaces,
 * `remove` drops, in that order; the 2.x plain-object form is all `set`. Values resolve regex_uri
 * captures (`$1`, `${1}`) first, then request variables (`$remote_addr`).
 */
import { expandPcreTemplate, ownValue, resolveVar, type RequestContext } from '@tollgate/core';
import type { ProxyRewriteConf } from '@tollgate/schema';

type HeaderValues = Readonly<Record<string, string | number>>;

/** The header changes of one configuration, in the order they apply. */
interface HeaderOps {
  add: [string, string][];
  set: [string, string][];
  remove: string[];
}

const opsCache = new WeakMap<object, HeaderOps>();

function entries(values: HeaderValues | undefined): [string, string][] {
  return Object.entries(values ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]);
}

function operations(headers: NonNullable<ProxyRewriteConf['headers']>): HeaderOps {
  let ops = opsCache.get(headers);
  if (ops) return ops;
  const table = headers as Record<string, unknown>;
  const isTable = (key: string) => typeof ownValue(table, key) === 'object';
  if (isTable('add') || isTable('set') || isTable('remove')) {
    ops = {
      add: entries(ownValue(table, 'add') as HeaderValues | undefined),
      set: entries(ownValue(table, 'set') as HeaderValues | undefined),
      remove: ((ownValue(table, 'remove') as string[] | undefined) ?? []).map((n) =>
        n.toLowerCase(),
      ),
    };
  } else {
    ops = { add: [], set: entries(table as HeaderValues), remove: [] };
  }
  opsCache.set(headers, ops);
  return ops;
}

function current(ctx: RequestContext, name: string): string | undefined {
  if (ctx.upstreamHeaders.has(name)) return ctx.upstreamHeaders.get(name) ?? undefined;
  const value = ownValue(ctx.req.headers, name);
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Apply `conf.headers` to the upstream request of `ctx`. */
export function rewriteHeaders(
  conf: ProxyRewriteConf,
  ctx: RequestContext,
  captures: readonly (string | undefined)[] = [],
): void {
  if (!conf.headers) return;
  const ops = operations(conf.headers);
  const resolve = (template: string) =>
    resolveVar(expandPcreTemplate(template, captures), ctx.vars.lookup);
  for (const [name, template] of ops.add) {
    const value = resolve(template);
    const existing = current(ctx, name);
    ctx.upstreamHeaders.set(name, existing === undefined ? value : `${existing}, ${value}`);
  }
  for (const [name, template] of ops.set) ctx.upstreamHeaders.set(name, resolve(template));
  for (const name of ops.remove) ctx.upstreamHeaders.set(name, null);
}
