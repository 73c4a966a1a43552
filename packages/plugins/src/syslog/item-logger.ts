/**
 * @module syslog/item-logger
 * `defineLogger` for loggers whose batches carry more than the entry: what goes through the
 * batch processor is an item made in the log phase from the entry and the request (syslog frames
 * each entry as an RFC 5424 message with the request's host; loki-logger pairs it with the
 * request's start time), and the sink is made from the conf and the first request a processor
 * sees (loki-logger resolves its labels from it, as APISIX does).
 *
 * The body capture (access and body_filter phases) is logger-common's; the batch processor, the
 * `max_pending_entries` backlog cap (its drops counted in `tollgate_logger_dropped_entries_total`)
 * and the flush on destroy are logger-common's, one processor per plugin configuration per worker. logger-common's `LogSink` only sees entries,
 * hence this wrapper (see the report of issue 10: a `toItem(entry, ctx)` hook there would
 * replace it).
 */
import {
  createLogger,
  definePlugin,
  isPlainObject,
  type PluginDefinition,
  type RequestContext,
} from '@tollgate/core';
import {
  BatchProcessor,
  DEFAULT_MAX_PENDING_ENTRIES,
  FLUSH_ON_DESTROY_MS,
  PendingBudget,
  buildLogEntry,
  countDroppedEntry,
  defineLogger,
  type LoggerConf,
} from '../logger-common';
import { capturedBodies } from '../logger-common/body-capture';

/** How often idle processors of configurations no longer in use are removed. */
const STALE_SWEEP_MS = 30 * 60 * 1000;

/** Where a batch of items goes; rejects on failure so the batch is retried. */
export interface ItemSink<T> {
  send(items: readonly T[], batchMaxSize: number): Promise<void>;
  close?(): void | Promise<void>;
}

/** What `defineItemLogger` needs to know about one logger plugin. */
export interface ItemLoggerSpec<Conf extends LoggerConf, T> {
  name: string;
  version: string;
  priority: number;
  /** Default batch processor `name`. */
  batchName: string;
  /** The item of one request, from its log entry; made in the log phase. */
  toItem(entry: Record<string, unknown>, ctx: RequestContext, conf: Conf): T;
  /** The sink of one configuration, made when its first request is logged. */
  createSink(conf: Conf, ctx: RequestContext): ItemSink<T>;
}

/** A batching logger plugin whose batches are of items made per request. */
export function defineItemLogger<Conf extends LoggerConf, T>(
  spec: ItemLoggerSpec<Conf, T>,
): PluginDefinition<Conf> {
  // Body capture (access, body_filter) comes from logger-common; its log and destroy are ours.
  const base = defineLogger<Conf>({
    name: spec.name,
    version: spec.version,
    priority: spec.priority,
    batchName: spec.batchName,
    createSink: () => ({ send: () => Promise.resolve() }),
  });
  const log = createLogger(spec.name);
  const budget = new PendingBudget(DEFAULT_MAX_PENDING_ENTRIES);
  const slots = new Map<object, { processor: BatchProcessor<T>; sink: ItemSink<T> }>();
  let lastDropReport = 0;
  let reportedDrops = 0;
  let sweep: NodeJS.Timeout | undefined;

  // Idle processors of configurations no longer in use go away (APISIX: every 30 minutes).
  const removeStale = (): void => {
    for (const [conf, slot] of slots) {
      if (!slot.processor.idle) continue;
      slots.delete(conf);
      void Promise.resolve(slot.sink.close?.()).catch(() => undefined);
    }
  };

  const slotFor = (conf: Conf, ctx: RequestContext) => {
    let slot = slots.get(conf);
    if (slot) return slot;
    const sink = spec.createSink(conf, ctx);
    const processor = new BatchProcessor<T>(
      (items, max) => sink.send(items, max),
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

  return definePlugin<Conf>({
    ...base,
    log(conf, ctx) {
      const metadata = ctx.pluginMetadata.get(spec.name);
      const max = isPlainObject(metadata) ? metadata.max_pending_entries : undefined;
      budget.max = typeof max === 'number' ? max : DEFAULT_MAX_PENDING_ENTRIES;
      const entry = buildLogEntry(conf, ctx, metadata, capturedBodies(spec.name, conf, ctx));
      if (slotFor(conf, ctx).processor.push(spec.toItem(entry, ctx, conf))) return;
      countDroppedEntry(spec.name, ctx.route?.id);
      const now = Date.now();
      if (now - lastDropReport < 1000) return;
      lastDropReport = now;
      log.warn(
        `max pending entries limit exceeded, dropped ${budget.dropped - reportedDrops} entries (${budget.dropped} in total)`,
        { plugin: spec.name, route_id: ctx.route?.id, max_pending_entries: budget.max },
      );
      reportedDrops = budget.dropped;
    },
    async destroy() {
      if (sweep) clearInterval(sweep);
      sweep = undefined;
      await base.destroy?.();
      const deadline = Date.now() + FLUSH_ON_DESTROY_MS;
      const all = [...slots.values()];
      slots.clear();
      await Promise.all(all.map((s) => s.processor.close(deadline)));
      await Promise.all(all.map((s) => Promise.resolve(s.sink.close?.()).catch(() => undefined)));
    },
  });
}
