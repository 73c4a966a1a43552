/**
 * @module logger-common/define-logger
 * A batching logger plugin in a few lines: the entry of every request (`buildLogEntry`), the
 * bodies it asks for, one batch processor per plugin configuration per worker (APISIX's
 * batch-processor-manager), the backlog cap of the plugin metadata's `max_pending_entries` with
 * its drops counted and reported, and everything pending sent when the worker stops.
 *
 * @example
 * export const httpLogger = defineLogger<HttpLoggerConf>({
 *   name: 'http-logger', version: '0.1', priority: 410, batchName: 'http logger',
 *   createSink: (conf) => ({ send: (entries) => post(conf.uri, entries) }),
 * });
 */
import {
  createLogger,
  definePlugin,
  isPlainObject,
  type PluginDefinition,
  type RequestContext,
} from '@tollgate/core';
import { Counter } from 'prom-client';
import { BatchProcessor, PendingBudget } from './batch-processor';
import { captureRequestBody, capturedBodies, captureResponseChunk } from './body-capture';
import { buildLogEntry } from './log-entry';
import type { LoggerConf } from './types';

/** Where a logger plugin's batches go. One per distinct plugin conf object, per worker. */
export interface LogSink {
  /** Deliver one batch; reject (throw) on failure so the batch processor retries it. */
  send(entries: readonly Record<string, unknown>[]): Promise<void>;
  close?(): void | Promise<void>;
}

/** What `defineLogger` needs to know about one logger plugin. */
export interface LoggerSpec<Conf extends LoggerConf> {
  name: string;
  version: string;
  priority: number;
  /** Default batch processor `name`, e.g. "http logger". */
  batchName: string;
  createSink(conf: Conf): LogSink;
  /** Last changes to an entry before it is pushed (http-logger: `route_id` "no-matched"). */
  finishEntry?(entry: Record<string, unknown>): void;
}

/** The backlog cap when the plugin metadata sets none (APISIX 3.18's default). */
export const DEFAULT_MAX_PENDING_ENTRIES = 8192;
/** How long stopping a worker waits for pending batches to be delivered. */
export const FLUSH_ON_DESTROY_MS = 5000;
/** How often idle processors of configurations no longer in use are removed (APISIX: 30 min). */
const STALE_SWEEP_MS = 30 * 60 * 1000;

/** Counters of one logger plugin in this worker. */
export interface LoggerStats {
  /** Entries pushed and not yet delivered or given up. */
  readonly pending: number;
  /** Entries refused because the backlog was over `max_pending_entries`. */
  readonly dropped: number;
  /** Entries given up after `max_retry_count` failed retries. */
  readonly failed: number;
}

const STATS = new Map<string, () => LoggerStats>();

let droppedCounter: Counter<'plugin' | 'route_id'> | undefined;

/**
 * `tollgate_logger_dropped_entries_total{plugin,route_id}` in prom-client's default registry,
 * which the workers already report to the node's metrics listener (summed over workers).
 */
function droppedMetric(): Counter<'plugin' | 'route_id'> {
  droppedCounter ??= new Counter({
    name: 'tollgate_logger_dropped_entries_total',
    help: 'Log entries a logger plugin dropped because max_pending_entries were already pending.',
    labelNames: ['plugin', 'route_id'],
  });
  return droppedCounter;
}

/**
 * Counts one entry a logger plugin dropped over `max_pending_entries` in
 * `tollgate_logger_dropped_entries_total` (for loggers that run their own batch processors).
 * @example countDroppedEntry('syslog', ctx.route?.id)
 */
export function countDroppedEntry(plugin: string, routeId: string | undefined): void {
  droppedMetric().inc({ plugin, route_id: routeId ?? '' });
}

/**
 * Every logger plugin's counters in this worker, by plugin name (for metrics and tests); the
 * drops are also reported in a warn log at most once a second.
 */
export function loggerStats(): Map<string, LoggerStats> {
  return new Map([...STATS].map(([name, read]) => [name, read()]));
}

interface Slot {
  processor: BatchProcessor<Record<string, unknown>>;
  sink: LogSink;
}

