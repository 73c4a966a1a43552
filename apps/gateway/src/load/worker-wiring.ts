/**
 * @module load/worker-wiring
 * A worker's side of the node's load sharing: hands the primary's load messages to the worker's
 * {@link WorkerInstanceLoad} and sends its report once {@link REPORT_AFTER_CHANGES} requests
 * began or ended, or, when anything changed, {@link MAX_REPORT_AGE_MS} after the last report.
 * Paced by requests, a node sends about as many reports at a given request rate whatever its
 * worker count (issue 14: the primary's work per request stays flat as workers are added); the
 * time bound keeps a quiet worker's counts fresh for the others.
 */
import { isLoadOthers, isLoadScrapes } from './load-messages';
import type { LoadReport } from './load-messages';
import type { PickReport } from './pick-stats';
import { WorkerInstanceLoad } from './worker-load';

/** Request begins and ends that make a report due (at most one per {@link TICK_MS}). */
export const REPORT_AFTER_CHANGES = 128;
/** The longest a change waits to be reported. */
export const MAX_REPORT_AGE_MS = 100;
/** How often the worker looks whether a report is due. */
const TICK_MS = 25;

export interface WorkerLoadSharing {
  readonly view: WorkerInstanceLoad;
  /** True when `msg` was a load message (now applied). */
  onMessage(msg: unknown): boolean;
  stop(): void;
}

/** Start sharing: `send` delivers a report to the primary. */
export function startWorkerLoadSharing(
  send: (report: LoadReport | PickReport) => void,
  now: () => number = Date.now,
): WorkerLoadSharing {
  const view = new WorkerInstanceLoad();
  let reportedAt = now();
  const timer = setInterval(() => {
    const at = now();
    if (view.pendingChanges < REPORT_AFTER_CHANGES && at - reportedAt < MAX_REPORT_AGE_MS) return;
    reportedAt = at;
    const report = view.report();
    if (report) send(report);
    const picks = view.pickReport();
    if (picks) send(picks);
  }, TICK_MS);
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
