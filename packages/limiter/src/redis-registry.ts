/**
 * @module redis-registry
 * One Redis counter store per distinct connection in the process, however many routes, consumers
 * or plugin instances name it: one connection, one breaker and one reconnect loop per target.
 */
import { redisTargetKey, resolveRedisTarget, type RedisStoreConf } from './redis-conf';
import { RedisCounterStore, type RedisCounterStoreOptions } from './redis-store';

const stores = new Map<string, RedisCounterStore>();

/**
 * The shared store for `conf`'s connection fields (defaults applied; other fields ignored). The
 * store is created on first use and connects in the background; `options` only apply then. Do
 * not `close()` a shared store: `closeRedisStores()` does that at shutdown (a closed one is
 * replaced on the next call).
 *
 * @example
 * const store = redisCounterStore(conf); // conf: the plugin's resolved conf, policy redis
 * const { consumed, resetInMs } = await store.peek(counterKey);
 */
export function redisCounterStore(
  conf: RedisStoreConf,
  options?: RedisCounterStoreOptions,
): RedisCounterStore {
  const key = redisTargetKey(resolveRedisTarget(conf));
  const existing = stores.get(key);
  if (existing && !existing.closed) return existing;
  const store = new RedisCounterStore(conf, options);
  stores.set(key, store);
  return store;
}

/** Number of stores the registry holds (for /status and tests). */
export function redisStoreCount(): number {
  return stores.size;
}

/** Close every shared store (gateway shutdown) and forget them. */
export async function closeRedisStores(): Promise<void> {
  const all = [...stores.values()];
  stores.clear();
  await Promise.all(all.map((store) => store.close()));
}
