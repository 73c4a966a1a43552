/**
 * @module lease/host
 * The primary's side of node-wide token quotas (issue 14): the one authority over each window,
 * which hands its budget to the workers in slices (leases) they spend without asking, and takes
 * unused slices back when a worker would otherwise be refused.
 *
 * The invariant that keeps a node exact: the sum over workers of max(granted, committed) never
 * exceeds the limit but for one request admitted across it (APISIX serves the request that
 * crosses the limit too). A worker admits locally only within what it was granted, so the node
 * never admits while its consumed + reserved tokens are at the limit. Workers that overdraw their
 * slice by a settlement (usage above the reservation) say so before their response ends, and the
 * primary then revokes the others' unused slices before it answers, so a client's next request
 * sees the overdraft wherever it lands.
 *
 * Each worker's view of the others' usage of a key (its Remaining and Reserved headers) is kept
 * current by the primary: when a message changes one worker's usage of a key, the key's other
 * holders are sent the new totals in the same turn (one message per holder; no timer, the pushes
 * ride on the wake-up the report caused), so a worker whose key is quiet never asks. Under load
 * that would be a message per report per holder, so while a holder and another worker both
 * changed the key within BUSY_MS, the view it is sent says `othersBusy`, and for BUSY_MS after
 * such a view the holder is left out: it gets the totals with the answer to its own next report,
 * and a busy view that ages past the worker's `viewTtlMs` is asked for (lease/client.ts).
 */
import { dropWhere, monotonicClock, type Clock } from '../local-store';
import type {
  LeaseReply,
  LeaseUsage,
  LeaseView,
  LeaseViews,
  PrimaryLeaseMessage,
  WorkerLeaseMessage,
} from './messages';

/** Options of {@link LeaseHost}. */
export interface LeaseHostOptions {
  readonly clock?: Clock;
  /**
   * A grant is at most free / (share × workers) tokens beyond the request's own reservation, so
   * slices shrink as the window fills and most of the budget stays with the primary. Default 4.
   */
  readonly share?: number;
  /** How long a revocation waits for a worker's answer; a silent worker keeps its slice. Default 250. */
  readonly revokeTimeoutMs?: number;
  /** Milliseconds between sweeps of ended windows; default 10,000; 0 disables the timer. */
  readonly sweepIntervalMs?: number;
}

interface WorkerShare {
  granted: number;
  committed: number;
  consumed: number;
  /** When this worker last changed its usage of the window's key. */
  changedAt: number;
  /** When it was last sent the others' usage, and whether that view said `othersBusy`. */
  viewAt: number;
  viewBusy: boolean;
}

/** How recent another worker's change makes a key busy (a busy worker reports this often). */
const BUSY_MS = 100;

interface LeaseWindow {
  readonly id: string;
  readonly endsAt: number;
  readonly workers: Map<number, WorkerShare>;
}

type Acquire = Extract<WorkerLeaseMessage, { op: 'acquire' }>;

interface PendingRevoke {
  resolve(): void;
  timer: NodeJS.Timeout;
}

/**
 * The primary's lease authority. Attach each worker with a way to send it messages, hand it every
 * message from that worker, and detach it when it exits.
 *
 * @example
 * const host = new LeaseHost();
 * host.attach(worker.id, (m) => worker.send(m));
 * worker.on('message', (msg) => host.handle(worker.id, msg));
 * worker.on('exit', () => host.detach(worker.id));
 */
