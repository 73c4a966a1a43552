/**
 * @module client-control
 * APISIX's client-control (priority 22000, rewrite): `max_body_size` as a per-route
 * `client_max_body_size`. A declared Content-Length over the limit is answered 413 at once; a body
 * without one (chunked) is read up to the limit before anything is proxied, and 413 when it goes
 * past it. 0 means no limit.
 *
 * @example
 * // route: { "plugins": { "client-control": { "max_body_size": 1 } } }
 * // POST /hello with a 2-byte body → 413
 */
import {
  BodyTooLargeError,
  definePlugin,
  exit,
  ownValue,
  type Exit,
  type RequestContext,
} from '@tollgate/core';
import type { ClientControlConf } from '@tollgate/schema';

const TITLE = '413 Request Entity Too Large';
const PAGE = `<html><head><title>${TITLE}</title></head><body><center><h1>${TITLE}</h1></center></body></html>`;

function tooLarge(): Exit {
  return exit(413, PAGE, { 'content-type': 'text/html' });
}

async function rewrite(conf: ClientControlConf, ctx: RequestContext): Promise<Exit | undefined> {
  const max = conf.max_body_size;
  if (max === undefined || max === 0) return undefined;
  const headers = ctx.req.headers;
  const declared = ownValue(headers, 'content-length');
  if (declared !== undefined && headers['transfer-encoding'] === undefined) {
    return Number(declared) > max ? tooLarge() : undefined;
  }
  if (headers['transfer-encoding'] === undefined) return undefined;
  try {
    await ctx.readBody(max);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return tooLarge();
    throw err;
  }
  return undefined;
}

/** The client-control plugin definition. */
export const clientControl = definePlugin<ClientControlConf>({
  name: 'client-control',
  version: '0.1',
  priority: 22000,
  rewrite,
});
