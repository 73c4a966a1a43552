/**
 * @module load/worker-load
 * A worker's {@link InstanceLoadView}: its own in-flight and sent counts, exact and local (a
 * request costs a map lookup and a few additions, no IPC), plus what the primary last said about
 * the other workers and about the instances' scraped metrics. The worker's loop calls
 * {@link WorkerInstanceLoad.report} when enough changed or enough time passed (load/worker-wiring)
 * and sends what it returns, which is nothing while the counts have not changed.
 */
import type { InstanceLoadView, PickNote, ScrapedLoad } from '@tollgate/core';
import {
  MAX_LOAD_KEYS,
  type CountPairs,
  type LoadOthers,
  type LoadReport,
  type LoadScrapes,
} from './load-messages';
import { WorkerPickStats, type PickReport } from './pick-stats';
import { RecentSends } from './recent-sends';

/** How long the other workers' send counts are remembered for `sentSince`. */
const OTHERS_HISTORY_MS = 5_000;
const OTHERS_HISTORY_ENTRIES = 256;

interface OwnCounts {
  inFlight: number;
  /** Cumulative sends, reported to the primary. */
  sent: number;
  reportedSent: number;
  readonly recent: RecentSends;
}

interface OthersSnapshot {
  readonly at: number;
  readonly sent: ReadonlyMap<string, number>;
}

export class WorkerInstanceLoad implements InstanceLoadView {
  private readonly own = new Map<string, OwnCounts>();
  private othersInFlight: ReadonlyMap<string, number> = new Map();
  /** The other workers' cumulative sends, oldest first; the last entry is the latest. */
  private othersSent: OthersSnapshot[] = [];
  private readonly scrapes = new Map<string, ScrapedLoad>();
  /** begin/end calls since the last report: what paces the reports (see worker-wiring). */
  private changesSinceReport = 0;
  private readonly picks = new WorkerPickStats();

  /** `onChange`: told the number of begin/end calls since the last report, at each one. */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly onChange?: (pending: number) => void,
  ) {}

  inFlight(loadKey: string): number {
    return (this.own.get(loadKey)?.inFlight ?? 0) + (this.othersInFlight.get(loadKey) ?? 0);
  }

  begin(loadKey: string): void {
    const counts = this.countsOf(loadKey);
    if (!counts) return;
    counts.inFlight++;
    counts.sent++;
    counts.recent.record(this.now());
    this.changesSinceReport++;
    this.onChange?.(this.changesSinceReport);
  }

  end(loadKey: string): void {
    const counts = this.own.get(loadKey);
    if (!counts || counts.inFlight === 0) return;
    counts.inFlight--;
    this.changesSinceReport++;
    this.onChange?.(this.changesSinceReport);
  }

  sentSince(loadKey: string, sinceMs: number): number {
    const own = this.own.get(loadKey)?.recent.countSince(sinceMs) ?? 0;
    return own + this.othersSentSince(loadKey, sinceMs);
  }

  scraped(metricsUrl: string): ScrapedLoad | undefined {
    return this.scrapes.get(metricsUrl);
  }

  notePick(pick: PickNote): void {
    this.picks.note(pick);
  }

  /** The picks report to send the primary, or undefined when no pick changed anything. */
  pickReport(): PickReport | undefined {
    return this.picks.report();
  }

  /** begin/end calls since the last {@link report}. */
  get pendingChanges(): number {
    return this.changesSinceReport;
  }

  /** The report to send the primary, or undefined when nothing changed since the last one. */
  report(): LoadReport | undefined {
    if (this.changesSinceReport === 0) return undefined;
    this.changesSinceReport = 0;
    const inFlight: CountPairs = [];
    const sent: CountPairs = [];
    for (const [key, counts] of this.own) {
      if (counts.inFlight > 0) inFlight.push([key, counts.inFlight]);
      if (counts.sent !== counts.reportedSent) {
        sent.push([key, counts.sent]);
        counts.reportedSent = counts.sent;
      }
    }
    return { t: 'load-report', inFlight, sent };
  }

  /** The primary's sums over the other workers. */
  applyOthers(message: LoadOthers): void {
    this.othersInFlight = new Map(message.inFlight);
    const at = this.now();
    const kept = this.othersSent.filter((s) => s.at >= at - OTHERS_HISTORY_MS);
    // Keep one entry at or before the horizon, so a `since` there still has a baseline.
    const horizon = this.othersSent[this.othersSent.length - kept.length - 1];
    this.othersSent = [...(horizon ? [horizon] : []), ...kept, { at, sent: new Map(message.sent) }];
    if (this.othersSent.length > OTHERS_HISTORY_ENTRIES) this.othersSent.shift();
  }

  /** A scrape round from the primary. */
  applyScrapes(message: LoadScrapes): void {
    for (const url of message.gone) this.scrapes.delete(url);
    for (const [url, load] of message.readings) {
      if (this.scrapes.has(url) || this.scrapes.size < MAX_LOAD_KEYS) this.scrapes.set(url, load);
    }
  }

  private countsOf(loadKey: string): OwnCounts | undefined {
    let counts = this.own.get(loadKey);
    if (!counts && this.own.size < MAX_LOAD_KEYS) {
      counts = { inFlight: 0, sent: 0, reportedSent: 0, recent: new RecentSends() };
      this.own.set(loadKey, counts);
    }
    return counts;
  }

  private othersSentSince(loadKey: string, sinceMs: number): number {
    const latest = this.othersSent[this.othersSent.length - 1];
    if (!latest) return 0;
    let baseline = latest;
    // The last snapshot at or before `sinceMs`; the oldest one when all are later.
    for (let i = this.othersSent.length - 1; i >= 0; i--) {
      const snapshot = this.othersSent[i];
      if (!snapshot) break;
      baseline = snapshot;
      if (snapshot.at <= sinceMs) break;
    }
    const diff = (latest.sent.get(loadKey) ?? 0) - (baseline.sent.get(loadKey) ?? 0);
    return Math.max(0, diff);
  }
}
