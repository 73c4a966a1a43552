/**
 * @module ai-cache
 * APISIX 3.18's ai-cache (priority 1035): answers of the LLM cached in Redis under an exact key
 * and replayed for identical requests, with `X-AI-Cache-Status` (`HIT`, `MISS`, `BYPASS`) and
 * `X-AI-Cache-Age`. It needs ai-proxy or ai-proxy-multi in front (1040/1041), which parse the
 * request and pick the instance the key depends on.
 * - access: BYPASS, or look up; a HIT answers with the stored body (lookup.ts);
 * - header filter: the cache headers;
 * - once the answer is relayed: store a MISS's answer (store.ts), captured by a response hook
 *   (capture.ts).
 * The semantic layer is accepted and ignored (semantic.ts).
 *
 * @example
 * // route: { "plugins": { "ai-proxy": {...}, "ai-cache": { "redis_host": "127.0.0.1" } } }
 * // POST twice the same chat → X-AI-Cache-Status: MISS, then HIT (the LLM called once)
 */
import { createLogger, definePlugin } from '@tollgate/core';
import { closeRedisValueStores, throttledWarn } from '@tollgate/limiter';
import type { AiCacheRuntimeConf } from './conf';
import { lookup } from './lookup';
import { cacheState } from './state';

const log = createLogger('ai-cache');
const warn = throttledWarn(log, 10_000);

export const aiCache = definePlugin<AiCacheRuntimeConf>({
  name: 'ai-cache',
  version: '0.1',
  priority: 1035,
  destroy: () => closeRedisValueStores(),
  access: (conf, ctx) => lookup(conf, ctx, log, warn),
  headerFilter(conf, ctx) {
    const status = ctx.ai?.cacheStatus;
    if (!status || !conf.cache_headers) return;
    ctx.response.setHeader('X-AI-Cache-Status', status);
    const age = cacheState(ctx).ageSeconds;
    if (status === 'HIT' && age !== undefined) ctx.response.setHeader('X-AI-Cache-Age', age);
  },
});
