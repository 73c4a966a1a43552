/**
 * @module jwt-auth
 * APISIX's jwt-auth: authenticates a request by a JSON Web Token (header, query argument or
 * cookie) whose key claim names a consumer and whose signature that consumer's secret or public
 * key verifies, and attaches the consumer. Runs in rewrite at APISIX's priority 2510.
 *
 * @example
 * // consumer: { "username": "jack", "plugins": { "jwt-auth": { "key": "user-key", "secret": "my-secret-key" } } }
 * // route:    { "plugins": { "jwt-auth": {} } }
 * // GET /hello with `Authorization: Bearer <HS256 token with {"key":"user-key"}>` → proxied as jack
 */
import { definePlugin } from '@tollgate/core';
import type { JwtAuthConf } from '@tollgate/schema';
import { rewrite } from './rewrite';

export { jwtPayload } from './rewrite';

/** The jwt-auth plugin definition. */
export const jwtAuth = definePlugin<JwtAuthConf>({
  name: 'jwt-auth',
  version: '0.1',
  priority: 2510,
  type: 'auth',
  rewrite,
});
