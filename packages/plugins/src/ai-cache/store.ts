/**
 * @module ai-cache/store
 * Once a MISS's answer was relayed, before the response ends (a settler of `ctx.ai`, like the
 * quota charges): store it under the key looked up, when it is one a later identical request
 * may get. APISIX writes from a timer after its log phase instead, so there an identical request
 * sent right after the answer may still be a MISS; here it is a HIT.
 * Not stored (APISIX's rules, plus the ones Tollgate's hooks need):
 * - a status other than 200, from the LLM or to the client (a 201, a 401, a 400 stream);
 * - an answer from another instance than the one the key was computed for (an ai-proxy-multi
 *   fallback; a retry on the same instance is stored);
 * - a stream cut short or without its terminator, an answer over `max_cache_body_size`;
 * - an answer a content plugin denied, or bytes the client did not get exactly as the cache saw
 *   them (a later hook or body filter changed them), so a refusal is never replayed as an answer.
 * A failed write is logged (throttled) and forgotten.
 */
import type { RequestContext } from '@tollgate/core';
import type { RedisValueStore, throttledWarn } from '@tollgate/limiter';
import type { AiCacheRuntimeConf } from './conf';
import { encodeEntry } from './entry';
import { cacheState, storeOf } from './state';

/** Write the MISS's answer when it qualifies (a settler, run once per request). */
export async function storeAnswer(
  conf: AiCacheRuntimeConf,
  ctx: RequestContext,
  warn: ReturnType<typeof throttledWarn>,
  store: () => Pick<RedisValueStore, 'set'> = () => storeOf(conf),
): Promise<void> {
  const ai = ctx.ai;
  const state = cacheState(ctx);
  const { key, capture } = state;
  if (!ai || ai.cacheStatus !== 'MISS' || key === undefined || !capture) return;
  if (ai.instance?.name !== state.instance) return;
  if (ai.upstreamStatus !== 200 || ctx.response.status !== 200) return;
  if (ai.denied || ai.streamCut || ctx.response.clientGone) return;
  const answer = capture.result();
  if (!answer || ctx.response.bytesSent !== answer.bytes.length) return;
  const value = encodeEntry(answer.bytes, answer.format, Math.floor(Date.now() / 1000));
  if (value === undefined) return;
  try {
    await store().set(key, value, conf.exact.ttl);
  } catch (err) {
    warn('ai-cache: cache write failed', { err: (err as Error).message });
  }
}
