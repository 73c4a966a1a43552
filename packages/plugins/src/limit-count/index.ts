/**
 * @module limit-count
 * APISIX's limit-count: at most `count` requests per `time_window` seconds per key, in a fixed
 * window that opens at the key's first request, or a sliding one (`window_type: sliding`). Counters are exact across the workers of a node
 * (`policy: local`) or shared by every node through Redis (`redis`, `redis-cluster`).
 *
 * @example
 * // route: { "plugins": { "limit-count": { "count": 2, "time_window": 60, "rejected_code": 429 } } }
 * // GET ×3 from one address → 200, 200, 429 (X-RateLimit-Limit: 2, X-RateLimit-Remaining: 1, 0, 0)
 */
import { createLogger, definePlugin } from '@tollgate/core';
import type { LimitCountConf } from '@tollgate/schema';
import { limitCount } from './limit';
import { closeCountStores, countStoreFor, initCountStores } from './stores';
import { initTrafficStores, trafficStoreFor } from '../limit-common/stores';

const log = createLogger('limit-count');

/** The limit-count plugin definition. */
export const limitCountPlugin = definePlugin<LimitCountConf>({
  name: 'limit-count',
  version: '0.5',
  priority: 1002,
  init: (env) => {
    initCountStores(env);
    initTrafficStores(env);
  },
  destroy: () => closeCountStores(),
  access: (conf, ctx) =>
    limitCount(conf, ctx, { fixed: countStoreFor, sliding: trafficStoreFor }, log),
});
