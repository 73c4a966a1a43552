/**
 * @module load/scrape-targets
 * What the node's ai-proxy-multi configs ask of the primary's load sharing, read from every
 * enabled ai-proxy-multi in any config item that carries plugins (routes, services,
 * plugin_configs, global_rules, consumers):
 * - which metrics endpoints to scrape, and how often: every instance `override.metrics_endpoint`
 *   of a config whose `balancer.algorithm` is `queue_aware` (the other algorithms never read
 *   scrapes). One URL asked for by several configs is scraped once, at the smallest
 *   `balancer.scrape_interval_ms` among them;
 * - whether any config balances by load at all (`least_busy`, `least_latency`, `queue_aware`):
 *   only then do the workers need to hear each other's in-flight counts.
 */
import { isPlainObject } from '@tollgate/core';
import { LOAD_AWARE_ALGORITHMS } from '@tollgate/plugins/primary';
import { MAX_LOAD_KEY_LENGTH, MAX_LOAD_KEYS } from './load-messages';

const PLUGIN = 'ai-proxy-multi';
/** `balancer.scrape_interval_ms` when a config leaves it out. */
export const DEFAULT_SCRAPE_INTERVAL_MS = 100;
/** The schema's bounds, applied again to whatever the store holds. */
const MIN_INTERVAL_MS = 10;
const MAX_INTERVAL_MS = 60_000;

/** Each enabled ai-proxy-multi config in `items`, with its `balancer` (empty when absent). */
function* enabledConfigs(
  items: ReadonlyMap<string, unknown>,
): Generator<{ conf: Record<string, unknown>; balancer: Record<string, unknown> }> {
  for (const value of items.values()) {
    const plugins = isPlainObject(value) ? value.plugins : undefined;
    const conf = isPlainObject(plugins) ? plugins[PLUGIN] : undefined;
    if (!isPlainObject(conf) || (isPlainObject(conf._meta) && conf._meta.disable === true))
      continue;
    yield { conf, balancer: isPlainObject(conf.balancer) ? conf.balancer : {} };
  }
}

/** Metrics URL → scrape interval in milliseconds. */
export function scrapeTargets(items: ReadonlyMap<string, unknown>): Map<string, number> {
  const targets = new Map<string, number>();
  for (const { conf, balancer } of enabledConfigs(items)) {
    if (balancer.algorithm !== 'queue_aware') continue;
    const interval = intervalOf(balancer.scrape_interval_ms);
    for (const instance of Array.isArray(conf.instances) ? conf.instances : []) {
      const url = metricsUrlOf(instance);
      if (url === undefined || (!targets.has(url) && targets.size >= MAX_LOAD_KEYS)) continue;
      targets.set(url, Math.min(interval, targets.get(url) ?? Infinity));
    }
  }
  return targets;
}

/** Whether some config balances by load, and so reads the other workers' in-flight counts. */
export function balancesByLoad(items: ReadonlyMap<string, unknown>): boolean {
  for (const { balancer } of enabledConfigs(items)) {
    const algorithm = balancer.algorithm;
    if (typeof algorithm === 'string' && LOAD_AWARE_ALGORITHMS.has(algorithm)) return true;
  }
  return false;
}

function intervalOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_SCRAPE_INTERVAL_MS;
  return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, value));
}

function metricsUrlOf(instance: unknown): string | undefined {
  const override = isPlainObject(instance) ? instance.override : undefined;
  const url = isPlainObject(override) ? override.metrics_endpoint : undefined;
  if (typeof url !== 'string' || url.length > MAX_LOAD_KEY_LENGTH) return undefined;
  return /^https?:\/\//.test(url) && URL.canParse(url) ? url : undefined;
}
