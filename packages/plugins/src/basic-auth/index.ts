/**
 * @module basic-auth
 * APISIX's basic-auth: authenticates a request by its `Authorization: Basic` user name and
 * password against the consumers (and credentials) that configure basic-auth, and attaches the
 * consumer. Runs in rewrite at APISIX's priority 2520.
 *
 * @example
 * // consumer: { "username": "foo", "plugins": { "basic-auth": { "username": "foo", "password": "bar" } } }
 * // route:    { "plugins": { "basic-auth": { "hide_credentials": true } } }
 * // GET /hello with `Authorization: Basic Zm9vOmJhcg==` → proxied with X-Consumer-Username: foo
 */
import { definePlugin } from '@tollgate/core';
import type { BasicAuthConf } from '@tollgate/schema';
import { rewrite } from './rewrite';

/** The basic-auth plugin definition. */
export const basicAuth = definePlugin<BasicAuthConf>({
  name: 'basic-auth',
  version: '0.1',
  priority: 2520,
  type: 'auth',
  rewrite,
});
