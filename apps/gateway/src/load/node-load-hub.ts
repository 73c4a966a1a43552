/**
 * @module load/node-load-hub
 * The primary's side of the node's load sharing (issue 12): sums the workers' in-flight reports
 * (for metrics and the control API) and, while some config balances by load (`least_busy`,
 * `least_latency`, `queue_aware`), answers each report with the others' sums when they changed
 * since that worker last heard them; a worker that has not reported for {@link MAX_VIEW_AGE_MS}
 * gets changed sums unasked. Messages so follow the requests (workers report per batch of
 * requests, load/worker-wiring), not the worker count: issue 14 wants the primary's work per
 * request flat as workers are added. A node that only balances by round robin or hash (the
 * default) answers no report here: a second worker adds no load message to the primary's work.
 * Also scrapes the metrics endpoints the config asks for and broadcasts each round of readings.
 */
import { isLoadReport, type LoadOthers, type LoadScrapes } from './load-messages';
import type { InstanceLoadSnapshot } from './load-metrics';
import { NodeInFlight } from './node-in-flight';
import { NodePickStats, isPickReport } from './pick-stats';
import { balancesByLoad, scrapeTargets } from './scrape-targets';
import { InstanceScraper, type ScrapeStatus, type ScraperLogger } from './scraper';

/**
 * The oldest the others' sums a worker holds may be, once they changed. A worker that serves
 * hears them sooner, with the answer to each of its reports (at most 100 ms apart, see
 * load/worker-wiring); this is for a quiet one, and above the report interval so the primary
 * does not race a busy worker's next report with a message of its own.
 */
export const MAX_VIEW_AGE_MS = 250;

/** A worker the hub can talk to: cluster's id and a send. */
export interface LoadHubWorker {
  readonly id: number;
  send(message: LoadOthers | LoadScrapes): void;
}

export class NodeLoadHub {
  private readonly inFlight = new NodeInFlight();
  private readonly picks = new NodePickStats();
  private readonly scraper: InstanceScraper;
  /**
   * Armed only while some worker's view is out of date, for when the oldest turns
   * MAX_VIEW_AGE_MS old: an idle node, or one worker alone, never wakes the primary.
   */
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Some config balances by load: the workers hear each other's sums (see `update`). */
  private sharing = false;
  /** Per worker: the others' version it last heard, and when. */
  private readonly heard = new Map<number, { version: number; at: number }>();

  /** `workers`: the workers that have their full config (and so listen to load messages). */
  constructor(
    private readonly workers: () => Iterable<LoadHubWorker>,
    logger: ScraperLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.scraper = new InstanceScraper({
      logger,
      onRound: (readings, gone) => {
        const round: LoadScrapes = { t: 'load-scrapes', readings, gone };
        for (const worker of this.workers()) worker.send(round);
      },
    });
  }

  /** True when `msg` from worker `workerId` was a load or picks report (now counted). */
  onWorkerMessage(workerId: number, msg: unknown): boolean {
    if (isLoadReport(msg)) {
      this.inFlight.apply(workerId, msg);
      if (!this.sharing) return true;
      for (const worker of this.workers()) {
        if (worker.id === workerId && this.stale(worker.id)) this.tell(worker);
      }
      this.armAged();
    } else if (isPickReport(msg)) this.picks.apply(workerId, msg);
    else return false;
    return true;
  }

  /** A worker just got its full config: it hears the others' sums at once (when shared). */
  workerSynced(worker: LoadHubWorker): void {
    if (this.sharing) this.tell(worker);
    worker.send({ t: 'load-scrapes', readings: this.scraper.readings(), gone: [] });
  }

  /**
   * The config changed: scrape what it asks for now, and share the workers' sums while some
   * config balances by load. When that starts, every worker hears the current sums at once (a
   * view left from an earlier spell of sharing is out of date); when it stops, nothing more is
   * sent and no timer is left.
   */
  update(items: ReadonlyMap<string, unknown>): void {
    this.scraper.update(scrapeTargets(items));
    const sharing = balancesByLoad(items);
    if (sharing === this.sharing) return;
    this.sharing = sharing;
    if (sharing) {
      for (const worker of this.workers()) if (this.stale(worker.id)) this.tell(worker);
    } else {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Each scraped endpoint, its last reading and failures. */
  scrapes(): ScrapeStatus[] {
    return this.scraper.status();
  }

  workerExited(workerId: number): void {
    this.inFlight.removeWorker(workerId);
    this.heard.delete(workerId);
    this.picks.removeWorker(workerId);
  }

  /** Requests in flight from the whole node, by load key. */
  nodeInFlight(): Map<string, number> {
    return this.inFlight.nodeInFlight();
  }

  /** Scrapes, in-flight counts and picks together, for metrics and the control API. */
  snapshot(): InstanceLoadSnapshot {
    return {
      scrapes: this.scrapes(),
      inFlight: [...this.nodeInFlight()],
      picks: this.picks.snapshot(),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.scraper.close();
  }

  /** Workers that did not report lately hear changed sums here. */
  private shareAged(): void {
    const now = this.now();
    for (const worker of this.workers()) {
      const heard = this.heard.get(worker.id);
      if (this.stale(worker.id) && (!heard || now - heard.at >= MAX_VIEW_AGE_MS)) this.tell(worker);
    }
  }

  private armAged(): void {
    if (this.timer || this.closed) return;
    let due = Infinity;
    for (const worker of this.workers()) {
      if (!this.stale(worker.id)) continue;
      due = Math.min(due, (this.heard.get(worker.id)?.at ?? 0) + MAX_VIEW_AGE_MS);
    }
    if (due === Infinity) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.shareAged();
        this.armAged();
      },
      Math.max(0, due - this.now()),
    );
    this.timer.unref();
  }

  private stale(workerId: number): boolean {
    return this.heard.get(workerId)?.version !== this.inFlight.othersVersion(workerId);
  }

  private tell(worker: LoadHubWorker): void {
    this.heard.set(worker.id, { version: this.inFlight.othersVersion(worker.id), at: this.now() });
    worker.send(this.inFlight.othersFor(worker.id));
  }
}
