/**
 * @module ai-cache/lookup
 * The access phase (APISIX's ai-cache `access`): after ai-proxy(-multi) picked the instance,
 * decide BYPASS, or look the exact key up in Redis. A HIT answers here with the stored body, so
 * the LLM is never called and the plugins after ai-cache (the quota plugins at 1030, the
 * moderation plugins) never run for it. A MISS registers the response hook that captures the
 * answer, and the settler that stores it (store.ts). Redis failing is a MISS (fail open),
 * logged at most once per interval.
 */
import {
  exit,
  ownValue,
  type AiContext,
  type Exit,
  type Logger,
  type RequestContext,
} from '@tollgate/core';
import type { throttledWarn } from '@tollgate/limiter';
import { failMode } from '../ai-content-common';
import { AnswerCapture } from './capture';
import { contentTypeOf, decodeEntry, entryAge } from './entry';
import { cacheKey, fingerprint, scope } from './key';
import { warnSemanticOnce } from './semantic';
import { cacheState, storeOf } from './state';
import { storeAnswer } from './store';
import type { AiCacheRuntimeConf } from './conf';

const PLUGIN = 'ai-cache';

/** Providers whose streams are not SSE (AWS event-stream): never captured, so never looked up. */
const NON_SSE_STREAM_PROVIDERS: ReadonlySet<string> = new Set(['bedrock']);

function bypassed(conf: AiCacheRuntimeConf, ctx: RequestContext): boolean {
  for (const rule of conf.bypass_on ?? []) {
    const value = ownValue(ctx.req.headers, rule.header.toLowerCase());
    if ((Array.isArray(value) ? value[0] : value) === rule.equals) return true;
  }
  return false;
}

/** The access phase of ai-cache. */
export async function lookup(
  conf: AiCacheRuntimeConf,
  ctx: RequestContext,
  log: Logger,
  warn: ReturnType<typeof throttledWarn>,
): Promise<Exit | undefined> {
  const ai = ctx.ai;
  const instance = ai?.instance;
  if (!ai || !instance) {
    const refused = failMode(
      log,
      ctx,
      PLUGIN,
      conf.fail_mode,
      'no ai instance picked (request did not pass through ai-proxy/ai-proxy-multi)',
      () => exit(500, 'ai-cache must be used with the ai-proxy or ai-proxy-multi plugin'),
    );
    if (refused) return refused;
    if (ctx.ai) ctx.ai.cacheStatus = 'BYPASS';
    return undefined;
  }
  if (ai.requestType === 'ai_stream' && NON_SSE_STREAM_PROVIDERS.has(instance.provider)) {
    return bypass(ai);
  }
  if (bypassed(conf, ctx)) return bypass(ai);
  if (!ai.body || !ai.protocol) return bypass(ai);
  warnSemanticOnce(conf, log);

  const state = cacheState(ctx);
  state.key = cacheKey(
    scope(conf.cache_key, {
      routeId: ctx.vars.get('route_id') as string | undefined,
      consumer: ctx.consumer?.username,
      lookup: (name) => ctx.vars.get(name),
    }),
    fingerprint({ protocol: ai.protocol, body: ai.body, instance }),
  );
  state.instance = instance.name;

  let raw: Buffer | null = null;
  try {
    raw = await storeOf(conf).get(state.key);
  } catch (err) {
    warn('ai-cache: L1 lookup failed, fail-open as MISS', { err: (err as Error).message });
  }
  if (raw) {
    const entry = decodeEntry(raw);
    if (entry) {
      ai.cacheStatus = 'HIT';
      state.ageSeconds = entryAge(entry, Date.now() / 1000);
      return exit(200, Buffer.from(entry.body, 'utf8'), {
        'content-type': contentTypeOf(entry.format),
      });
    }
    warn('ai-cache: discarding malformed cache entry', { key: state.key });
  }
  ai.cacheStatus = 'MISS';
  state.capture = new AnswerCapture(conf.max_cache_body_size);
  ai.responseHooks.push(state.capture.hook());
  // Stored once the answer is complete, before the response ends (with the quota charges), so
  // a client that has its answer gets a HIT when it asks again at once.
  ai.settlers.push(() => storeAnswer(conf, ctx, warn));
  return undefined;
}

function bypass(ai: AiContext): undefined {
  ai.cacheStatus = 'BYPASS';
  return undefined;
}
