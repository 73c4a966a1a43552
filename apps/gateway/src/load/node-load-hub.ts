/**
 * @module load/node-load-hub
 * The primary's side of the node's load sharing (issue 12): sums the workers' in-flight reports
 * and answers each worker with the others' sums every {@link SHARE_INTERVAL_MS} when they changed;
 * scrapes the metrics endpoints the config asks for and broadcasts each round of readings.
 */
import { isLoadReport, type LoadOthers, type LoadScrapes } from './load-messages';
import type { InstanceLoadSnapshot } from './load-metrics';
import { NodeInFlight } from './node-in-flight';
import { NodePickStats, isPickReport } from './pick-stats';
import { scrapeTargets } from './scrape-targets';
import { InstanceScraper, type ScrapeStatus, type ScraperLogger } from './scraper';

/** How often the primary passes changed sums on to the workers. */
export const SHARE_INTERVAL_MS = 25;

/** A worker the hub can talk to: cluster's id and a send. */
export interface LoadHubWorker {
  readonly id: number;
  send(message: LoadOthers | LoadScrapes): void;
}

export class NodeLoadHub {
  private readonly inFlight = new NodeInFlight();
  private readonly picks = new NodePickStats();
  private readonly scraper: InstanceScraper;
  private readonly timer: NodeJS.Timeout;

  /** `workers`: the workers that have their full config (and so listen to load messages). */
  constructor(
    private readonly workers: () => Iterable<LoadHubWorker>,
    logger: ScraperLogger,
  ) {
    this.scraper = new InstanceScraper({
      logger,
      onRound: (readings, gone) => {
        const round: LoadScrapes = { t: 'load-scrapes', readings, gone };
        for (const worker of this.workers()) worker.send(round);
      },
    });
    this.timer = setInterval(() => this.share(), SHARE_INTERVAL_MS);
    this.timer.unref();
  }

  /** True when `msg` from worker `workerId` was a load or picks report (now counted). */
  onWorkerMessage(workerId: number, msg: unknown): boolean {
    if (isLoadReport(msg)) this.inFlight.apply(workerId, msg);
    else if (isPickReport(msg)) this.picks.apply(workerId, msg);
    else return false;
    return true;
  }

  /** A worker just got its full config: it hears the others' sums at once. */
  workerSynced(worker: LoadHubWorker): void {
    worker.send(this.inFlight.othersFor(worker.id));
    worker.send({ t: 'load-scrapes', readings: this.scraper.readings(), gone: [] });
  }

  /** The config changed: scrape what it asks for now. */
  update(items: ReadonlyMap<string, unknown>): void {
    this.scraper.update(scrapeTargets(items));
  }

  /** Each scraped endpoint, its last reading and failures. */
  scrapes(): ScrapeStatus[] {
    return this.scraper.status();
  }

  workerExited(workerId: number): void {
    this.inFlight.removeWorker(workerId);
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
    clearInterval(this.timer);
    await this.scraper.close();
  }

  private share(): void {
    if (!this.inFlight.takeChanged()) return;
    for (const worker of this.workers()) worker.send(this.inFlight.othersFor(worker.id));
  }
}
