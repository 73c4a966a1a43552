/**
 * @module limit-conn
 * APISIX's limit-conn: at most `conn` concurrent requests per key; up to `burst` more are delayed
 * (by `default_conn_delay` units), the rest refused with `rejected_code`. A request is counted in
 * at access and out in the log phase, after its response. Counters are exact across the workers
 * of a node (`policy: local`) or shared by every node through Redis.
 *
 * @example
 * // route: { "plugins": { "limit-conn": { "conn": 2, "burst": 0, "default_conn_delay": 0.1 } } }
 * // 3 concurrent requests from one address → 200, 200, 503
 */
import { createLogger, definePlugin } from '@tollgate/core';
import { closeRedisStores } from '@tollgate/limiter';
import type { LimitConnConf } from '@tollgate/schema';
import { initTrafficStores, trafficStoreFor } from '../limit-common/stores';
import { decrease, increase } from './limit';

const log = createLogger('limit-conn');

/** The limit-conn plugin definition. */
export const limitConnPlugin = definePlugin<LimitConnConf>({
  name: 'limit-conn',
  version: '0.1',
  priority: 1003,
  init: (env) => initTrafficStores(env),
  destroy: () => closeRedisStores(),
  access: (conf, ctx) => increase(conf, ctx, trafficStoreFor, log),
  log: (conf, ctx) => decrease(conf, ctx, log),
});
