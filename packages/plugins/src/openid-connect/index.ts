/**
 * @module openid-connect
 * APISIX 3.18's openid-connect (priority 2599, rewrite phase), bearer-token mode: a request's
 * bearer token is verified with `public_key`, with the provider's JWKS (`use_jwks`, found
 * through the discovery document) or by token introspection, its scopes, audience and claims
 * checked, and the token and user info sent upstream (`X-Access-Token`, `X-Userinfo`). Without
 * a token, the authorization code flow (redirect to the provider, callback, session cookie).
 * It identifies no consumer (APISIX's plugin is not a consumer auth plugin).
 *
 * @example
 * // route: { "plugins": { "openid-connect": { "client_id": "c", "client_secret": "s",
 * //   "discovery": "https://idp/.well-known/openid-configuration", "bearer_only": true,
 * //   "use_jwks": true } } }
 * // GET /hello without a token → 401, WWW-Authenticate: Bearer realm="apisix"
 */
import { definePlugin } from '@tollgate/core';
import type { OpenidConnectConf } from '@tollgate/schema';
import { closeAgents } from './provider-http';
import { headerFilter, rewrite } from './rewrite';

/** The openid-connect plugin definition. */
export const openidConnect = definePlugin<OpenidConnectConf>({
  name: 'openid-connect',
  version: '0.2',
  priority: 2599,
  destroy: closeAgents,
  rewrite,
  headerFilter,
});
