/**
 * @module limit-common/stores
 * Where limit-req's buckets and limit-conn's gauges live: `policy: local` in the node's store
 * (exact across its workers, through the gateway's primary), `redis`/`redis-cluster` in a Redis
 * shared by every node.
 */
import type { PluginEnv, TrafficStore } from '@tollgate/core';
import { LocalCounterStore, redisCounterStore, type RedisStoreConf } from '@tollgate/limiter';

let local: TrafficStore | undefined;

/** Use the node's store (plugin init). */
export function initTrafficStores(env: PluginEnv): void {
  if (env.localTraffic) local = env.localTraffic;
}

/** The store of `conf`'s policy; throws for a policy Tollgate cannot count with. */
export function trafficStoreFor(conf: RedisStoreConf & { policy: string }): TrafficStore {
  if (conf.policy === 'local') {
    // Without a node store (in-process tests) the process's own store is the node's.
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
  throw new Error(`policy ${conf.policy} is not supported`);
}
