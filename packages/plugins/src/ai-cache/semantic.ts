/**
 * @module ai-cache/semantic
 * The semantic layer (L2: embeddings plus a vector search) is not supported by Tollgate yet. Its
 * configuration is accepted, so APISIX's configurations load, and a route that asks for it runs
 * with the exact layer only. APISIX's L2 needs a Redis with RediSearch (Redis Stack); the Redis
 * on Tollgate's machines is 7.0 without modules, which has neither RediSearch nor Redis 8's
 * vector sets. Each configuration says so once in the log.
 */
import type { Logger } from '@tollgate/core';
import type { AiCacheRuntimeConf } from './conf';

const warned = new WeakSet<object>();

/** Log, once per configuration, that its semantic layer is ignored. */
export function warnSemanticOnce(conf: AiCacheRuntimeConf, log: Logger): void {
  if (!conf.layers.includes('semantic') || warned.has(conf)) return;
  warned.add(conf);
  log.warn(
    'ai-cache: the semantic layer is not supported by Tollgate yet (it needs a Redis with ' +
      'RediSearch, or Redis 8 vector sets); only the exact layer is used',
    { index: conf.semantic?.vector_search.redis.index },
  );
}
