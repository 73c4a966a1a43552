/**
 * @module load/node-in-flight
 * The primary's sums of its workers' load reports: per worker the in-flight counts it last
 * reported and its cumulative sends, and, for each worker, the sums over all the *others*. A
 * worker that exits leaves its sends behind (node totals never go back) and its in-flight counts
 * with it. The primary sends {@link NodeInFlight.othersFor} to a worker when its
 * {@link NodeInFlight.othersVersion} moved since the last send.
 */
import { MAX_LOAD_KEYS, type CountPairs, type LoadOthers, type LoadReport } from './load-messages';

interface WorkerCounts {
  inFlight: Map<string, number>;
  readonly sent: Map<string, number>;
}

export class NodeInFlight {
  private readonly workers = new Map<number, WorkerCounts>();
  /** Cumulative sends of workers that exited. */
  private readonly exitedSent = new Map<string, number>();
  /** Reports and exits so far, and each worker's own reports among them. */
  private changes = 0;
  private readonly ownChanges = new Map<number, number>();

  /** A worker's report (`workerId`: cluster's worker id). */
  apply(workerId: number, report: LoadReport): void {
    let counts = this.workers.get(workerId);
    if (!counts) {
      counts = { inFlight: new Map(), sent: new Map() };
      this.workers.set(workerId, counts);
    }
    counts.inFlight = new Map(report.inFlight);
    for (const [key, sent] of report.sent) {
      if (counts.sent.has(key) || counts.sent.size < MAX_LOAD_KEYS) counts.sent.set(key, sent);
    }
    this.changes++;
    this.ownChanges.set(workerId, (this.ownChanges.get(workerId) ?? 0) + 1);
  }

  removeWorker(workerId: number): void {
    const counts = this.workers.get(workerId);
    if (!counts) return;
    this.workers.delete(workerId);
    this.ownChanges.delete(workerId);
    for (const [key, sent] of counts.sent) {
      if (this.exitedSent.has(key) || this.exitedSent.size < MAX_LOAD_KEYS) {
        this.exitedSent.set(key, (this.exitedSent.get(key) ?? 0) + sent);
      }
    }
    this.changes++;
  }

  /**
   * A number that moves whenever what worker `workerId` hears about the others changes (another
   * worker reported or exited), and only then: a worker's own reports leave it as it was.
   */
  othersVersion(workerId: number): number {
    return this.changes - (this.ownChanges.get(workerId) ?? 0);
  }

  /** What worker `workerId` hears about the others. */
  othersFor(workerId: number): LoadOthers {
    const inFlight = new Map<string, number>();
    const sent = new Map(this.exitedSent);
    for (const [id, counts] of this.workers) {
      if (id === workerId) continue;
      addInto(inFlight, counts.inFlight);
      addInto(sent, counts.sent);
    }
    return { t: 'load-others', inFlight: pairs(inFlight), sent: pairs(sent) };
  }

  /** Requests in flight from the whole node, by load key (non-zero only). */
  nodeInFlight(): Map<string, number> {
    const total = new Map<string, number>();
    for (const counts of this.workers.values()) addInto(total, counts.inFlight);
    return total;
  }
}

function addInto(total: Map<string, number>, counts: ReadonlyMap<string, number>): void {
  for (const [key, n] of counts) total.set(key, (total.get(key) ?? 0) + n);
}

const pairs = (counts: Map<string, number>): CountPairs => [...counts];
