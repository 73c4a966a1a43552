/**
 * @module load/worker-wiring
 * A worker's side of the node's load sharing: hands the primary's load messages to the worker's
 * {@link WorkerInstanceLoad} and sends its report every {@link REPORT_INTERVAL_MS} when it changed.
 */
import { isLoadOthers, isLoadScrapes } from './load-messages';
import type { LoadReport } from './load-messages';
import type { PickReport } from './pick-stats';
import { WorkerInstanceLoad } from './worker-load';

/** How often a worker tells the primary its counts (when they changed). */
export const REPORT_INTERVAL_MS = 25;

export interface WorkerLoadSharing {
  readonly view: WorkerInstanceLoad;
  /** True when `msg` was a load message (now applied). */
  onMessage(msg: unknown): boolean;
  stop(): void;
}

/** Start sharing: `send` delivers a report to the primary. */
export function startWorkerLoadSharing(
  send: (report: LoadReport | PickReport) => void,
): WorkerLoadSharing {
  const view = new WorkerInstanceLoad();
  const timer = setInterval(() => {
    const report = view.report();
    if (report) send(report);
    const picks = view.pickReport();
    if (picks) send(picks);
  }, REPORT_INTERVAL_MS);
  timer.unref();
  return {
    view,
    onMessage(msg) {
      if (isLoadOthers(msg)) view.applyOthers(msg);
      else if (isLoadScrapes(msg)) view.applyScrapes(msg);
      else return false;
      return true;
    },
    stop: () => clearInterval(timer),
  };
}
