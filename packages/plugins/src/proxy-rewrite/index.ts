/**
 * @module proxy-rewrite
 * APISIX's proxy-rewrite (priority 1008, rewrite): the upstream request's URI (`uri` with
 * variables, or `regex_uri`), Host, method and headers. The plain proxy uses all of them; on
 * ai-proxy routes only the headers reach the LLM (ai-proxy builds its own URI and Host, as in
 * APISIX).
 *
 * @example
 * // route: { "plugins": { "proxy-rewrite": { "regex_uri": ["^/api/(.*)", "/$1"], "host": "b.com" } } }
 * // GET /api/users?id=1 → upstream GET /users?id=1 with Host: b.com
 */
import { definePlugin, type RequestContext } from '@tollgate/core';
import type { ProxyRewriteConf } from '@tollgate/schema';
import { rewriteHeaders } from './headers';
import { rewriteUri } from './uri';

function rewrite(conf: ProxyRewriteConf, ctx: RequestContext): undefined {
  if (conf.host !== undefined) ctx.upstreamHeaders.set('host', conf.host);
  const { upstreamUri, path, captures } = rewriteUri(conf, ctx);
  ctx.upstreamUri = upstreamUri;
  ctx.vars.set('upstream_uri', upstreamUri);
  if (path !== undefined) ctx.vars.set('uri', path);
  rewriteHeaders(conf, ctx, captures);
  if (conf.method !== undefined) {
    ctx.upstreamMethod = conf.method;
    ctx.vars.set('request_method', conf.method);
  }
  return undefined;
}

/** The proxy-rewrite plugin definition. */
export const proxyRewrite = definePlugin<ProxyRewriteConf>({
  name: 'proxy-rewrite',
  version: '0.1',
  priority: 1008,
  rewrite,
});
