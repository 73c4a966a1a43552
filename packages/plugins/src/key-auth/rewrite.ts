/**
 * @module key-auth/rewrite
 * key-auth's rewrite phase (spec §5.2): find the consumer owning the presented key, hide the key
 * from the upstream if asked, attach the consumer; otherwise fall back to the anonymous consumer
 * or refuse with 401 and `WWW-Authenticate`.
 */
import { attachConsumer, exit, type Exit, type RequestContext } from '@tollgate/core';
import type { KeyAuthConf } from '@tollgate/schema';
import { shapeRefusal } from '../ai-common/client-errors';
import { readKey } from './read-key';

/** Name under which consumers and credentials configure their key. */
export const PLUGIN_NAME = 'key-auth';

const MISSING_KEY = 'Missing API key in request';
const INVALID_KEY = 'Invalid API key in request';
const NO_ANONYMOUS_CONSUMER = 'Invalid user authorization';

/** The 401; on an AI route with the extension on, with the client's error object (issue 16). */
function unauthorized(conf: KeyAuthConf, ctx: RequestContext, message: string): Exit {
  return shapeRefusal(
    ctx,
    exit(401, { message }, { 'WWW-Authenticate': `apikey realm="${conf.realm}"` }),
  );
}

function hideHeader(conf: KeyAuthConf, ctx: RequestContext): void {
  ctx.upstreamHeaders.set(conf.header.toLowerCase(), null);
}

/** With `sdk_key_headers`, the SDK headers are credentials too: hidden like `header`. */
function hideSdkHeaders(conf: KeyAuthConf, ctx: RequestContext): void {
  if (!conf.sdk_key_headers) return;
  ctx.upstreamHeaders.set('authorization', null);
  ctx.upstreamHeaders.set('x-api-key', null);
}

function hideQuery(conf: KeyAuthConf, ctx: RequestContext): void {
  ctx.removedQueryArgs.add(conf.query);
}

/**
 * Authenticate the request by API key. Returns nothing when a consumer (the key's owner or the
 * anonymous consumer) is attached, else a 401 Exit.
 *
 * @example
 * rewrite({ header: 'apikey', query: 'apikey', hide_credentials: false, realm: 'key' }, ctx);
 * // ctx.consumer is jack, or { status: 401, body: { message: 'Missing API key in request' } }
 */
export function rewrite(conf: KeyAuthConf, ctx: RequestContext): Exit | undefined {
  const presented = readKey(conf, ctx);
  let failure = MISSING_KEY;
  if (presented) {
    // The directory is a hash map keyed by the key itself: no per-key comparison to time.
    const consumer =
      presented.value === undefined
        ? undefined
        : ctx.consumers.findByCredential(PLUGIN_NAME, 'key', presented.value);
    if (consumer) {
      if (conf.hide_credentials) {
        if (presented.source === 'header') hideHeader(conf, ctx);
        else if (presented.source === 'query') hideQuery(conf, ctx);
        else ctx.upstreamHeaders.set(presented.source, null);
      }
      attachConsumer(ctx, consumer);
      return undefined;
    }
    failure = INVALID_KEY;
  }

  if (conf.anonymous_consumer === undefined) return unauthorized(conf, ctx, failure);
  if (conf.hide_credentials) {
    hideHeader(conf, ctx);
    hideSdkHeaders(conf, ctx);
    hideQuery(conf, ctx);
  }
  const anonymous = ctx.consumers.get(conf.anonymous_consumer);
  if (!anonymous) return unauthorized(conf, ctx, NO_ANONYMOUS_CONSUMER);
  attachConsumer(ctx, anonymous);
  return undefined;
}
