/**
 * @module ai-cache/state
 * What ai-cache keeps per request between its phases, and the Redis store of a configuration.
 */
import { redisValueStore, type RedisStoreConf, type RedisValueStore } from '@tollgate/limiter';
import type { RequestContext } from '@tollgate/core';
import type { AnswerCapture } from './capture';

export interface CacheRequestState {
  /** The exact key looked up (set on a lookup, MISS or HIT). */
  key?: string;
  /** The instance the key was computed for; an answer from another one is not stored. */
  instance?: string;
  /** Seconds since a hit's entry was written (X-AI-Cache-Age). */
  ageSeconds?: number;
  /** A MISS's answer, as seen by the response hook. */
  capture?: AnswerCapture;
}

/** ai-cache's state of `ctx`. */
export function cacheState(ctx: RequestContext): CacheRequestState {
  return ctx.pluginState<CacheRequestState>('ai-cache', () => ({}));
}

const stores = new WeakMap<object, RedisValueStore>();

/** The shared Redis store of `conf`'s connection fields (looked up once per configuration). */
export function storeOf(conf: RedisStoreConf): RedisValueStore {
  let store = stores.get(conf);
  if (!store || store.closed) {
    store = redisValueStore(conf);
    stores.set(conf, store);
  }
  return store;
}
