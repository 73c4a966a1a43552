/**
 * @module ai-runaway-guard
 * A Tollgate extension (APISIX has no such plugin, spec A.10): ends an LLM answer that loops (an
 * n-gram of word-ish tokens repeated more than `max_repeats` times in a sliding window), grows
 * past `max_output_tokens`, or streams past `max_duration_ms`. A stream ends with the client
 * protocol's error event and its tokens are charged; a non-streamed answer becomes a 502.
 *
 * Priority 1038: its access phase must run after ai-proxy's / ai-proxy-multi's (1040 / 1041),
 * which create `ctx.ai` and detect the protocol, and before ai-cache's (1035) and the moderation
 * plugins' (1031, 1029, 1028), so its response hook runs first: a runaway answer is ended before
 * the cache could store it or a paid moderation service is asked about more of it.
 *
 * @example
 * // route: { "plugins": { "ai-proxy": {...}, "ai-runaway-guard": { "max_output_tokens": 4000 } } }
 * // a stream that loops → ... data: {"error":{"message":"ai-runaway-guard: the answer repeats
 * // itself ...","type":"runaway_generation","code":"repetition"}}
 */
import { definePlugin, type RequestContext } from '@tollgate/core';
import type { AiRunawayGuardConf } from '@tollgate/schema';
import { PLUGIN, RunawayGuard, type GuardSettings } from './guard';

const settingsByConf = new WeakMap<AiRunawayGuardConf, GuardSettings>();

/** The config resolved once per config object. */
function settingsOf(conf: AiRunawayGuardConf): GuardSettings {
  let settings = settingsByConf.get(conf);
  if (!settings) {
    const r = conf.repetition;
    settings = {
      repetition: r.enabled
        ? { ngramTokens: r.ngram_tokens, windowTokens: r.window_tokens, maxRepeats: r.max_repeats }
        : undefined,
      maxOutputTokens: conf.max_output_tokens,
      maxDurationMs: conf.max_duration_ms,
    };
    settingsByConf.set(conf, settings);
  }
  return settings;
}

function guardOf(ctx: RequestContext): RunawayGuard | null {
  return ctx.pluginState<RunawayGuard | null>(PLUGIN, () => null);
}

function access(conf: AiRunawayGuardConf, ctx: RequestContext): void {
  const ai = ctx.ai;
  // Only answers that generate text: not embeddings, not requests ai-proxy did not take.
  if (!ai?.protocol || ai.protocol === 'openai-embeddings') return;
  const guard = new RunawayGuard(ctx, ai, settingsOf(conf));
  ctx.pluginState(PLUGIN, () => guard);
  ai.responseHooks.push(guard);
}

/** The ai-runaway-guard plugin definition. */
export const aiRunawayGuard = definePlugin<AiRunawayGuardConf>({
  name: PLUGIN,
  version: '0.1',
  priority: 1038,
  access,
  log: (_conf, ctx) => guardOf(ctx)?.stop(),
});
