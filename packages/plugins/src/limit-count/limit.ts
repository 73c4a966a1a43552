/**
 * @module limit-count/limit
 * The access phase of limit-count (APISIX `limit-count/init.lua`): resolve the rules that apply,
 * find each rule's counter key, charge one request to a fixed window, refuse past the count.
 *
 * A charge is counted even when it is refused (APISIX decrements its remaining count either way),
 * so a client that keeps knocking stays refused until the window ends.
 */
import crypto from 'node:crypto';
import {
  exit,
  ownerOf,
  ownValue,
  setOwn,
  type CounterStore,
  type Exit,
  type Logger,
  type RequestContext,
  type TrafficStore,
} from '@tollgate/core';
import type { LimitCountConf } from '@tollgate/schema';
import { resolveCount, resolveTemplate } from '../ai-quota/template';
import { boundedKey, requestKey } from '../limit-common/keys';

/** One limit that applies to this request. */
export interface CountRule {
  count: number;
  timeWindow: number;
  /** The request's key (before the counter namespace is added). */
  key: string;
  /** Header names: Limit, Remaining, Reset. */
  headers: readonly [string, string, string];
  /** Set for rules: appended to the counter key, as APISIX appends header_prefix. */
  suffix?: string;
}

type HeaderNames = readonly [string, string, string];

