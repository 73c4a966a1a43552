/**
 * @module cors
 * APISIX's cors (priority 4000): answers a preflight `OPTIONS` with 200 in rewrite, before any
 * authentication, and sets the CORS headers on every response to an allowed Origin (upstream
 * answers, plugin refusals and the preflight alike) in its header filter.
 *
 * @example
 * // route: { "plugins": { "cors": { "allow_origins": "https://app.example.com" } } }
 * // GET with `Origin: https://app.example.com` → Access-Control-Allow-Origin: https://app.example.com
 */
import { definePlugin, exit, type RequestContext } from '@tollgate/core';
import type { CorsConf } from '@tollgate/schema';
import { headerFilter } from './header-filter';

/** Preflight requests end here with an empty 200; the header filter adds the CORS headers. */
function rewrite(_conf: CorsConf, ctx: RequestContext) {
  return ctx.req.method === 'OPTIONS' ? exit(200) : undefined;
}

/** The cors plugin definition. */
export const cors = definePlugin<CorsConf>({
  name: 'cors',
  version: '0.1',
  priority: 4000,
  rewrite,
  headerFilter,
});
