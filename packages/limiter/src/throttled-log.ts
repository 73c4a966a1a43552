/**
 * @module throttled-log
 * A warn logger that says a repeating problem once per interval, with a count of what it held
 * back, so a Redis that stays down does not flood the logs with one line per reconnect.
 */

/** The part of a winston logger the limiter uses. */
export interface LimiterLogger {
  warn(msg: string, meta?: Record<string, unknown>): unknown;
  info(msg: string, meta?: Record<string, unknown>): unknown;
}

/**
 * Log `msg` at warn at most once per `intervalMs` for each `msg`; the next line carries
 * `suppressed`, the number of calls dropped since the previous one.
 *
 * @example
 * const warn = throttledWarn(logger, 10_000);
 * client.on('error', (err) => warn('redis connection error', { err }));
 */
export function throttledWarn(
  logger: LimiterLogger,
  intervalMs: number,
  now: () => number = Date.now,
): (msg: string, meta?: Record<string, unknown>) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return function warnThrottled(msg, meta) {
    const t = now();
    const seen = last.get(msg);
    if (seen && t - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    last.set(msg, { at: t, suppressed: 0 });
    logger.warn(msg, { ...meta, ...(seen?.suppressed ? { suppressed: seen.suppressed } : {}) });
  };
}

/** `{ name, code, message }` of an error, for the fixed `err` log key (no stack on warn lines). */
export function errorFields(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { name: err.name, ...(code !== undefined && { code }), message: err.message };
}
