/**
 * @module limit-req
 * APISIX's limit-req: a leaky bucket per key (lua-resty-limit-traffic's req). Requests at up to
 * `rate` a second pass; up to `burst` more are delayed to the rate (or served at once with
 * `nodelay`); the rest are refused with `rejected_code`. Buckets are exact across the workers of
 * a node (`policy: local`) or shared by every node through Redis.
 *
 * @example
 * // route: { "plugins": { "limit-req": { "rate": 1, "burst": 0, "key": "remote_addr" } } }
 * // two requests within a second from one address → 200, 503
 */
import { createLogger, definePlugin } from '@tollgate/core';
import { closeRedisStores } from '@tollgate/limiter';
import type { LimitReqConf } from '@tollgate/schema';
import { initTrafficStores, trafficStoreFor } from '../limit-common/stores';
import { limitReq } from './limit';

const log = createLogger('limit-req');

/** The limit-req plugin definition. */
export const limitReqPlugin = definePlugin<LimitReqConf>({
  name: 'limit-req',
  version: '0.1',
  priority: 1001,
  init: (env) => initTrafficStores(env),
  destroy: () => closeRedisStores(),
  access: (conf, ctx) => limitReq(conf, ctx, trafficStoreFor, log),
});
