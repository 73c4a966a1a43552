/**
 * @module sync/store-health
 * Whether the config store answers, and the logs of an outage: one `warn` when it starts, one
 * `error` once it has lasted past the grace period (an operator must act), one `info` when the
 * store answers again.
 */
import type { Logger } from '@tollgate/core';

/** How long the store may be unreachable before it is logged as an error. */
export const OUTAGE_GRACE_MS = 30_000;

/** Tracks reachability of the store from the outcomes of reads, watches and probes. */
export class StoreHealth {
  connected = false;
  lastError: string | undefined;
  private downSince: number | undefined;
  private errorLogged = false;

  constructor(
    private readonly log: Logger,
    private readonly graceMs = OUTAGE_GRACE_MS,
  ) {}

  /** The store answered. */
  up(): void {
    if (this.downSince !== undefined) {
      this.log.info('config store reachable again', { downForMs: Date.now() - this.downSince });
    }
    this.connected = true;
    this.downSince = undefined;
    this.errorLogged = false;
  }

  /** The store failed to answer; `fields` add context to the log lines. */
  down(err: unknown, fields: Record<string, unknown> = {}): void {
    const reason = err instanceof Error ? err.message : String(err);
    this.lastError = reason;
    this.connected = false;
    const now = Date.now();
    if (this.downSince === undefined) {
      this.downSince = now;
      this.log.warn('config store unreachable', { ...fields, reason });
      return;
    }
    const downForMs = now - this.downSince;
    if (!this.errorLogged && downForMs >= this.graceMs) {
      this.errorLogged = true;
      this.log.error('config store unreachable past the grace period', {
        ...fields,
        reason,
        downForMs,
      });
    }
  }
}
