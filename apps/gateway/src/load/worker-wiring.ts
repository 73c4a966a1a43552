/**
 * @module load/worker-wiring
 * A worker's side of the node's load sharing: hands the primary's load messages to the worker's
 * {@link WorkerInstanceLoad} and sends its report as soon as {@link REPORT_AFTER_CHANGES}
 * requests began or ended, else {@link MAX_REPORT_AGE_MS} after the first change since the last
 * report. Paced by requests alone, a node sends one report per so many requests whatever its
 * worker count (issue 14: the primary's work per request stays flat as workers are added), and
 * an idle worker sets no timer at all; the time bound keeps a quiet worker's counts fresh for
 * the others. Whatever else the worker tells the primary in the background (its token quota
 * usage, see `reportSoon`) goes out in the same write, so the primary wakes once for all of it.
 */
import { isLoadOthers, isLoadScrapes } from './load-messages';
import type { LoadReport } from './load-messages';
import type { PickReport } from './pick-stats';
import { WorkerInstanceLoad } from './worker-load';

/** Request begins and ends that make a report due at once. */
export const REPORT_AFTER_CHANGES = 256;
/** The longest a change waits to be reported. */
export const MAX_REPORT_AGE_MS = 100;

export interface WorkerLoadSharing {
  readonly view: WorkerInstanceLoad;
  /** True when `msg` was a load message (now applied). */
  onMessage(msg: unknown): boolean;
  /** Something `alongside` reports changed: a report goes out within MAX_REPORT_AGE_MS. */
  reportSoon(): void;
  stop(): void;
}

/** Options of {@link startWorkerLoadSharing}. */
export interface LoadSharingOptions<Extra> {
  /** Asked at each report: one more message to send with it (undefined: nothing). */
  readonly alongside?: () => Extra | undefined;
}

/**
 * Start sharing: `send` delivers the messages of one report to the primary (in one write, so
 * the primary wakes once for them).
 */
export function startWorkerLoadSharing<Extra extends object = never>(
  send: (messages: (LoadReport | PickReport | Extra)[]) => void,
  { alongside }: LoadSharingOptions<Extra> = {},
): WorkerLoadSharing {
  let ageTimer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let stopped = false;
  const stopTimers = (): void => {
    clearTimeout(ageTimer);
    ageTimer = undefined;
    if (immediate) clearImmediate(immediate);
    immediate = undefined;
  };
  const flush = (): void => {
    stopTimers();
    const messages: (LoadReport | PickReport | Extra)[] = [];
    const report = view.report();
    if (report) messages.push(report);
    const picks = view.pickReport();
    if (picks) messages.push(picks);
    const extra = alongside?.();
    if (extra) messages.push(extra);
    if (messages.length > 0) send(messages);
  };
  const reportSoon = (): void => {
    if (ageTimer || stopped) return;
    ageTimer = setTimeout(flush, MAX_REPORT_AGE_MS);
    ageTimer.unref();
  };
  const view = new WorkerInstanceLoad(Date.now, (pending) => {
    if (pending === 1) reportSoon();
    // After this turn's other begins and ends: one report for all of them.
    else if (pending >= REPORT_AFTER_CHANGES && !stopped) immediate ??= setImmediate(flush);
  });
  return {
    view,
    onMessage(msg) {
      if (isLoadOthers(msg)) view.applyOthers(msg);
      else if (isLoadScrapes(msg)) view.applyScrapes(msg);
      else return false;
      return true;
    },
    reportSoon,
    stop: () => {
      stopped = true;
      stopTimers();
    },
  };
}
