/**
 * @module load/worker-wiring
 * A worker's side of the node's load sharing: hands the primary's load messages to the worker's
 * {@link WorkerInstanceLoad} and sends its report once {@link REPORT_AFTER_CHANGES} requests
 * began or ended, or, when anything changed, {@link MAX_REPORT_AGE_MS} after the last report.
 * Paced by requests, a node sends about as many reports at a given request rate whatever its
 * worker count (issue 14: the primary's work per request stays flat as workers are added); the
 * time bound keeps a quiet worker's counts fresh for the others. Whatever else the worker tells
 * the primary in the background (its token quota usage) goes out in the same tick, so the
 * primary wakes once for all of it.
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

/** Options of {@link startWorkerLoadSharing}. */
export interface LoadSharingOptions<Extra> {
  readonly now?: () => number;
  /** Asked whenever a report is due (even one with nothing in it): one more message to send with it. */
  readonly alongside?: () => Extra | undefined;
}

/**
 * Start sharing: `send` delivers the messages of one due report to the primary (in one write,
 * so the primary wakes once for them).
 */
export function startWorkerLoadSharing<Extra extends object = never>(
  send: (messages: (LoadReport | PickReport | Extra)[]) => void,
  { now = Date.now, alongside }: LoadSharingOptions<Extra> = {},
): WorkerLoadSharing {
  const view = new WorkerInstanceLoad();
  let reportedAt = now();
  const timer = setInterval(() => {
    const at = now();
    if (view.pendingChanges < REPORT_AFTER_CHANGES && at - reportedAt < MAX_REPORT_AGE_MS) return;
    reportedAt = at;
    const messages: (LoadReport | PickReport | Extra)[] = [];
    const report = view.report();
    if (report) messages.push(report);
    const picks = view.pickReport();
    if (picks) messages.push(picks);
    const extra = alongside?.();
    if (extra) messages.push(extra);
    if (messages.length > 0) send(messages);
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
