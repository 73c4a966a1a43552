/**
 * @module redirect
 * APISIX's redirect (priority 900, rewrite): answer with `ret_code` and a Location built from
 * `uri` (with variables), from `regex_uri` over the path (no redirect when it does not match), or,
 * with `http_to_https`, the same URL over HTTPS (301 for GET/HEAD, 308 otherwise).
 *
 * @example
 * // route: { "plugins": { "redirect": { "uri": "/test/default.html", "ret_code": 301 } } }
 * // GET /hello → 301, Location: /test/default.html
 */
import { definePlugin, exit, ownValue, type Exit, type RequestContext } from '@tollgate/core';
import type { RedirectConf } from '@tollgate/schema';
import { finishLocation, regexLocation, resolveUriTemplate } from './location';

const REASONS: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
};

/** nginx's page for a redirect status it answers itself; other statuses have no body. */
function page(status: number): string | undefined {
  const reason = ownValue(REASONS, String(status));
  if (reason === undefined) return undefined;
  const title = `${status} ${reason}`;
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`;
}

/**
 * The port `http_to_https` Locations name (APISIX's `get_port`): `plugin_attr.redirect.https_port`,
 * else the node's first `apisix.ssl.listen` port (APISIX picks one of them at random); none or
 * 443 leaves the port out. Set once per worker at init.
 */
let httpsPort: number | undefined;

function httpsBase(): string {
  const port = httpsPort;
  return port === undefined || port === 443 || port <= 0 || port > 65535
    ? 'https://$host'
    : `https://$host:${port}`;
}

function scheme(ctx: RequestContext): string {
  const proto = ownValue(ctx.req.headers, 'x-forwarded-proto');
  const first = Array.isArray(proto) ? proto[0] : proto;
  return first ?? String(ctx.vars.get('scheme'));
}

function rewrite(conf: RedirectConf, ctx: RequestContext): Exit | undefined {
  let status = conf.ret_code;
  let uri = conf.uri;
  if (conf.http_to_https && scheme(ctx) === 'http') {
    uri = `${httpsBase()}$request_uri`;
    const method = ctx.req.method ?? 'GET';
    status = method === 'GET' || method === 'HEAD' ? 301 : 308;
  }
  let location: string | undefined;
  if (uri !== undefined) location = resolveUriTemplate(uri, ctx);
  else if (conf.regex_uri !== undefined) location = regexLocation(conf.regex_uri, ctx);
  if (location === undefined) return undefined;
  location = finishLocation(location, conf, ctx);
  const body = page(status);
  return exit(status, body, {
    Location: location,
    ...(body === undefined ? {} : { 'content-type': 'text/html' }),
  });
}

/** The redirect plugin definition. */
export const redirect = definePlugin<RedirectConf>({
  name: 'redirect',
  version: '0.1',
  priority: 900,
  init(env) {
    const configured = env.pluginAttr?.('redirect')?.https_port;
    httpsPort = typeof configured === 'number' ? configured : env.httpsPorts?.[0];
  },
  rewrite,
});
