/**
 * @module embedded/watch-hub
 * Watch history and delivery of the embedded store.
 *
 * Every write publishes its events here; delivery runs later, on `setImmediate`, so a watcher is
 * never called inside the stack of the write (or of `watch()` itself). Each watcher gets one
 * batch per revision that touched its prefix, in revision order, from its own resume point.
 *
 * History keeps about `historySize` events, always whole revisions. It is trimmed only right
 * after a delivery round, when every live watcher has caught up, so trimming never compacts a
 * live watcher; it only limits how far back a *new* watch may start. A watch that starts at or
 * below `droppedThrough` (history no longer kept, including everything before the last open)
 * gets `StoreCompactedError(droppedThrough + 1)`, the first revision it could start from.
 */
import { StoreCompactedError, type Logger } from '@tollgate/core';
import type { Watch, WatchEvent, WatchOptions } from '../store';
import { errorFields } from '../log-fields';

interface HistoryEntry {
  revision: number;
  events: readonly WatchEvent[];
}

class HubWatch implements Watch {
  closed = false;
  nextRevision: number;

  constructor(
    readonly options: WatchOptions,
    private readonly onClose: (w: HubWatch) => void,
  ) {
    this.nextRevision = Math.max(1, Math.floor(options.fromRevision));
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.onClose(this);
    }
    return Promise.resolve();
  }
}

/** History plus watchers; owned by one EmbeddedStore. */
export class WatchHub {
  private history: HistoryEntry[] = [];
  private historyEvents = 0;
  private readonly watchers = new Set<HubWatch>();
  private flushScheduled: NodeJS.Immediate | undefined;

  /**
   * @param historySize events to keep for watches that start in the past
   * @param droppedThrough highest revision whose events are not kept (at open: the revision)
   */
  constructor(
    private readonly historySize: number,
    private droppedThrough: number,
    private readonly logger: Logger,
  ) {}

  /** Record the events of revision `revision` and schedule their delivery. */
  publish(revision: number, events: WatchEvent[]): void {
    if (events.length === 0) return;
    this.history.push({ revision, events });
    this.historyEvents += events.length;
    this.schedule();
  }

  /** Forget history before `revision`; watches that still need it get compacted. */
  compact(revision: number): void {
    this.droppedThrough = Math.max(this.droppedThrough, revision - 1);
    this.trimWhile((entry) => entry.revision <= this.droppedThrough);
    this.schedule();
  }

  watch(options: WatchOptions): Watch {
    const watch = new HubWatch(options, (w) => this.watchers.delete(w));
    this.watchers.add(watch);
    this.schedule();
    return watch;
  }

  /** Close every watch; no callback runs afterwards. */
  close(): void {
    for (const w of this.watchers) w.closed = true;
    this.watchers.clear();
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
  }

  private schedule(): void {
    this.flushScheduled ??= setImmediate(() => {
      this.flushScheduled = undefined;
      this.flush();
    });
  }

  private flush(): void {
    for (const w of [...this.watchers]) this.deliver(w);
    if (this.historyEvents > this.historySize) {
      this.trimWhile((entry) => this.historyEvents - entry.events.length >= this.historySize);
    }
  }

  private deliver(w: HubWatch): void {
    if (w.closed) return;
    if (w.nextRevision <= this.droppedThrough) {
      void w.close();
      this.call(w, () => w.options.onError(new StoreCompactedError(this.droppedThrough + 1)));
      return;
    }
    for (let i = this.firstIndexFrom(w.nextRevision); i < this.history.length && !w.closed; i++) {
      const entry = this.history[i] as HistoryEntry;
      w.nextRevision = entry.revision + 1;
      // Copies: a watcher that mutates what it got must not change what the next one gets.
      const events = entry.events
        .filter((e) => e.item.key.startsWith(w.options.prefix))
        .map((e) => ({ type: e.type, item: { ...e.item } }));
      if (events.length > 0)
        this.call(w, () => w.options.onBatch({ revision: entry.revision, events }));
    }
  }

  private call(w: HubWatch, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.logger.error('watch handler failed', {
        prefix: w.options.prefix,
        err: errorFields(err),
      });
    }
  }

  private firstIndexFrom(revision: number): number {
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.history[mid] as HistoryEntry).revision < revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private trimWhile(drop: (entry: HistoryEntry) => boolean): void {
    let n = 0;
    while (n < this.history.length && drop(this.history[n] as HistoryEntry)) {
      const entry = this.history[n] as HistoryEntry;
      this.historyEvents -= entry.events.length;
      this.droppedThrough = Math.max(this.droppedThrough, entry.revision);
      n++;
    }
    if (n > 0) this.history = this.history.slice(n);
  }
}
