/**
 * @module limit-count/stores
 * Where limit-count's counters live: `policy: local` uses the node's counters (exact across its
 * workers, through the gateway's primary), `redis`/`redis-cluster`/`redis-sentinel` a Redis
 * shared by every node.
 */
import type { CounterStore, PluginEnv } from '@tollgate/core';
import { closeRedisStores, LocalCounterStore, redisCounterStore } from '@tollgate/limiter';
import type { LimitCountConf } from '@tollgate/schema';

let local: CounterStore | undefined;

/** Use the node's local counters (plugin init). */
export function initCountStores(env: PluginEnv): void {
  local = env.localCounters;
}

/** The store of `conf`'s policy; throws for a policy Tollgate cannot count with. */
export function countStoreFor(conf: LimitCountConf): CounterStore {
  if (conf.policy === 'local') {
    // Without init (in-process tests) the worker's own counters are the node's.
    local ??= new LocalCounterStore();
    return local;
  }
  if (
    conf.policy === 'redis' ||
    conf.policy === 'redis-cluster' ||
    conf.policy === 'redis-sentinel'
  ) {
    return redisCounterStore(conf);
  }
  const policy: string = conf.policy;
  throw new Error(`counter policy ${policy} is not supported`);
}

/** Close Redis connections (worker shutdown); safe to call more than once. */
export function closeCountStores(): Promise<void> {
  return closeRedisStores();
}
