/**
 * @module uri-blocker
 * APISIX's uri-blocker (priority 2900, rewrite phase): refuses a request whose normalised path
 * plus `?` and query string matches any of `block_rules`, with `rejected_code` and
 * `{"error_msg": rejected_msg}` (an nginx-style error page without `rejected_msg`).
 *
 * @example
 * // route: { "plugins": { "uri-blocker": { "block_rules": ["select.+(from|limit)"] } } }
 * // GET /hello?name=;select%20from%20sys → 403
 */
import http from 'node:http';
import { definePlugin, exit, type Exit, type RequestContext } from '@tollgate/core';
import type { UriBlockerConf } from '@tollgate/schema';
import { normalisePath } from './normalise';

const compiled = new WeakMap<UriBlockerConf, readonly RegExp[]>();

/** The rules, compiled once per configuration (the Admin API checked that they compile). */
function rules(conf: UriBlockerConf): readonly RegExp[] {
  let out = compiled.get(conf);
  if (!out) {
    const flags = conf.case_insensitive ? 'i' : '';
    out = conf.block_rules.flatMap((rule) => {
      try {
        return [new RegExp(rule, flags)];
      } catch {
        return [];
      }
    });
    compiled.set(conf, out);
  }
  return out;
}

/** nginx's error page for `status`, as the gateway sends its own. */
function errorPage(status: number): Exit {
  const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
  const page = `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`;
  return exit(status, page, { 'content-type': 'text/html' });
}

function rewrite(conf: UriBlockerConf, ctx: RequestContext): Exit | undefined {
  const query = ctx.vars.queryString;
  const uri = normalisePath(ctx.vars.uri) + (query === '' ? '' : `?${query}`);
  if (!rules(conf).some((re) => re.test(uri))) return undefined;
  return conf.rejected_msg === undefined
    ? errorPage(conf.rejected_code)
    : exit(conf.rejected_code, { error_msg: conf.rejected_msg });
}

/** The uri-blocker plugin definition. */
export const uriBlocker = definePlugin<UriBlockerConf>({
  name: 'uri-blocker',
  version: '0.1',
  priority: 2900,
  rewrite,
});
