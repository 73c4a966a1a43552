/**
 * @module auth-common/refuse
 * What an auth plugin does when it could not authenticate a request (APISIX's auth plugins all
 * do the same): without `anonymous_consumer`, answer 401 with `{"message": ...}`; with it, attach
 * that consumer instead, or answer 401 `Invalid user authorization` when it does not exist.
 */
import { attachConsumer, exit, type Exit, type RequestContext } from '@tollgate/core';

/** The body message when the configured anonymous consumer does not exist. */
export const NO_ANONYMOUS_CONSUMER = 'Invalid user authorization';

/**
 * The failure outcome of an auth plugin's rewrite: an Exit (401) or undefined when the anonymous
 * consumer was attached. `headers` go on the 401 only (WWW-Authenticate).
 *
 * @example
 * return refuse(conf, ctx, 'Missing JWT token in request', { 'WWW-Authenticate': 'Bearer realm="jwt"' });
 */
export function refuse(
  conf: { readonly anonymous_consumer?: string },
  ctx: RequestContext,
  message: string,
  headers?: Record<string, string>,
): Exit | undefined {
  if (conf.anonymous_consumer === undefined) return exit(401, { message }, headers);
  const anonymous = ctx.consumers.get(conf.anonymous_consumer);
  if (!anonymous) return exit(401, { message: NO_ANONYMOUS_CONSUMER }, headers);
  attachConsumer(ctx, anonymous);
  return undefined;
}
