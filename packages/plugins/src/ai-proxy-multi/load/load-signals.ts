/**
 * @module ai-proxy-multi/load/load-signals
 * One config's view of its instances' load, by instance name: in-flight counts across the node,
 * the latest scrape of each instance's metrics endpoint turned into a queue length (waiting plus
 * what this node sent since the scrape, so a burst between two scrapes is counted) and a KV-cache
 * use, and whether that makes the instance saturated: one more request would take its queue over
 * `queue_threshold` (so queues stay at or below it; the endpoint picker's filter admits up to
 * it), or its KV use is above `kv_cache_threshold`. Instances without `metrics_endpoint` (a
 * cloud API) have no reading and are never saturated.
 */
import type { InstanceLoadView } from '@tollgate/core';
import type { BalancerSettings } from './balancer-settings';
import { loadKeyOf, type LoadKeyedInstance } from './load-key';

/** An instance as the load signals see it. */
export interface LoadTrackedInstance extends LoadKeyedInstance {
  readonly name: string;
  readonly override?: { readonly endpoint?: string; readonly metrics_endpoint?: string };
}

/** What the metrics endpoint says of an instance now. */
export type LoadReading =
  | { readonly kind: 'none' }
  | { readonly kind: 'stale' }
  | { readonly kind: 'fresh'; readonly queue: number; readonly kvCacheUsage: number };

const NONE: LoadReading = { kind: 'none' };
const STALE: LoadReading = { kind: 'stale' };

/** The load of one config's instances, read live from the node's view. */
export class LoadSignals {
  private readonly keys = new Map<string, { loadKey: string; metricsUrl?: string }>();

  constructor(
    instances: readonly LoadTrackedInstance[],
    private readonly settings: BalancerSettings,
    private readonly view: () => InstanceLoadView,
    private readonly now: () => number = Date.now,
  ) {
    for (const instance of instances) {
      if (this.keys.has(instance.name)) continue;
      const metricsUrl = instance.override?.metrics_endpoint;
      this.keys.set(instance.name, {
        loadKey: loadKeyOf(instance),
        ...(metricsUrl !== undefined ? { metricsUrl } : {}),
      });
    }
  }

  /** The load key of `name` (see `loadKeyOf`); the name itself for an unknown instance. */
  loadKey(name: string): string {
    return this.keys.get(name)?.loadKey ?? name;
  }

  /** Requests in flight to the instance from the whole node. */
  inFlight(name: string): number {
    return this.view().inFlight(this.loadKey(name));
  }

  /** The instance's scraped load, `stale` when older than `stale_after_ms` or never scraped. */
  reading(name: string): LoadReading {
    const keys = this.keys.get(name);
    if (keys?.metricsUrl === undefined) return NONE;
    const view = this.view();
    const scraped = view.scraped(keys.metricsUrl);
    if (!scraped || this.now() - scraped.at > this.settings.staleAfterMs) return STALE;
    return {
      kind: 'fresh',
      queue: scraped.waiting + view.sentSince(keys.loadKey, scraped.at),
      kvCacheUsage: scraped.kvCacheUsage ?? 0,
    };
  }

  /**
   * Whether a fresh reading says the instance must not take the next request: one more would
   * take its queue over `queue_threshold` (queue ≥ threshold for a whole threshold), or its KV
   * use is already over `kv_cache_threshold`. The KV rule stays strict: what one more request
   * adds to the cache is not known before it runs, and the reading is a fraction, not a count.
   */
  saturated(name: string): boolean {
    const reading = this.reading(name);
    return (
      reading.kind === 'fresh' &&
      (reading.queue + 1 > this.settings.queueThreshold ||
        reading.kvCacheUsage > this.settings.kvCacheThreshold)
    );
  }
}
