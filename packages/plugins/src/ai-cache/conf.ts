/**
 * @module ai-cache/conf
 * ai-cache's resolved configuration: the generated type plus the Redis connection fields, which
 * the schema applies through `if policy is redis then common/redis` (so they are not in the
 * generated type).
 */
import type { RedisStoreConf } from '@tollgate/limiter';
import type { AiCacheConf } from '@tollgate/schema';

export type AiCacheRuntimeConf = AiCacheConf & RedisStoreConf;
