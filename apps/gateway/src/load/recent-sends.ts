/**
 * @module load/recent-sends
 * When one worker last sent requests to one instance: a fixed ring of send times, so "how many
 * since t" costs as many steps as there are answers (at most the ring's size) and a send costs
 * one array write.
 */

/** Sends remembered per key; `sentSince` never counts more than this many. */
export const RECENT_SENDS_CAPACITY = 1024;

export class RecentSends {
  private readonly times = new Float64Array(RECENT_SENDS_CAPACITY);
  /** Sends recorded in total (the next slot is `total % capacity`). */
  private total = 0;

  record(at: number): void {
    this.times[this.total % RECENT_SENDS_CAPACITY] = at;
    this.total++;
  }

  /** Sends recorded after `sinceMs` (capped at the ring's capacity). */
  countSince(sinceMs: number): number {
    const remembered = Math.min(this.total, RECENT_SENDS_CAPACITY);
    let count = 0;
    for (let i = 1; i <= remembered; i++) {
      if ((this.times[(this.total - i) % RECENT_SENDS_CAPACITY] ?? 0) <= sinceMs) break;
      count++;
    }
    return count;
  }
}
