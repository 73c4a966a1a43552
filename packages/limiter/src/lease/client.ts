/**
 * @module lease/client
 * The workers' side of node-wide token quotas (issue 14): a QuotaStore that admits and settles
 * within the slice of each window its primary leased to it, and asks the primary ({@link LeaseHost})
 * only when the slice runs out, when a settlement overdraws it, when its view of the others may
 * miss a change and is older than `viewTtlMs`, or to answer a revocation. Usage reaches the
 * primary with those requests, else in one batched report the owner takes with
 * {@link LeaseClient.takeReport} (a worker sends it with its load report, paced by requests), so
 * the primary's work does not grow with requests or workers. The others' usage comes with the
 * answers to those reports, and unasked when another worker's usage changes (lease/host.ts).
 */
import type { CounterState, QuotaAdmission, QuotaSettlement, QuotaStore } from '@tollgate/core';
import { checkChargeArgs, checkReserve } from '../charge-args';
import { CounterStoreUnavailableError } from '../errors';
import { monotonicClock, type Clock } from '../local-store';
import {
  isLeaseReply,
  isLeaseRevoke,
  isLeaseViews,
  type LeaseReply,
  type LeaseUsage,
  type LeaseView,
  type WorkerLeaseMessage,
} from './messages';

/** Options of {@link LeaseClient}. */
export interface LeaseClientOptions {
  readonly clock?: Clock;
  /** How long a request to the primary may take before it fails (allow_degradation decides). Default 1000. */
  readonly timeoutMs?: number;
  /**
   * How old the other workers' usage may be in an admission answered from the lease (it feeds
   * the Remaining and Reserved headers, never the decision) when the primary said it may leave
   * changes out for a while (`othersBusy`: this worker and another were both busy with the
   * key); older, the admission asks the primary. Any other view is kept current by the primary
   * and used at any age. A busy key's view is renewed by the answer to each report
   * ({@link LeaseClient.takeReport}; a worker sends one at least every 100 ms while it serves),
   * so this is meant to be above that interval. Default 200.
   */
  readonly viewTtlMs?: number;
  /**
   * Called when a usage report becomes due (a lease changed after the last one was taken): the
   * owner then takes it with {@link LeaseClient.takeReport} soon, e.g. with its next load report.
   */
  readonly onReportDue?: () => void;
  /** Milliseconds between sweeps of leases whose window ended (keys never used again); default 10,000; 0 disables the timer. */
  readonly sweepIntervalMs?: number;
}

interface Lease {
  windowId: string;
  endsAt: number;
  granted: number;
  committed: number;
  consumed: number;
  /** The other workers' usage, as of the primary's last answer (at `viewAt`). */
  othersConsumed: number;
  othersCommitted: number;
  viewAt: number;
  /** The primary may leave changes out for a while (others were busy): the view ages. */
  othersBusy: boolean;
  /** The refresh of the view in flight, if any. */
  refreshing?: Promise<void>;
}

interface Pending {
  resolve(reply: LeaseReply): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

type Outgoing = WorkerLeaseMessage extends infer M
  ? M extends { id: number }
    ? Omit<M, 'id' | 't'>
    : never
  : never;

/**
 * A worker's token quotas, exact across its node (see lease/host.ts for the invariant).
 *
 * @example
 * const quotas = new LeaseClient((m) => process.send?.(m));
 * process.on('message', (msg) => quotas.onMessage(msg));
 * const a = await quotas.admit(key, 10_000, 3600, 300); // { admitted: true, windowId, … }
 * await quotas.settle(key, { limit: 10_000, windowSeconds: 3600, windowId: a.windowId, reserved: 300, actual: 412 });
 */
export class LeaseClient implements QuotaStore {
  private readonly leases = new Map<string, Lease>();
  private readonly dirty = new Set<string>();
  private readonly pending = new Map<number, Pending>();
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly viewTtlMs: number;
  private readonly onReportDue: (() => void) | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private nextId = 0;
  /** Acquire answers received (see LeaseUsage.replies). */
  private replies = 0;
  private closedReason: string | undefined;

