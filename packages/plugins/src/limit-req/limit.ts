/**
 * @module limit-req/limit
 * The access phase of limit-req (APISIX `limit-req/init.lua`, lua-resty-limit-traffic's req):
 * each applying rule's leaky bucket takes the request; one over `rate` + `burst` is refused,
 * one within the burst waits until it conforms to the rate (unless `nodelay`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  exit,
  type Exit,
  type Logger,
  type RequestContext,
  type TrafficStore,
} from '@tollgate/core';
import type { LimitReqConf } from '@tollgate/schema';
import { resolveTemplate } from '../ai-quota/template';
import { boundedKey, counterNamespace, requestKey, resolveNumber } from '../limit-common/keys';

/** One bucket that applies to this request. */
interface ReqRule {
  rate: number;
  burst: number;
  key: string;
}

/** Why the rules did not resolve (APISIX answers 500, or lets the request through). */
class RuleResolutionError extends Error {}

/** The rules that apply to this request (APISIX `get_rules`). Throws RuleResolutionError. */
function rulesFor(conf: LimitReqConf, ctx: RequestContext): ReqRule[] {
  if (!conf.rules) {
    const rate = conf.rate === undefined ? undefined : resolveNumber(conf.rate, ctx);
    const burst = conf.burst === undefined ? undefined : resolveNumber(conf.burst, ctx, true);
    if (rate === undefined || burst === undefined || conf.key === undefined) {
      throw new RuleResolutionError('rate or burst did not resolve to a number');
    }
    return [{ rate, burst, key: requestKey(conf.key, conf.key_type, ctx) }];
  }
  const rules: ReqRule[] = [];
  for (const rule of conf.rules) {
    // APISIX skips a rule whose rate, burst or key does not resolve.
    const rate = resolveNumber(rule.rate, ctx);
    const burst = resolveNumber(rule.burst, ctx, true);
    const key = resolveTemplate(rule.key, ctx);
    if (rate === undefined || burst === undefined || !key.anyVariable) continue;
    rules.push({ rate, burst, key: boundedKey(key.value) });
  }
  if (rules.length === 0) throw new RuleResolutionError('no rule applies to this request');
  return rules;
}

/** Longest wait a request is held for (a misconfigured tiny rate must not hold sockets for hours). */
const MAX_DELAY_MS = 60_000;

/** limit-req's access phase. */
export async function limitReq(
  conf: LimitReqConf,
  ctx: RequestContext,
  store: (conf: LimitReqConf) => TrafficStore,
  log: Logger,
): Promise<Exit | undefined> {
  let rules: ReqRule[];
  try {
    rules = rulesFor(conf, ctx);
  } catch (err) {
    if (!(err instanceof RuleResolutionError)) throw err;
    log.error('failed to get limit req rules', { reason: err.message, request_id: ctx.requestId });
    return conf.allow_degradation ? undefined : exit(500);
  }
  const namespace = counterNamespace('limit-req', conf, ctx);
  for (const rule of rules) {
    let delayMs: number;
    try {
      const state = await store(conf).leakyBucket(
        `${namespace}:${rule.key}`,
        rule.rate,
        rule.burst,
      );
      if (state.rejected) {
        return exit(
          conf.rejected_code,
          conf.rejected_msg === undefined ? undefined : { error_msg: conf.rejected_msg },
        );
      }
      delayMs = state.delayMs;
    } catch (err) {
      log.error('failed to limit req', { err, policy: conf.policy, request_id: ctx.requestId });
      if (conf.allow_degradation) return undefined;
      return exit(500);
    }
    if (delayMs >= 1 && !conf.nodelay) await sleep(Math.min(delayMs, MAX_DELAY_MS));
  }
  return undefined;
}
