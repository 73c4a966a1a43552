/**
 * @module ai-proxy-multi/load/local-instance-load
 * The load view of a worker whose host gives none (unit tests, a bare embedding): in-flight
 * counts of this worker only, and no scrapes, so `least_busy` still balances and `queue_aware`
 * sees only cloud-like instances.
 */
import type { InstanceLoadView } from '@tollgate/core';

/** Bounds the send times kept per backend for `sentSince`. */
const MAX_SENDS_KEPT = 1024;

export class LocalInstanceLoad implements InstanceLoadView {
  private readonly counts = new Map<string, number>();
  private readonly sends = new Map<string, number[]>();

  inFlight(loadKey: string): number {
    return this.counts.get(loadKey) ?? 0;
  }

  begin(loadKey: string): void {
    this.counts.set(loadKey, this.inFlight(loadKey) + 1);
    const sends = this.sends.get(loadKey) ?? [];
    sends.push(Date.now());
    if (sends.length > MAX_SENDS_KEPT) sends.shift();
    this.sends.set(loadKey, sends);
  }

  end(loadKey: string): void {
    const left = this.inFlight(loadKey) - 1;
    if (left > 0) this.counts.set(loadKey, left);
    else this.counts.delete(loadKey);
  }

  sentSince(loadKey: string, sinceMs: number): number {
    return (this.sends.get(loadKey) ?? []).filter((at) => at > sinceMs).length;
  }

  scraped(): undefined {
    return undefined;
  }
}
