/**
 * @module hmac-auth
 * APISIX 3.x's hmac-auth: authenticates a request by an HMAC signature
 * (draft-cavage-http-signatures) in `Authorization: Signature keyId=...,algorithm=...,headers=...,
 * signature=...`, made with the secret of the consumer that owns the key id, and attaches that
 * consumer. Runs in rewrite at APISIX's priority 2530.
 *
 * @example
 * // consumer: { "username": "john", "plugins": { "hmac-auth": { "key_id": "john-key", "secret_key": "john-secret-key" } } }
 * // route:    { "plugins": { "hmac-auth": {} } }
 */
import { definePlugin } from '@tollgate/core';
import type { HmacAuthConf } from '@tollgate/schema';
import { rewrite } from './rewrite';

/** The hmac-auth plugin definition. */
export const hmacAuth = definePlugin<HmacAuthConf>({
  name: 'hmac-auth',
  version: '0.1',
  priority: 2530,
  type: 'auth',
  rewrite,
});
