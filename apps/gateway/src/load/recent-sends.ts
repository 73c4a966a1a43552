/**
 * @module load/recent-sends
 * When one worker last sent requests to one instance: a fixed ring of send times, in the order
 * they were sent, so a send costs one array write and "how many since t" a binary search.
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
    const oldest = this.total - remembered;
    // The first remembered send later than `sinceMs`: times only grow along the ring.
    let low = 0;
    let high = remembered;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.times[(oldest + mid) % RECENT_SENDS_CAPACITY] ?? 0) > sinceMs) high = mid;
      else low = mid + 1;
    }
    return remembered - low;
  }
}
