/**
 * @module key-auth
 * APISIX's key-auth: authenticates a request by the API key in a header or query argument and
 * attaches the consumer that owns it (spec §5). Runs in rewrite, before the consumer's plugins
 * are merged into the route.
 *
 * @example
 * // route:    { "plugins": { "key-auth": { "hide_credentials": true } } }
 * // consumer: { "username": "jack", "plugins": { "key-auth": { "key": "auth-one" } } }
 * // GET /hello with `apikey: auth-one` → proxied with X-Consumer-Username: jack, no apikey header
 */
import { definePlugin } from '@tollgate/core';
import type { KeyAuthConf } from '@tollgate/schema';
import { rewrite } from './rewrite';

/** The key-auth plugin definition. */
export const keyAuth = definePlugin<KeyAuthConf>({
  name: 'key-auth',
  version: '0.1',
  priority: 2500,
  type: 'auth',
  rewrite,
});
