/**
 * @module ai-proxy-multi/load/balancer-settings
 * The load-aware `balancer` fields of an ai-proxy-multi config with their defaults (issue 12). The
 * schema leaves them unset so a stored APISIX config is not changed; the defaults live here once.
 */
import type { AiProxyMultiConf } from '@tollgate/schema';

/** The algorithms that read the node's load view (Tollgate extension). */
export const LOAD_AWARE_ALGORITHMS: ReadonlySet<string> = new Set([
  'least_busy',
  'least_latency',
  'queue_aware',
]);

/** The resolved load-aware settings of one config. */
export interface BalancerSettings {
  readonly algorithm: string;
  readonly queueThreshold: number;
  readonly kvCacheThreshold: number;
  readonly staleAfterMs: number;
  readonly latencyDecayMs: number;
  /** Characters of the prompt hashed for prefix affinity; undefined = no affinity. */
  readonly prefixChars?: number;
}

export const DEFAULT_QUEUE_THRESHOLD = 5;
export const DEFAULT_KV_CACHE_THRESHOLD = 0.8;
export const DEFAULT_STALE_AFTER_MS = 500;
export const DEFAULT_LATENCY_DECAY_MS = 10_000;

/**
 * The settings of `balancer` (absent = roundrobin, APISIX's default).
 *
 * @example
 * balancerSettings({ algorithm: 'queue_aware', queue_threshold: 3 }).kvCacheThreshold; // 0.8
 */
export function balancerSettings(
  balancer: Partial<AiProxyMultiConf['balancer']> | undefined,
): BalancerSettings {
  return {
    algorithm: balancer?.algorithm ?? 'roundrobin',
    queueThreshold: balancer?.queue_threshold ?? DEFAULT_QUEUE_THRESHOLD,
    kvCacheThreshold: balancer?.kv_cache_threshold ?? DEFAULT_KV_CACHE_THRESHOLD,
    staleAfterMs: balancer?.stale_after_ms ?? DEFAULT_STALE_AFTER_MS,
    latencyDecayMs: balancer?.latency_decay_ms ?? DEFAULT_LATENCY_DECAY_MS,
    ...(balancer?.prefix_affinity ? { prefixChars: balancer.prefix_affinity.prefix_chars } : {}),
  };
}
