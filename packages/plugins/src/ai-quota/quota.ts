/**
 * @module ai-quota/quota
 * Which token quotas apply to a request on one LLM instance (spec §3.2) and how they are
 * counted (§3.3–§3.4), shared by ai-rate-limiting (route/instance quotas) and
 * ai-consumer-rate-limiting (per-consumer quotas, decision D3).
 */
import crypto from 'node:crypto';
import { ownerOf, type RequestContext } from '@tollgate/core';
import { resolveCount, resolveTemplate } from './template';

/** The quota fields both plugins share (resolved configuration). */
export interface QuotaConf {
  limit?: number | string;
  time_window?: number | string;
  limit_strategy: 'total_tokens' | 'prompt_tokens' | 'completion_tokens' | 'expression';
  cost_expr?: string;
  instances?: {
    name: string;
    limit: number | string;
    time_window: number | string;
    limit_strategy?: string;
    cost_expr?: string;
  }[];
  rules?: {
    count: number | string;
    time_window: number | string;
    key: string;
    header_prefix?: string;
  }[];
  rejected_code: number;
  rejected_msg?: string;
  show_limit_quota_header: boolean;
  /** Reserve an estimate at admission (issue 14). */
  reserve_tokens?: boolean;
  reserve_completion_tokens?: number;
  policy: string;
  allow_degradation: boolean;
}

/** One counter that applies to this request, with its limit and header names. */
export interface Quota {
  counterKey: string;
  limit: number;
  windowSeconds: number;
  /** Header names: Limit, Remaining, Reset, Reserved (the last with reserve_tokens only). */
  headers: [string, string, string, string];
  strategy: QuotaConf['limit_strategy'];
  costExpr?: string;
}

/** How a plugin names its headers and counters. */
export interface QuotaFlavour {
  /** Counter namespace, e.g. `ai-rate-limiting`. */
  plugin: string;
  /**
   * Whose counter this is. Default: the resource the configuration belongs to (`routes/1`);
   * consumer quotas count per consumer even when configured on a consumer group (D3).
   */
  counterOwner?: (conf: QuotaConf, ctx: RequestContext) => string;
  /** Header stem before `-Limit`, e.g. `X-AI-RateLimit` or `X-AI-Consumer-RateLimit`. */
  headerStem: string;
}

/** Thrown when `rules` are configured but none applies, or a count does not resolve (500). */
export class QuotaResolutionError extends Error {}

const hashes = new WeakMap<object, string>();

/** A short stable hash of the configuration: changing any limit starts fresh counters. */
function configHash(conf: QuotaConf): string {
  let hash = hashes.get(conf);
  if (!hash) {
    const { _meta: _ignored, ...rest } = conf as QuotaConf & { _meta?: unknown };
    hash = crypto.createHash('sha1').update(JSON.stringify(rest)).digest('hex').slice(0, 12);
    hashes.set(conf, hash);
  }
  return hash;
}

/** Whose counter it is: `routes/1`, `consumers/jack`. */
function ownerFor(flavour: QuotaFlavour, conf: QuotaConf, ctx: RequestContext): string {
  return flavour.counterOwner?.(conf, ctx) ?? ownerOf(conf) ?? 'unbound';
}

function counterKey(owner: string, flavour: QuotaFlavour, conf: QuotaConf, key: string): string {
  // Owner + config hash + key: two routes, or two consumers with the same settings, never share
  // a counter (APISIX #12896), and a changed limit starts afresh.
  return `tollgate:${flavour.plugin}:${owner}:${configHash(conf)}:${key}`;
}

function instanceHeaders(
  flavour: QuotaFlavour,
  instance: string,
): [string, string, string, string] {
  return [
    `${flavour.headerStem}-Limit-${instance}`,
    `${flavour.headerStem}-Remaining-${instance}`,
    `${flavour.headerStem}-Reset-${instance}`,
    `${flavour.headerStem}-Reserved-${instance}`,
  ];
}

function ruleHeaders(flavour: QuotaFlavour, prefix: string): [string, string, string, string] {
  const [head = 'X-AI', tail = 'RateLimit'] = flavour.headerStem.split(/-(?=RateLimit$)/);
  return [
    `${head}-${prefix}-${tail}-Limit`,
    `${head}-${prefix}-${tail}-Remaining`,
    `${head}-${prefix}-${tail}-Reset`,
    `${head}-${prefix}-${tail}-Reserved`,
  ];
}