export class LeaseHost {
  private readonly windows = new Map<string, LeaseWindow>();
  private readonly senders = new Map<number, (m: PrimaryLeaseMessage) => void>();
  /** Acquires of one key run one after another: a revocation in between is awaited. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly revokes = new Map<number, PendingRevoke>();
  /** Acquire answers sent to each worker, to tell a current usage report from a stale one. */
  private readonly repliesSent = new Map<number, number>();
  private readonly clock: Clock;
  private readonly share: number;
  private readonly revokeTimeoutMs: number;
  /** In the turn at hand, per worker, the keys whose view it holds went out of date. */
  private readonly staleViews = new Map<number, Set<string>>();
  private windowIds = 0;
  private revokeIds = 0;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: LeaseHostOptions = {}) {
    this.clock = options.clock ?? monotonicClock;
    this.share = options.share ?? 4;
    this.revokeTimeoutMs = options.revokeTimeoutMs ?? 250;
    const every = options.sweepIntervalMs ?? 10_000;
    if (every > 0) {
      this.sweeper = setInterval(() => this.sweep(), every);
      this.sweeper.unref();
    }
  }

  /** Windows held (ended ones not yet swept included). */
  get size(): number {
    return this.windows.size;
  }

  /** Start answering worker `id` through `send`. */
  attach(id: number, send: (m: PrimaryLeaseMessage) => void): void {
    this.senders.set(id, send);
  }

  /**
   * Worker `id` is gone: its unused slices return to the node; what it had reserved stays
   * counted until the window ends, because its requests' usage is unknown.
   */
  detach(id: number): void {
    this.senders.delete(id);
    this.repliesSent.delete(id);
    this.staleViews.delete(id);
    for (const window of this.windows.values()) {
      const share = window.workers.get(id);
      if (share) share.granted = Math.min(share.granted, share.committed);
    }
  }

  /** Take a (well-formed) lease message from worker `id`. */
  handle(id: number, msg: WorkerLeaseMessage): void {
    switch (msg.op) {
      case 'report':
        this.report(id, msg.usages);
        this.pushViews();
        return;
      case 'revoked':
        if (msg.usage) this.record(id, msg.key, msg.usage, true);
        this.settleRevoke(msg.rid);
        this.pushViews();
        return;
      case 'peek':
        this.reply(id, { t: 'lease-reply', id: msg.id, ...this.peek(msg.key) });
        return;
      case 'acquire':
        this.enqueue(msg.key, () => this.acquire(id, msg));
    }
  }

  /** Drop every ended window; returns how many were dropped. */
  sweep(): number {
    const now = this.clock.now();
    return dropWhere(this.windows, (w) => w.endsAt <= now);
  }

  /** Stop the sweep timer, forget every window and give up pending revocations. */
  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.staleViews.clear();
    for (const rid of [...this.revokes.keys()]) this.settleRevoke(rid);
    this.windows.clear();
  }

  private live(key: string): LeaseWindow | undefined {
    const window = this.windows.get(key);
    if (window && window.endsAt <= this.clock.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private peek(key: string): Pick<LeaseReply, 'view' | 'resetInMs'> {
    const window = this.live(key);
    if (!window) return { view: { consumed: 0, committed: 0 } };
    return { view: totals(window, undefined), resetInMs: window.endsAt - this.clock.now() };
  }

  /** Record a worker's usages and answer with the others' totals of those keys. */
  private report(id: number, usages: (LeaseUsage & { key: string })[]): void {
    const views: LeaseViews['views'] = [];
    for (const usage of usages) {
      this.record(id, usage.key, usage, false);
      const window = this.live(usage.key);
      if (window?.id !== usage.windowId) continue;
      views.push(this.viewFor(id, usage.key, window));
    }
    if (views.length > 0) this.reply(id, { t: 'lease-views', views });
  }

  private record(id: number, key: string, usage: LeaseUsage, revoked: boolean): void {
    const window = this.live(key);
    if (!window || window.id !== usage.windowId) return;
    const share = shareOf(window, id);
    const { committed, consumed } = share;
    // A report sent before the worker saw every answer to its acquires misses the reservations
    // those answers admitted: it may only raise what the primary counts.
    const current = usage.replies === (this.repliesSent.get(id) ?? 0);
    share.committed = current ? usage.committed : Math.max(share.committed, usage.committed);
    share.consumed = usage.consumed;
    // A revoked worker kept only what it had committed.
    if (revoked) share.granted = Math.min(share.granted, usage.committed);
    if (share.committed !== committed || share.consumed !== consumed) {
      this.othersOutOfDate(key, window, id);
    }
  }

  /**
   * The others' usage of `key` as worker `id` is sent it now (in an answer or a push): what it
   * was owed of that key goes with it.
   */
  private viewFor(id: number, key: string, window: LeaseWindow): LeaseViews['views'][number] {
    const now = this.clock.now();
    this.staleViews.get(id)?.delete(key);
    const share = shareOf(window, id);
    // Changes may be left out after this view only while this worker and another are both busy.
    let othersBusy = false;
    if (now - share.changedAt < BUSY_MS) {
      for (const [other, theirs] of window.workers) {
        if (other !== id && now - theirs.changedAt < BUSY_MS && this.senders.has(other)) {
          othersBusy = true;
          break;
        }
      }
    }
    share.viewAt = now;
    share.viewBusy = othersBusy;
    const view = totals(window, id);
    return { key, windowId: window.id, resetInMs: window.endsAt - now, othersBusy, ...view };
  }

  /**
   * Worker `changed`'s usage of `key` changed: every other live holder is owed a view of it, but
   * one told less than BUSY_MS ago that others are busy (it asks once that view is old).
   */
  private othersOutOfDate(key: string, window: LeaseWindow, changed: number): void {
    const now = this.clock.now();
    shareOf(window, changed).changedAt = now;
    for (const [holder, share] of window.workers) {
      if (holder === changed || !this.senders.has(holder)) continue;
      if (share.viewBusy && now - share.viewAt < BUSY_MS) continue;
      let keys = this.staleViews.get(holder);
      if (!keys) {
        keys = new Set();
        this.staleViews.set(holder, keys);
      }
      keys.add(key);
    }
  }

  /** Send each worker the views this turn left it owed, one message per worker. */
  private pushViews(): void {
    for (const [holder, keys] of this.staleViews) {
      const views: LeaseViews['views'] = [];
      for (const key of keys) {
        const window = this.live(key);
        if (window?.workers.has(holder)) views.push(this.viewFor(holder, key, window));
      }
      if (views.length > 0) this.reply(holder, { t: 'lease-views', views });
    }
    this.staleViews.clear();
  }

  private enqueue(key: string, run: () => Promise<void>): void {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(run, run).catch(() => undefined);
    this.queues.set(key, next);
    void next.then(() => {
      if (this.queues.get(key) === next) this.queues.delete(key);
    });
  }

  private async acquire(id: number, msg: Acquire): Promise<void> {
    let window = this.live(msg.key);
    if (!window) {
      window = {
        id: `${++this.windowIds}`,
        endsAt: this.clock.now() + Math.ceil(msg.windowSeconds * 1000),
        workers: new Map(),
      };
      this.windows.set(msg.key, window);
    }
    if (msg.usage) this.record(id, msg.key, msg.usage, false);
    const share = shareOf(window, id);
    // An overdraft (committed above granted) is accounted as granted from now on.
    share.granted = Math.max(share.granted, share.committed);
    // This worker's own unused slice serves first: admissions it asked for concurrently (before
    // any answer came back) would otherwise each take a slice from the free budget.
    const own = share.granted - share.committed;
    let free = msg.limit - used(window);
    if (own + free < Math.max(msg.want, 1) && this.othersHoldSlack(window, id)) {
      await this.revokeOthers(msg.key, window, id);
      free = msg.limit - used(window);
    }
    let admitted = false;
    if (own + free > 0) {
      const short = Math.max(0, msg.want - own);
      const slice = Math.floor(free / (this.share * Math.max(1, this.senders.size)));
      const grant =
        free > 0 && (short > 0 || !msg.admit) ? Math.min(free, Math.max(short, slice)) : 0;
      // An admitted request's own reservation always fits: it may cross the limit, as in APISIX.
      admitted = msg.admit;
      share.granted += admitted ? Math.max(grant, short) : grant;
      if (admitted && msg.want > 0) {
        share.committed += msg.want;
        this.othersOutOfDate(msg.key, window, id);
      }
    }
    this.repliesSent.set(id, (this.repliesSent.get(id) ?? 0) + 1);
    const { resetInMs, consumed, committed, othersBusy } = this.viewFor(id, msg.key, window);
    this.reply(id, {
      t: 'lease-reply',
      id: msg.id,
      windowId: window.id,
      granted: share.granted,
      admitted,
      resetInMs,
      view: { consumed, committed },
      othersBusy,
    });
    this.pushViews();
  }

  private othersHoldSlack(window: LeaseWindow, id: number): boolean {
    for (const [other, share] of window.workers) {
      if (other !== id && share.granted > share.committed && this.senders.has(other)) return true;
    }
    return false;
  }

  private async revokeOthers(key: string, window: LeaseWindow, id: number): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [other, share] of window.workers) {
      const send = this.senders.get(other);
      if (other === id || share.granted <= share.committed || !send) continue;
      const rid = ++this.revokeIds;
      waits.push(
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => this.settleRevoke(rid), this.revokeTimeoutMs);
          timer.unref();
          this.revokes.set(rid, { resolve, timer });
          try {
            send({ t: 'lease-revoke', rid, key, windowId: window.id });
          } catch {
            this.settleRevoke(rid);
          }
        }),
      );
    }
    await Promise.all(waits);
  }

  private settleRevoke(rid: number): void {
    const pending = this.revokes.get(rid);
    if (!pending) return;
    this.revokes.delete(rid);
    clearTimeout(pending.timer);
    pending.resolve();
  }

  private reply(id: number, msg: LeaseReply | LeaseViews): void {
    try {
      this.senders.get(id)?.(msg);
    } catch {
      // The worker is gone; its own timeout rejects the request.
    }
  }
}

function shareOf(window: LeaseWindow, id: number): WorkerShare {
  let share = window.workers.get(id);
  if (!share) {
    share = {
      granted: 0,
      committed: 0,
      consumed: 0,
      changedAt: -Infinity,
      viewAt: -Infinity,
      viewBusy: false,
    };
    window.workers.set(id, share);
  }
  return share;
}

/** Budget not free: each worker's slice, or what it committed where that is more. */
function used(window: LeaseWindow): number {
  let sum = 0;
  for (const share of window.workers.values()) sum += Math.max(share.granted, share.committed);
  return sum;
}

/** Consumed and committed tokens of every worker but `except`. */
function totals(window: LeaseWindow, except: number | undefined): LeaseView {
  let consumed = 0;
  let committed = 0;
  for (const [id, share] of window.workers) {
    if (id === except) continue;
    consumed += share.consumed;
    committed += share.committed;
  }
  return { consumed, committed };
}
