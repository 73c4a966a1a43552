/**
 * @module request-id
 * APISIX's request-id (priority 12015): a unique ID per request in the `header_name` request
 * header (a non-empty one the client sent is kept), sent to the upstream and, with
 * `include_in_response`, back to the client unless the response already carries that header.
 * The ID also becomes the request's `request_id` variable (the access log's, as APISIX ≥ 3.15).
 *
 * @example
 * // route: { "plugins": { "request-id": { "algorithm": "nanoid" } } }
 * // GET /hello → upstream sees X-Request-Id: V1StGXR8_Z5jdHi6B-myT, and so does the client
 */
import { definePlugin, ownValue, type RequestContext } from '@tollgate/core';
import type { RequestIdConf } from '@tollgate/schema';
import { generateId } from './generate';

const PLUGIN_NAME = 'request-id';

function presented(ctx: RequestContext, name: string): string | undefined {
  const value = ownValue(ctx.req.headers, name.toLowerCase());
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

function rewrite(conf: RequestIdConf, ctx: RequestContext): undefined {
  let id = presented(ctx, conf.header_name);
  if (id === undefined) {
    id = generateId(conf);
    ctx.upstreamHeaders.set(conf.header_name.toLowerCase(), id);
  }
  ctx.vars.set('request_id', id);
  if (conf.include_in_response) {
    ctx.pluginState<Map<string, string>>(PLUGIN_NAME, () => new Map()).set(conf.header_name, id);
  }
  return undefined;
}

function headerFilter(conf: RequestIdConf, ctx: RequestContext): void {
  if (!conf.include_in_response) return;
  const id = ctx
    .pluginState<Map<string, string>>(PLUGIN_NAME, () => new Map())
    .get(conf.header_name);
  if (id === undefined) return;
  const current = ctx.response.getHeader(conf.header_name);
  if (current === undefined || current === '') ctx.response.setHeader(conf.header_name, id);
}

/** The request-id plugin definition. */
export const requestId = definePlugin<RequestIdConf>({
  name: PLUGIN_NAME,
  version: '0.1',
  priority: 12015,
  rewrite,
  headerFilter,
});
