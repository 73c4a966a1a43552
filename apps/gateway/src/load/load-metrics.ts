/**
 * @module load/load-metrics
 * The node's LLM instance load as Prometheus gauges (issue 12), rendered by the primary with its
 * other node-level metrics: each scraped endpoint's last reading, its age and failures, and the
 * node-wide requests in flight per load key. Labels go through endpoint-label (no credentials).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { endpointLabel } from './endpoint-label';
import type { PickStat } from './pick-stats';
import type { ScrapeStatus } from './scraper';

/** What the primary knows of its instances' load at one moment. */
export interface InstanceLoadSnapshot {
  scrapes: readonly ScrapeStatus[];
  /** Requests in flight from the whole node, by load key (non-zero only). */
  inFlight: readonly [string, number][];
  /** Load-aware picks per instance: latest score, spills to it (control API only). */
  picks: readonly PickStat[];
}

export class InstanceLoadMetrics {
  private readonly waiting: Gauge<'endpoint'>;
  private readonly running: Gauge<'endpoint'>;
  private readonly kvCache: Gauge<'endpoint'>;
  private readonly age: Gauge<'endpoint'>;
  private readonly failures: Counter<'endpoint'>;
  private readonly inFlight: Gauge<'load_key'>;

  constructor(registry: Registry) {
    const registers = [registry];
    const gauge = (name: string, help: string) =>
      new Gauge({ name, help, labelNames: ['endpoint'], registers });
    this.waiting = gauge(
      'tollgate_ai_instance_queue_waiting',
      'Requests waiting at an LLM instance, from its last metrics scrape',
    );
    this.running = gauge(
      'tollgate_ai_instance_queue_running',
      'Requests being decoded by an LLM instance, from its last metrics scrape',
    );
    this.kvCache = gauge(
      'tollgate_ai_instance_kv_cache_usage',
      'KV-cache use of an LLM instance (0..1), from its last metrics scrape',
    );
    this.age = gauge(
      'tollgate_ai_instance_scrape_age_seconds',
      'Seconds since the last successful scrape of an LLM instance metrics endpoint',
    );
    this.failures = new Counter({
      name: 'tollgate_ai_instance_scrape_failures_total',
      help: 'Failed scrapes of an LLM instance metrics endpoint since it was configured',
      labelNames: ['endpoint'],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'tollgate_ai_instance_in_flight',
      help: 'Requests in flight from this node to an LLM instance, over all workers',
      labelNames: ['load_key'],
      registers,
    });
  }

  /** Replace every series with `snapshot` (at `now`, epoch ms). */
  set(snapshot: InstanceLoadSnapshot | undefined, now: number): void {
    for (const metric of [this.waiting, this.running, this.kvCache, this.age, this.failures]) {
      metric.reset();
    }
    this.inFlight.reset();
    for (const scrape of snapshot?.scrapes ?? []) {
      const labels = { endpoint: scrape.endpoint };
      this.failures.inc(labels, scrape.failures);
      const { reading } = scrape;
      if (!reading) continue;
      this.waiting.set(labels, reading.waiting);
      this.running.set(labels, reading.running);
      if (reading.kvCacheUsage !== undefined) this.kvCache.set(labels, reading.kvCacheUsage);
      this.age.set(labels, Math.max(0, now - reading.at) / 1000);
    }
    for (const [key, count] of snapshot?.inFlight ?? []) {
      this.inFlight.set({ load_key: endpointLabel(key) }, count);
    }
  }
}
