/**
 * @module cors/header-filter
 * cors's header filter: decide whether the request's Origin is allowed (regex list or
 * `allow_origins`, then the plugin metadata's named lists) and set the CORS headers on whatever
 * response goes out (upstream, plugin exit or preflight), replacing the upstream's own.
 */
import { ownValue, setOwn, type OutgoingHeaders, type RequestContext } from '@tollgate/core';
import type { CorsConf } from '@tollgate/schema';
import { matchOriginList, matchOriginRegex } from './origins';

/** Plugin name, also the key of its metadata. */
export const PLUGIN_NAME = 'cors';

const ALL_METHODS = 'GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS,CONNECT,TRACE';

function headerValue(ctx: RequestContext, name: string): string | undefined {
  const value = ownValue(ctx.req.headers, name);
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Remove every spelling of `name` (case-insensitive); returns the values removed. */
function removeHeader(headers: OutgoingHeaders, name: string): string[] {
  const removed: string[] = [];
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const value = ownValue(headers, key);
    if (Array.isArray(value)) removed.push(...value);
    else if (value !== undefined) removed.push(String(value));
    delete headers[key];
  }
  return removed;
}

function setHeader(headers: OutgoingHeaders, name: string, value: string): void {
  removeHeader(headers, name.toLowerCase());
  setOwn(headers, name, value);
}

function addVaryOrigin(headers: OutgoingHeaders): void {
  const existing = removeHeader(headers, 'vary').filter((v) => v !== '');
  setOwn(headers, 'Vary', [...existing, 'Origin'].join(', '));
}

/** Names listed in the metadata's `allow_origins` map, tried in the route's order. */
function matchMetadata(
  ctx: RequestContext,
  keys: readonly string[],
  origin: string | undefined,
): string | undefined {
  const metadata = ctx.pluginMetadata.get(PLUGIN_NAME) as
    { allow_origins?: Record<string, string> } | undefined;
  const map = metadata?.allow_origins;
  if (!map) return undefined;
  for (const key of keys) {
    const spec = ownValue(map, key);
    if (typeof spec !== 'string') continue;
    // A metadata list allows the request's own Origin (APISIX answers with it, not `*`).
    if (matchOriginList(spec, origin) !== undefined) return origin;
  }
  return undefined;
}

function allowedOrigin(conf: CorsConf, ctx: RequestContext, origin: string | undefined) {
  const own = conf.allow_origins_by_regex
    ? matchOriginRegex(conf.allow_origins_by_regex, origin)
    : matchOriginList(conf.allow_origins, origin);
  if (own !== undefined || !conf.allow_origins_by_metadata) return own;
  return matchMetadata(ctx, conf.allow_origins_by_metadata, origin);
}

function timingOrigin(conf: CorsConf, origin: string | undefined): string | undefined {
  if (conf.timing_allow_origins_by_regex) {
    return matchOriginRegex(conf.timing_allow_origins_by_regex, origin);
  }
  if (conf.timing_allow_origins === undefined) return undefined;
  return matchOriginList(conf.timing_allow_origins, origin);
}

/**
 * Set the CORS (and Timing-Allow-Origin) headers for an allowed Origin; leave the response
 * untouched otherwise.
 * @example
 * headerFilter({ allow_origins: '*', allow_methods: '*', allow_headers: '*', max_age: 5,
 *   allow_credential: false }, ctx); // Access-Control-Allow-Origin: * ...
 */
export function headerFilter(conf: CorsConf, ctx: RequestContext): void {
  const origin = headerValue(ctx, 'origin');
  const headers = ctx.response.headers;
  const allowed = allowedOrigin(conf, ctx, origin);
  if (allowed !== undefined) {
    setHeader(headers, 'Access-Control-Allow-Origin', allowed);
    if (allowed !== '*') addVaryOrigin(headers);
    const methods = conf.allow_methods === '**' ? ALL_METHODS : conf.allow_methods;
    setHeader(headers, 'Access-Control-Allow-Methods', methods);
    setHeader(headers, 'Access-Control-Max-Age', String(conf.max_age));
    if (conf.expose_headers !== undefined && conf.expose_headers !== '') {
      setHeader(headers, 'Access-Control-Expose-Headers', conf.expose_headers);
    }
    if (conf.allow_headers === '**') {
      const requested = headerValue(ctx, 'access-control-request-headers');
      removeHeader(headers, 'access-control-allow-headers');
      if (requested !== undefined) setHeader(headers, 'Access-Control-Allow-Headers', requested);
    } else {
      setHeader(headers, 'Access-Control-Allow-Headers', conf.allow_headers);
    }
    if (conf.allow_credential) setHeader(headers, 'Access-Control-Allow-Credentials', 'true');
  }
  const timing = timingOrigin(conf, origin);
  if (timing !== undefined) setHeader(headers, 'Timing-Allow-Origin', timing);
}