/** A batching logger plugin: entries, bodies, batch processor, flush on destroy. */
export function defineLogger<Conf extends LoggerConf>(
  spec: LoggerSpec<Conf>,
): PluginDefinition<Conf> {
  const log = createLogger(spec.name);
  const budget = new PendingBudget(DEFAULT_MAX_PENDING_ENTRIES);
  const slots = new Map<object, Slot>();
  let failed = 0;
  let reportedDrops = 0;
  let lastReportAt = 0;
  let sweep: NodeJS.Timeout | undefined;

  STATS.set(spec.name, () => ({ pending: budget.pending, dropped: budget.dropped, failed }));

  let reportTimer: NodeJS.Timeout | undefined;
  // At most one line a second; drops inside the window are summed into the next line.
  const reportDrops = (routeId: string | undefined): void => {
    const now = Date.now();
    const wait = lastReportAt + 1000 - now;
    if (wait > 0) {
      reportTimer ??= setTimeout(() => {
        reportTimer = undefined;
        reportDrops(routeId);
      }, wait).unref();
      return;
    }
    const n = budget.dropped - reportedDrops;
    if (n === 0) return;
    lastReportAt = now;
    reportedDrops = budget.dropped;
    log.warn(
      `max pending entries limit exceeded, dropped ${n} entries (${budget.dropped} in total)`,
      { plugin: spec.name, route_id: routeId, max_pending_entries: budget.max, dropped: n },
    );
  };

  const removeStale = (): void => {
    for (const [conf, slot] of slots) {
      if (!slot.processor.idle) continue;
      slots.delete(conf);
      void Promise.resolve(slot.sink.close?.()).catch(() => undefined);
    }
  };

  const slotFor = (conf: Conf): Slot => {
    let slot = slots.get(conf);
    if (slot) return slot;
    const sink = spec.createSink(conf);
    const processor = new BatchProcessor<Record<string, unknown>>(
      (entries) => sink.send(entries),
      {
        name: conf.name || spec.batchName,
        batch_max_size: conf.batch_max_size,
        inactive_timeout: conf.inactive_timeout,
        buffer_duration: conf.buffer_duration,
        max_retry_count: conf.max_retry_count,
        retry_delay: conf.retry_delay,
      },
      budget,
      (err, info) => {
        const reason = err instanceof Error ? err.message : String(err);
        log.error(`Batch Processor[${info.name}] failed to process entries: ${reason}`);
        if (info.dropped) {
          failed += info.entries;
          log.error(
            `Batch Processor[${info.name}] exceeded the max_retry_count, dropping ${info.entries} entries`,
          );
        }
      },
    );
    slot = { processor, sink };
    slots.set(conf, slot);
    if (!sweep) {
      sweep = setInterval(removeStale, STALE_SWEEP_MS);
      sweep.unref();
    }
    return slot;
  };

  const metadataOf = (ctx: RequestContext): unknown => ctx.pluginMetadata.get(spec.name);

  return definePlugin<Conf>({
    name: spec.name,
    version: spec.version,
    priority: spec.priority,
    access: (conf, ctx) => captureRequestBody(spec.name, conf, ctx),
    bodyFilter: (conf, ctx, chunk) => captureResponseChunk(spec.name, conf, ctx, chunk),
    log(conf, ctx) {
      const metadata = metadataOf(ctx);
      const max = isPlainObject(metadata) ? metadata.max_pending_entries : undefined;
      budget.max = typeof max === 'number' ? max : DEFAULT_MAX_PENDING_ENTRIES;
      const entry = buildLogEntry(conf, ctx, metadata, capturedBodies(spec.name, conf, ctx));
      spec.finishEntry?.(entry);
      if (!slotFor(conf).processor.push(entry)) {
        countDroppedEntry(spec.name, ctx.route?.id);
        reportDrops(ctx.route?.id);
      }
    },
    async destroy() {
      if (sweep) clearInterval(sweep);
      sweep = undefined;
      const deadline = Date.now() + FLUSH_ON_DESTROY_MS;
      const all = [...slots.values()];
      slots.clear();
      await Promise.all(all.map((s) => s.processor.close(deadline)));
      if (reportTimer) clearTimeout(reportTimer);
      reportTimer = undefined;
      lastReportAt = 0;
      reportDrops(undefined);
      await Promise.all(all.map((s) => Promise.resolve(s.sink.close?.()).catch(() => undefined)));
    },
  });
}