const DEFAULT_HEADERS: HeaderNames = [
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

/** Header names from `plugin_metadata/limit-count` (APISIX's defaults without it). */
export function baseHeaders(ctx: RequestContext): HeaderNames {
  const meta = ctx.pluginMetadata.get('limit-count');
  if (typeof meta !== 'object' || meta === null) return DEFAULT_HEADERS;
  const pick = (field: string, fallback: string): string => {
    const value = ownValue(meta as Record<string, unknown>, field);
    return typeof value === 'string' ? value : fallback;
  };
  return [
    pick('limit_header', DEFAULT_HEADERS[0]),
    pick('remaining_header', DEFAULT_HEADERS[1]),
    pick('reset_header', DEFAULT_HEADERS[2]),
  ];
}

/** A rule's headers: `<prefix>-` inserted before the first `RateLimit-` of each base name. */
function prefixed(base: HeaderNames, prefix: string): HeaderNames {
  return [
    base[0].replace('RateLimit-', `${prefix}-RateLimit-`),
    base[1].replace('RateLimit-', `${prefix}-RateLimit-`),
    base[2].replace('RateLimit-', `${prefix}-RateLimit-`),
  ];
}

/** Why the rules did not resolve (APISIX answers 500, or lets the request through). */
export class RuleResolutionError extends Error {}

/** The rules that apply to this request (APISIX `get_rules`). Throws RuleResolutionError. */
export function rulesFor(conf: LimitCountConf, ctx: RequestContext): CountRule[] {
  if (!conf.rules) {
    const count = conf.count === undefined ? undefined : resolveCount(conf.count, ctx);
    const timeWindow =
      conf.time_window === undefined ? undefined : resolveCount(conf.time_window, ctx);
    if (count === undefined || timeWindow === undefined) {
      throw new RuleResolutionError('count or time_window did not resolve to a positive integer');
    }
    return [
      {
        count,
        timeWindow,
        key: requestKey(conf.key, conf.key_type, ctx),
        headers: baseHeaders(ctx),
      },
    ];
  }
  const rules: CountRule[] = [];
  conf.rules.forEach((rule, index) => {
    const key = resolveTemplate(rule.key, ctx);
    if (!key.anyVariable) return;
    const count = resolveCount(rule.count, ctx);
    const timeWindow = resolveCount(rule.time_window, ctx);
    if (count === undefined || timeWindow === undefined) {
      throw new RuleResolutionError(`invalid count or time_window in rule ${index + 1}`);
    }
    const prefix = rule.header_prefix ?? String(index + 1);
    rules.push({
      count,
      timeWindow,
      key: boundedKey(key.value),
      headers: prefixed(baseHeaders(ctx), prefix),
      suffix: prefix,
    });
  });
  if (rules.length === 0) throw new RuleResolutionError('no rule applies to this request');
  return rules;
}

const hashes = new WeakMap<object, string>();

/** A short stable hash of the configuration: a changed configuration starts fresh counters. */
function confHash(conf: LimitCountConf): string {
  let hash = hashes.get(conf);
  if (!hash) {
    const { _meta: _ignored, ...rest } = conf;
    hash = crypto.createHash('sha1').update(JSON.stringify(rest)).digest('hex').slice(0, 12);
    hashes.set(conf, hash);
  }
  return hash;
}

/**
 * The counter of `rule`: a group's counter is shared by every route of the group; otherwise it
 * belongs to the owning resource and this configuration (two routes never share one).
 */
export function counterKey(conf: LimitCountConf, ctx: RequestContext, rule: CountRule): string {
  const base =
    conf.group !== undefined
      ? `limit-count:group:${conf.group}:${rule.key}`
      : `limit-count:${ownerOf(conf) ?? ctx.route?.id ?? 'unbound'}:${confHash(conf)}:${rule.key}`;
  return rule.suffix === undefined ? base : `${base}:${rule.suffix}`;
}

/** Seconds until the window ends, truncated to 2 decimals as APISIX prints them. */
function resetText(rule: CountRule, consumed: number, resetInMs: number | undefined): string {
  if (consumed === 1 || resetInMs === undefined) return String(rule.timeWindow);
  return String(Math.floor(resetInMs / 10) / 100);
}

function setHeaders(ctx: RequestContext, rule: CountRule, remaining: number, reset: string): void {
  const [limit, left, resetHeader] = rule.headers;
  const headers = ctx.response.extraHeaders;
  setOwn(headers, limit, String(rule.count));
  setOwn(headers, left, String(remaining));
  setOwn(headers, resetHeader, reset);
}

function refuse(conf: LimitCountConf): Exit {
  return exit(
    conf.rejected_code,
    conf.rejected_msg === undefined ? undefined : { error_msg: conf.rejected_msg },
  );
}

/** Where limit-count counts: fixed windows in a CounterStore, sliding ones in a TrafficStore. */
export interface CountStores {
  fixed(conf: LimitCountConf): CounterStore;
  sliding(conf: LimitCountConf): TrafficStore;
}

/** One request against `rule`: whether it is refused, what is left, the Reset header. */
async function take(
  conf: LimitCountConf,
  ctx: RequestContext,
  rule: CountRule,
  stores: CountStores,
): Promise<{ refused: boolean; remaining: number; reset: string }> {
  const key = counterKey(conf, ctx, rule);
  if (conf.window_type === 'sliding') {
    const state = await stores.sliding(conf).slidingWindow(key, rule.count, rule.timeWindow, 1);
    return {
      refused: state.rejected,
      remaining: state.remaining,
      reset: String(Math.floor(state.resetSeconds * 100) / 100),
    };
  }
  const { consumed, resetInMs } = await stores.fixed(conf).charge(key, 1, rule.timeWindow);
  const remaining = rule.count - consumed;
  return { refused: remaining < 0, remaining, reset: resetText(rule, consumed, resetInMs) };
}

/** limit-count's access phase. */
export async function limitCount(
  conf: LimitCountConf,
  ctx: RequestContext,
  stores: CountStores,
  log: Logger,
): Promise<Exit | undefined> {
  let rules: CountRule[];
  try {
    rules = rulesFor(conf, ctx);
  } catch (err) {
    if (!(err instanceof RuleResolutionError)) throw err;
    log.error('failed to get rate limit rules', { reason: err.message, request_id: ctx.requestId });
    return conf.allow_degradation ? undefined : exit(500);
  }
  for (const rule of rules) {
    let verdict: Awaited<ReturnType<typeof take>>;
    try {
      verdict = await take(conf, ctx, rule, stores);
    } catch (err) {
      log.error('failed to limit count', { err, policy: conf.policy, request_id: ctx.requestId });
      if (conf.allow_degradation) return undefined;
      return exit(500, { error_msg: 'failed to limit count' });
    }
    if (verdict.refused) {
      if (conf.show_limit_quota_header) setHeaders(ctx, rule, 0, verdict.reset);
      return refuse(conf);
    }
    if (conf.show_limit_quota_header) setHeaders(ctx, rule, verdict.remaining, verdict.reset);
  }
  return undefined;
}
