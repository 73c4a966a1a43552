/**
 * @module multi-auth
 * APISIX's multi-auth: one route accepts several authentication methods. The auth plugins of
 * `auth_plugins` run in order; the first that authenticates the request (attaches a consumer)
 * wins; when none does, the answer is 401 `{"message":"Authorization Failed"}`. Runs in rewrite at
 * APISIX's priority 2600.
 *
 * multi-auth is the one plugin that calls others: it runs the auth plugins named in its
 * configuration through the registry, as APISIX's multi-auth requires them by name.
 *
 * @example
 * // route: { "plugins": { "multi-auth": { "auth_plugins": [ { "basic-auth": {} }, { "jwt-auth": {} } ] } } }
 */
import { definePlugin } from '@tollgate/core';
import type { MultiAuthConf } from '@tollgate/schema';
import { makeRewrite, type AuthPluginLookup } from './rewrite';

/**
 * The multi-auth plugin definition over `lookup` (the registry builds it with its own lookup, so
 * that multi-auth can run every registered auth plugin without importing them).
 */
export function createMultiAuth(lookup: AuthPluginLookup) {
  return definePlugin<MultiAuthConf>({
    name: 'multi-auth',
    version: '0.1',
    priority: 2600,
    type: 'auth',
    rewrite: makeRewrite(lookup),
  });
}
