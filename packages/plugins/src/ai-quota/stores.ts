/**
 * @module ai-quota/stores
 * Where quota counters live: `policy: local` uses the node's quotas (exact across its workers,
 * leased to them by the gateway's primary), `redis`/`redis-cluster` a Redis shared by every node.
 */
import type { PluginEnv, QuotaStore } from '@tollgate/core';
import { closeRedisStores, LocalCounterStore, redisCounterStore } from '@tollgate/limiter';
import type { QuotaConf } from './quota';
import type { StoreResolver } from './enforce';

let local: QuotaStore | undefined;

/** Use the node's local counters (plugin init). */
export function initQuotaStores(env: PluginEnv): void {
  local = env.localQuotas;
}

export const storeFor: StoreResolver = (conf: QuotaConf): QuotaStore => {
  if (conf.policy === 'local') {
    // Without init (in-process tests) the worker's own counters are the node's.
    local ??= new LocalCounterStore();
    return local;
  }
  if (conf.policy === 'redis' || conf.policy === 'redis-cluster') {
    return redisCounterStore(conf);
  }
  throw new Error(`counter policy ${conf.policy} is not supported yet`);
};

/** Close Redis connections (worker shutdown); safe to call more than once. */
export function closeQuotaStores(): Promise<void> {
  return closeRedisStores();
}