  constructor(
    private readonly send: (m: WorkerLeaseMessage) => void,
    options: LeaseClientOptions = {},
  ) {
    this.clock = options.clock ?? monotonicClock;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.viewTtlMs = options.viewTtlMs ?? 200;
    this.onReportDue = options.onReportDue;
    const every = options.sweepIntervalMs ?? 10_000;
    if (every > 0) {
      this.sweeper = setInterval(() => this.sweep(), every);
      this.sweeper.unref();
    }
  }

  /** Leases held (ended ones not yet swept included). */
  get size(): number {
    return this.leases.size;
  }

  /** Drop every lease whose window has ended; returns how many were dropped. */
  sweep(): number {
    const before = this.leases.size;
    for (const key of [...this.leases.keys()]) this.live(key);
    return before - this.leases.size;
  }

  /** Requests awaiting the primary. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Answered from the lease, without a promise, while it covers the request and its view of the
   * other workers is current (the common case: no promise per request, issue 14); else through
   * the primary.
   */
  admit(
    key: string,
    limit: number,
    windowSeconds: number,
    reserve: number | undefined,
  ): QuotaAdmission | Promise<QuotaAdmission> {
    const want = reserve ?? 0;
    try {
      checkChargeArgs(1, windowSeconds);
      checkReserve(want);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const lease = this.live(key);
    if (lease && covers(lease, want) && this.current(lease)) {
      return this.take(key, lease, want, true);
    }
    return this.admitThroughPrimary(key, limit, windowSeconds, want, lease);
  }

  private async admitThroughPrimary(
    key: string,
    limit: number,
    windowSeconds: number,
    want: number,
    found: Lease | undefined,
  ): Promise<QuotaAdmission> {
    let lease = found;
    if (lease && covers(lease, want) && !this.current(lease)) {
      // One refresh per key at a time: admissions that find the view old wait for the same answer.
      lease.refreshing ??= this.refresh(key, limit, windowSeconds, lease);
      await lease.refreshing;
      lease = this.live(key);
    }
    if (lease && covers(lease, want) && this.current(lease)) {
      return this.take(key, lease, want, true);
    }
    const reply = await this.request({
      op: 'acquire',
      key,
      limit,
      windowSeconds,
      want,
      admit: true,
      ...(lease ? { usage: this.outgoingUsage(key, lease) } : {}),
    });
    lease = this.apply(key, reply);
    return this.take(key, lease, want, reply.admitted === true);
  }

  /**
   * Settled in the lease, without a promise, unless the window ended since the admission (the
   * usage goes to the window open now) or the settlement overdraws the slice: the primary
   * accounts those before this request's response ends.
   */
  settle(key: string, settlement: QuotaSettlement): Promise<void> | undefined {
    const { limit, windowSeconds, windowId, reserved, actual } = settlement;
    try {
      checkChargeArgs(1, windowSeconds);
      checkReserve(reserved);
      checkReserve(actual);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const lease = this.live(key);
    if (lease?.windowId === windowId) lease.committed = Math.max(0, lease.committed - reserved);
    if (!lease) {
      return actual > 0 ? this.chargeNewWindow(key, limit, windowSeconds, actual) : undefined;
    }
    lease.committed += actual;
    lease.consumed += actual;
    this.markDirty(key);
    return lease.committed > lease.granted
      ? this.accountOverdraft(key, limit, windowSeconds, lease)
      : undefined;
  }

  /** The window ended since the admission: the usage goes to the window open now. */
  private async chargeNewWindow(
    key: string,
    limit: number,
    windowSeconds: number,
    actual: number,
  ): Promise<void> {
    const lease = this.apply(key, await this.acquire(key, limit, windowSeconds, undefined));
    lease.committed += actual;
    lease.consumed += actual;
    this.markDirty(key);
    if (lease.committed > lease.granted) {
      await this.accountOverdraft(key, limit, windowSeconds, lease);
    }
  }

  /**
   * Overdrawn: the primary accounts it (and takes unused slices back from the other workers if
   * the node is over its limit).
   */
  private async accountOverdraft(
    key: string,
    limit: number,
    windowSeconds: number,
    lease: Lease,
  ): Promise<void> {
    this.apply(key, await this.acquire(key, limit, windowSeconds, lease));
  }

  /** The counter as this worker sees it: its own usage plus the others' as last reported. */
  async peek(key: string): Promise<CounterState> {
    const lease = this.live(key);
    if (lease) {
      const consumed = lease.othersConsumed + lease.consumed;
      return consumed > 0 ? { consumed, resetInMs: lease.endsAt - this.clock.now() } : { consumed };
    }
    const reply = await this.request({ op: 'peek', key });
    const consumed = reply.view?.consumed ?? 0;
    return consumed > 0 && reply.resetInMs !== undefined
      ? { consumed, resetInMs: reply.resetInMs }
      : { consumed };
  }

  /**
   * Take a primary message: true when it was a lease answer or revocation (consumed even if its
   * request already timed out), false for any other message.
   */
  onMessage(msg: unknown): boolean {
    if (isLeaseRevoke(msg)) {
      const lease = this.live(msg.key);
      const usage = lease?.windowId === msg.windowId ? this.usageOf(lease) : undefined;
      if (lease && usage) lease.granted = Math.min(lease.granted, lease.committed);
      this.post({
        t: 'lease',
        op: 'revoked',
        rid: msg.rid,
        key: msg.key,
        ...(usage ? { usage } : {}),
      });
      return true;
    }
    if (isLeaseViews(msg)) {
      for (const view of msg.views) {
        const lease = this.live(view.key);
        if (lease?.windowId === view.windowId) this.takeView(lease, view, view.othersBusy);
      }
      return true;
    }
    if (!isLeaseReply(msg)) return false;
    if (msg.windowId !== undefined) this.replies++;
    const entry = this.pending.get(msg.id);
    if (!entry) return true;
    this.pending.delete(msg.id);
    clearTimeout(entry.timer);
    if (msg.error === undefined) entry.resolve(msg);
    else entry.reject(unavailable(`primary answered: ${msg.error}`));
    return true;
  }

  /**
   * The usage of every lease that changed since it was last carried to the primary, as one
   * report for the owner to deliver (a worker sends it with its load report); the primary's
   * answer renews this worker's view of the others for those keys. Undefined: nothing changed.
   */
  takeReport(): WorkerLeaseMessage | undefined {
    if (this.dirty.size === 0 || this.closedReason) return undefined;
    const usages: (LeaseUsage & { key: string })[] = [];
    for (const key of this.dirty) {
      const lease = this.live(key);
      if (lease) usages.push({ key, ...this.usageOf(lease) });
    }
    this.dirty.clear();
    return usages.length > 0 ? { t: 'lease', op: 'report', usages } : undefined;
  }

  /** Reject every pending request (the channel closed or the primary is going away). */
  fail(reason: string): void {
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      clearTimeout(entry.timer);
      entry.reject(unavailable(reason));
    }
  }

  /** Reject pending and future requests; stop reporting. */
  close(): Promise<void> {
    this.closedReason ??= 'store closed';
    this.fail(this.closedReason);
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    return Promise.resolve();
  }

  /** The usage an acquire carries: it reports the key, so the next batched report can skip it. */
  private outgoingUsage(key: string, lease: Lease): LeaseUsage {
    this.dirty.delete(key);
    return this.usageOf(lease);
  }

  private usageOf(lease: Lease): LeaseUsage {
    return {
      windowId: lease.windowId,
      committed: lease.committed,
      consumed: lease.consumed,
      replies: this.replies,
    };
  }

  private take(key: string, lease: Lease, want: number, admitted: boolean): QuotaAdmission {
    const consumed = lease.othersConsumed + lease.consumed;
    const committed = lease.othersCommitted + lease.committed;
    if (admitted && want > 0) {
      lease.committed += want;
      this.markDirty(key);
    }
    return {
      admitted,
      consumed,
      reserved: committed - consumed,
      // A window nothing was charged to yet reads as no window, as in APISIX.
      ...(committed > 0 ? { resetInMs: lease.endsAt - this.clock.now() } : {}),
      windowId: lease.windowId,
    };
  }

  private async refresh(
    key: string,
    limit: number,
    windowSeconds: number,
    lease: Lease,
  ): Promise<void> {
    try {
      this.apply(key, await this.acquire(key, limit, windowSeconds, lease));
    } catch {
      // The admission asks the primary itself and fails (or degrades) there.
    } finally {
      lease.refreshing = undefined;
    }
  }

  /** Account this worker's usage with the primary without admitting anything (and top up). */
  private acquire(key: string, limit: number, windowSeconds: number, lease: Lease | undefined) {
    return this.request({
      op: 'acquire',
      key,
      limit,
      windowSeconds,
      want: 0,
      admit: false,
      ...(lease ? { usage: this.outgoingUsage(key, lease) } : {}),
    });
  }

  /**
   * Whether the view of the others can be used: the primary pushes every change to a worker
   * whose view it did not mark busy; a busy one is used up to `viewTtlMs`.
   */
  private current(lease: Lease): boolean {
    return !lease.othersBusy || this.clock.now() - lease.viewAt < this.viewTtlMs;
  }

  private live(key: string): Lease | undefined {
    const lease = this.leases.get(key);
    if (lease && lease.endsAt <= this.clock.now()) {
      this.leases.delete(key);
      this.dirty.delete(key);
      return undefined;
    }
    return lease;
  }

  private apply(key: string, reply: LeaseReply): Lease {
    const windowId = reply.windowId ?? '';
    let lease = this.live(key);
    if (lease?.windowId !== windowId) {
      lease = {
        windowId,
        endsAt: 0,
        granted: 0,
        committed: 0,
        consumed: 0,
        othersConsumed: 0,
        othersCommitted: 0,
        viewAt: 0,
        othersBusy: false,
      };
      this.leases.set(key, lease);
    }
    lease.endsAt = this.clock.now() + (reply.resetInMs ?? 0);
    lease.granted = Math.max(lease.granted, reply.granted ?? 0);
    this.takeView(lease, reply.view, reply.othersBusy);
    return lease;
  }

  /** The primary's view of the other workers' usage of `lease`'s key, as of now. */
  private takeView(lease: Lease, view: LeaseView | undefined, othersBusy: boolean | undefined) {
    lease.othersConsumed = view?.consumed ?? 0;
    lease.othersCommitted = view?.committed ?? 0;
    lease.viewAt = this.clock.now();
    lease.othersBusy = othersBusy === true;
  }

  private markDirty(key: string): void {
    if (this.dirty.size === 0) this.onReportDue?.();
    this.dirty.add(key);
  }

  private post(msg: WorkerLeaseMessage): void {
    try {
      this.send(msg);
    } catch {
      // The primary is gone; pending requests fail through fail() or their timeouts.
    }
  }

  private request(body: Outgoing): Promise<LeaseReply> {
    if (this.closedReason) return Promise.reject(unavailable(this.closedReason));
    this.nextId = (this.nextId % 0x7fffffff) + 1;
    const id = this.nextId;
    return new Promise<LeaseReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(unavailable(`no answer from the primary within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.send({ t: 'lease', id, ...body });
      } catch (err) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(
          unavailable(
            `cannot reach the primary: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      }
    });
  }
}

/** True when `lease` has unused budget for a request reserving `want` (at least 1 token left). */
function covers(lease: Lease, want: number): boolean {
  const slack = lease.granted - lease.committed;
  return slack > 0 && slack >= want;
}

function unavailable(why: string): CounterStoreUnavailableError {
  return new CounterStoreUnavailableError(`failed to use node quota: ${why}`);
}
