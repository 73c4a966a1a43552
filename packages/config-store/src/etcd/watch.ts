/**
 * @module etcd/watch
 * One prefix watch on its own gRPC stream, resumed by us rather than by etcd3's WatchManager.
 *
 * Why not etcd3's watcher: it advances its resume revision to the *header* revision of every
 * response (including the creation response, whose header is the current store revision), so a
 * stream that drops while etcd is still replaying history resumes past events it never
 * delivered. Here the resume point is the revision after the last event actually delivered.
 *
 * Liveness: besides gRPC keepalive (dead TCP peer), a progress request is sent on the stream
 * every `watchProbeIntervalMs`; a stream that answers nothing for a whole interval is torn down and
 * re-created. Progress answers only prove liveness: etcd 3.4 answers them before a catching-up
 * watcher is synced, so their revision is never used to advance the resume point.
 */
import type { IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import { StoreCompactedError, StoreUnavailableError, type Logger } from '@tollgate/core';
import type { Watch, WatchBatch, WatchEvent, WatchOptions } from '../store';
import { Backoff } from '@tollgate/core';
import { prefixRangeEnd } from '../keys';
import { headerRevision, int, toItem } from './convert';
import { errorFields } from '../log-fields';
import type { EtcdEndpoint, EtcdEndpoints } from './endpoints';

/** Reconnect and liveness tuning of etcd watches. */
export interface EtcdWatchTuning {
  /**
   * Report `StoreUnavailableError` (and close the watch) once reconnecting has failed for this
   * long, in ms. Default: never give up, keep retrying with backoff.
   */
  watchGiveUpMs?: number;
  /** Interval of the liveness probe in ms (default 10000). */
  watchProbeIntervalMs?: number;
  /** Upper bound of the reconnect backoff in ms (default 5000). */
  watchBackoffMaxMs?: number;
}

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

/** How long a watch may stay disconnected before it is logged as an error. */
const OUTAGE_GRACE_MS = 30_000;

/** Internal: what the store hands a watch. */
export interface EtcdWatchContext {
  endpoints: EtcdEndpoints;
  logger: Logger;
  /** Deadline for a create request to be acknowledged, in ms. */
  timeoutMs: number;
  tuning: EtcdWatchTuning;
  /** Called once when the watch ends (closed or failed). */
  onEnd(watch: EtcdWatch): void;
}

/** A resumable etcd prefix watch. Created by `EtcdStore.watch`. */
export class EtcdWatch implements Watch {
  private nextRevision: number;
  private stream: WatchStream | undefined;
  /** The member the current (or last) stream went to. */
  private endpoint: EtcdEndpoint | undefined;
  /** Incremented for every stream; callbacks of an older stream are ignored. */
  private generation = 0;
  private closed = false;
  private failingSince: number | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private createTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probeSentAt: number | undefined;
  private outageReported = false;
  private readonly backoff: Backoff;
  private readonly key: Buffer;
  private readonly rangeEnd: Buffer;

  constructor(
    private readonly options: WatchOptions,
    private readonly context: EtcdWatchContext,
  ) {
    this.nextRevision = Math.max(1, Math.floor(options.fromRevision));
    this.backoff = new Backoff({ initialMs: 100, maxMs: context.tuning.watchBackoffMaxMs ?? 5000 });
    const prefix = Buffer.from(options.prefix);
    this.key = prefix.length > 0 ? prefix : Buffer.from([0]);
    this.rangeEnd = prefixRangeEnd(prefix);
  }

  /** Open the first stream. */
  start(): void {
    void this.connect();
  }

  close(): Promise<void> {
    if (!this.closed) this.end();
    return Promise.resolve();
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    const generation = ++this.generation;
    // The member that answered last, or the next one after a member failed: a watch must not
    // keep reconnecting to a dead member of a cluster that has quorum.
    const endpoint = this.context.endpoints.order()[0];
    if (!endpoint) return;
    this.endpoint = endpoint;
    let stream: WatchStream;
    try {
      stream = await endpoint.client.watchClient.watch();
    } catch (err) {
      this.disconnected(generation, err);
      return;
    }
    if (this.closed || generation !== this.generation) {
      stream.end();
      stream.cancel();
      return;
    }
    this.stream = stream;
    stream.on('data', (res) => this.onResponse(generation, res));
    stream.on('error', (err) => this.disconnected(generation, err));
    stream.on('end', () => this.disconnected(generation, new Error('watch stream ended by etcd')));
    stream.write({
      create_request: {
        key: this.key,
        range_end: this.rangeEnd,
        start_revision: this.nextRevision,
        progress_notify: true,
      },
    });
    this.createTimer = setTimeout(
      () =>
        this.disconnected(
          generation,
          new Error(`watch not created within ${this.context.timeoutMs} ms`),
        ),
      this.context.timeoutMs,
    );
  }

  private onResponse(generation: number, res: IWatchResponse): void {
    if (this.closed || generation !== this.generation) return;
    this.probeSentAt = undefined;
    const compactRevision = int(res.compact_revision);
    if (compactRevision > 0) {
      this.context.logger.warn('etcd watch compacted', {
        prefix: this.options.prefix,
        fromRevision: this.nextRevision,
        compactRevision,
      });
      this.fail(new StoreCompactedError(compactRevision));
      return;
    }
    if (res.canceled) {
      this.disconnected(
        generation,
        new Error(`watch canceled by etcd: ${res.cancel_reason || 'no reason given'}`),
      );
      return;
    }
    if (res.created) {
      this.onCreated(generation, headerRevision(res.header));
      return;
    }
    if (res.events.length > 0) this.deliver(res);
  }

  private onCreated(generation: number, revision: number): void {
    clearTimeout(this.createTimer);
    this.createTimer = undefined;
    if (revision < this.nextRevision - 1) {
      void this.confirmBehind(generation);
      return;
    }
    this.resumed(generation);
  }

  private resumed(generation: number): void {
    if (this.endpoint) this.context.endpoints.succeeded(this.endpoint);
    if (this.failingSince !== undefined) {
      this.context.logger.info('etcd watch resumed', {
        prefix: this.options.prefix,
        fromRevision: this.nextRevision,
      });
    }
    this.backoff.reset();
    this.failingSince = undefined;
    this.outageReported = false;
    this.startProbe(generation);
  }

  /**
   * The member created the watch at a revision below what was already delivered. A member of a
   * cluster may just be behind: right after the leader died, the others learn of its last
   * commits only from the next leader. A linearizable read waits until the member has caught up
   * with the cluster; a store still behind then was restored or replaced, and the reader's only
   * safe move is a full re-read, which is what a compaction asks for too.
   */
  private async confirmBehind(generation: number): Promise<void> {
    const endpoint = this.endpoint;
    if (!endpoint) return;
    let revision: number;
    try {
      const res = await endpoint.client.kv.range(
        { key: Buffer.from([0]), count_only: true },
        { deadline: new Date(Date.now() + this.context.timeoutMs) },
      );
      revision = headerRevision(res.header);
    } catch (err) {
      this.disconnected(generation, err);
      return;
    }
    if (this.closed || generation !== this.generation) return;
    if (revision >= this.nextRevision - 1) {
      this.resumed(generation);
      return;
    }
    this.context.logger.warn('etcd revision went backwards', {
      prefix: this.options.prefix,
      expectedAtLeast: this.nextRevision - 1,
      revision,
    });
    this.fail(new StoreCompactedError(revision));
  }

  private deliver(res: IWatchResponse): void {
    let batch: WatchBatch | undefined;
    const flush = () => {
      if (!batch) return;
      const ready = batch;
      batch = undefined;
      // Advance first: a callback that throws must not get the batch again after a resume.
      this.nextRevision = ready.revision + 1;
      try {
        this.options.onBatch(ready);
      } catch (err) {
        this.context.logger.error('watch batch handler failed', {
          prefix: this.options.prefix,
          err: errorFields(err),
        });
      }
    };
    for (const ev of res.events) {
      const revision = int(ev.kv.mod_revision);
      if (revision < this.nextRevision) continue;
      if (batch && batch.revision !== revision) flush();
      if (this.closed) return;
      batch ??= { revision, events: [] };
      const event: WatchEvent =
        ev.type === 'Delete'
          ? { type: 'delete', item: { ...toItem(ev.kv), value: '' } }
          : { type: 'put', item: toItem(ev.kv) };
      batch.events.push(event);
    }
    flush();
  }

  private startProbe(generation: number): void {
    clearInterval(this.probeTimer);
    const interval = this.context.tuning.watchProbeIntervalMs ?? 10_000;
    this.probeTimer = setInterval(() => {
      if (this.closed || generation !== this.generation || !this.stream) return;
      if (this.probeSentAt !== undefined) {
        this.disconnected(
          generation,
          new Error(`watch silent for ${Date.now() - this.probeSentAt} ms`),
        );
        return;
      }
      this.probeSentAt = Date.now();
      this.stream.write({ progress_request: {} });
    }, interval);
    this.probeTimer.unref();
  }

  private disconnected(generation: number, err: unknown): void {
    if (this.closed || generation !== this.generation) return;
    this.generation++;
    this.dropStream(true);
    if (this.endpoint) this.context.endpoints.failed(this.endpoint);
    const now = Date.now();
    this.failingSince ??= now;
    const giveUpMs = this.context.tuning.watchGiveUpMs;
    const reason = err instanceof Error ? err.message : String(err);
    if (giveUpMs !== undefined && now - this.failingSince >= giveUpMs) {
      this.context.logger.error('etcd watch gave up', {
        prefix: this.options.prefix,
        failingForMs: now - this.failingSince,
        reason,
      });
      this.fail(
        new StoreUnavailableError(
          `etcd unreachable: watch on ${this.options.prefix} could not reconnect for ${now - this.failingSince} ms: ${reason}`,
          { cause: err },
        ),
      );
      return;
    }
    let delay = this.backoff.next();
    if (giveUpMs !== undefined)
      delay = Math.max(0, Math.min(delay, this.failingSince + giveUpMs - now));
    this.logRetry(now, delay, reason);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  /** warn once per outage, error once when it outlasts the grace period, debug otherwise. */
  private logRetry(now: number, retryInMs: number, reason: string): void {
    const failingForMs = now - (this.failingSince ?? now);
    const fields = {
      prefix: this.options.prefix,
      resumeRevision: this.nextRevision,
      retryInMs,
      failingForMs,
      reason,
    };
    if (failingForMs === 0) {
      this.context.logger.warn('etcd watch disconnected', fields);
    } else if (failingForMs >= OUTAGE_GRACE_MS && !this.outageReported) {
      this.outageReported = true;
      this.context.logger.error('etcd watch still disconnected', fields);
    } else {
      this.context.logger.debug('etcd watch reconnect failed', fields);
    }
  }

  /**
   * Tear the current stream down. `failed`: cancel while still writable, which makes etcd3 reset
   * the host's channels, so a half-open TCP connection is not reused by the next stream.
   */
  private dropStream(failed: boolean): void {
    clearTimeout(this.createTimer);
    clearInterval(this.probeTimer);
    this.createTimer = undefined;
    this.probeTimer = undefined;
    this.probeSentAt = undefined;
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    if (!failed) stream.end();
    stream.cancel();
  }

  private fail(err: Error): void {
    this.end();
    try {
      this.options.onError(err);
    } catch (handlerErr) {
      this.context.logger.error('watch error handler failed', {
        prefix: this.options.prefix,
        err: errorFields(handlerErr),
      });
    }
  }

  private end(): void {
    this.closed = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.dropStream(false);
    this.context.onEnd(this);
  }
}