/**
 * The quotas for `instanceName` under `conf` (spec §3.2): every applying rule; else the listed
 * instance's limit; else the top-level limit (per instance); else none. Throws
 * QuotaResolutionError when rules exist but none applies, or a count does not resolve.
 */
export function quotasFor(
  conf: QuotaConf,
  ctx: RequestContext,
  instanceName: string,
  flavour: QuotaFlavour,
): readonly Quota[] {
  if (conf.rules && conf.rules.length > 0) {
    const quotas: Quota[] = [];
    conf.rules.forEach((rule, index) => {
      const key = resolveTemplate(rule.key, ctx);
      if (!key.anyVariable && rule.key.includes('$')) return;
      const limit = resolveCount(rule.count, ctx);
      const window = resolveCount(rule.time_window, ctx);
      if (limit === undefined || window === undefined)
        throw new QuotaResolutionError(`invalid count or time_window in rule ${index + 1}`);
      quotas.push({
        counterKey: counterKey(
          ownerFor(flavour, conf, ctx),
          flavour,
          conf,
          `rule${index + 1}:${key.value}`,
        ),
        limit,
        windowSeconds: window,
        headers: ruleHeaders(flavour, rule.header_prefix ?? String(index + 1)),
        strategy: conf.limit_strategy,
        costExpr: conf.cost_expr,
      });
    });
    if (quotas.length === 0) throw new QuotaResolutionError('failed to get rate limit rules');
    return quotas;
  }
  const listed = conf.instances?.find((i) => i.name === instanceName);
  const limitSetting = listed ? listed.limit : conf.limit;
  const windowSetting = listed ? listed.time_window : conf.time_window;
  if (limitSetting === undefined || windowSetting === undefined) return [];
  const fixed = typeof limitSetting === 'number' && typeof windowSetting === 'number';
  const owner = ownerFor(flavour, conf, ctx);
  const cached = fixed ? fixedQuotas.get(conf)?.get(owner)?.get(instanceName) : undefined;
  if (cached) return cached;
  const limit = resolveCount(limitSetting, ctx);
  const window = resolveCount(windowSetting, ctx);
  if (limit === undefined || window === undefined)
    throw new QuotaResolutionError(`invalid limit or time_window for instance ${instanceName}`);
  const strategy =
    (listed?.limit_strategy as QuotaConf['limit_strategy'] | undefined) ?? conf.limit_strategy;
  const quotas: readonly Quota[] = [
    {
      counterKey: counterKey(owner, flavour, conf, `instance:${instanceName}`),
      limit,
      windowSeconds: window,
      headers: instanceHeaders(flavour, instanceName),
      strategy,
      costExpr: listed?.cost_expr ?? conf.cost_expr,
    },
  ];
  if (fixed) remember(conf, owner, instanceName, quotas);
  return quotas;
}

/**
 * Quotas whose limit and window are plain numbers, by configuration, counter owner and instance:
 * the same on every request, so built once (issue 14: two per request otherwise, each with five
 * strings). Owners and instances come from the configuration, and a new configuration object
 * starts afresh, so the map stays as small as the configuration.
 */
const fixedQuotas = new WeakMap<QuotaConf, Map<string, Map<string, readonly Quota[]>>>();

function remember(
  conf: QuotaConf,
  owner: string,
  instanceName: string,
  quotas: readonly Quota[],
): void {
  let byOwner = fixedQuotas.get(conf);
  if (!byOwner) fixedQuotas.set(conf, (byOwner = new Map<string, Map<string, readonly Quota[]>>()));
  let byInstance = byOwner.get(owner);
  if (!byInstance) byOwner.set(owner, (byInstance = new Map<string, readonly Quota[]>()));
  byInstance.set(instanceName, quotas);
}

/** Seconds until reset as APISIX prints them: truncated to 2 decimals; the window when unopened. */
export function resetSeconds(quota: Quota, resetInMs: number | undefined): string {
  if (resetInMs === undefined) return String(quota.windowSeconds);
  return String(Math.floor(resetInMs / 10) / 100);
}
