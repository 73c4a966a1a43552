/**
 * @module response-rewrite
 * APISIX's response-rewrite (priority 899, header_filter and body_filter): when `vars` matches
 * the response (or is unset), set the status, change headers, and replace the body or rewrite it
 * with regex `filters`. Works on proxied responses, LLM responses and plugin answers alike.
 *
 * @example
 * // route: { "plugins": { "response-rewrite": { "status_code": 200, "body": "{\"code\":\"ok\"}\n",
 * //          "vars": [["status", "==", 500]] } } }
 * // an upstream 500 reaches the client as 200 {"code":"ok"}
 */
import {
  compileExpr,
  compilePcre,
  definePlugin,
  pcreGsub,
  pcreSub,
  type ExprMatcher,
  type RequestContext,
  type VarLookup,
} from '@tollgate/core';
import type { ResponseRewriteConf } from '@tollgate/schema';
import { rewriteHeaders } from './headers';

const PLUGIN_NAME = 'response-rewrite';

interface RewriteState {
  matched: boolean;
  held: Buffer[];
  bodySent: boolean;
}

interface Compiled {
  vars?: ExprMatcher;
  filters: { re: RegExp; replace: string; global: boolean }[];
  body?: Buffer;
}

const compiledConfs = new WeakMap<ResponseRewriteConf, Compiled>();

function compiled(conf: ResponseRewriteConf): Compiled {
  let c = compiledConfs.get(conf);
  if (!c) {
    c = {
      vars: conf.vars ? compileExpr(conf.vars) : undefined,
      filters: (conf.filters ?? []).map((f) => ({
        re: compilePcre(f.regex, f.options, f.scope === 'global'),
        replace: f.replace,
        global: f.scope === 'global',
      })),
      body:
        conf.body === undefined
          ? undefined
          : Buffer.from(conf.body, conf.body_base64 ? 'base64' : 'utf8'),
    };
    compiledConfs.set(conf, c);
  }
  return c;
}

function state(ctx: RequestContext): RewriteState {
  return ctx.pluginState<RewriteState>(PLUGIN_NAME, () => ({
    matched: false,
    held: [],
    bodySent: false,
  }));
}

/** Request variables plus the response's: `status`, `sent_http_*`/`upstream_http_*` headers. */
function responseLookup(ctx: RequestContext): VarLookup {
  return (name) => {
    if (name === 'status') return ctx.response.status;
    const prefix = name.startsWith('sent_http_')
      ? 'sent_http_'
      : name.startsWith('upstream_http_')
        ? 'upstream_http_'
        : undefined;
    if (prefix === undefined) return ctx.vars.get(name);
    const value = ctx.response.getHeader(name.slice(prefix.length).replace(/_/g, '-'));
    return Array.isArray(value) ? value.join(', ') : value;
  };
}

function headerFilter(conf: ResponseRewriteConf, ctx: RequestContext): void {
  const c = compiled(conf);
  const lookup = responseLookup(ctx);
  const s = state(ctx);
  s.matched = c.vars === undefined || c.vars(lookup);
  if (!s.matched) return;
  if (conf.status_code !== undefined) ctx.response.status = conf.status_code;
  if (conf.filters || conf.body !== undefined) {
    for (const name of ['content-length', 'content-encoding', 'last-modified', 'etag']) {
      ctx.response.setHeader(name, undefined);
    }
  }
  rewriteHeaders(conf, ctx, lookup);
}

function bodyFilter(
  conf: ResponseRewriteConf,
  ctx: RequestContext,
  chunk: Buffer,
): Buffer | undefined {
  const s = state(ctx);
  if (!s.matched) return chunk;
  const c = compiled(conf);
  if (c.filters.length > 0) {
    s.held.push(chunk);
    if (!ctx.response.ending) return undefined;
    let body = Buffer.concat(s.held).toString('utf8');
    s.held = [];
    for (const f of c.filters) {
      body = (f.global ? pcreGsub : pcreSub)(body, f.re, f.replace).text;
    }
    return Buffer.from(body);
  }
  if (c.body !== undefined) {
    if (s.bodySent) return undefined;
    s.bodySent = true;
    return c.body;
  }
  return chunk;
}

/** The response-rewrite plugin definition. */
export const responseRewrite = definePlugin<ResponseRewriteConf>({
  name: PLUGIN_NAME,
  version: '0.1',
  priority: 899,
  headerFilter,
  bodyFilter,
});
