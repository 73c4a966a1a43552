/**
 * @module access-log/access-logger
 * The access log of a gateway worker (`nginx_config.http.enable_access_log` / `access_log`):
 * one JSON line per request, through a winston logger of its own, appended to a file (every
 * worker of a node appends whole lines to the same file) or written to stdout. Lines are
 * buffered for up to 100 ms and written together, so logging costs no write per request.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  createLogger,
  createRecordLogger,
  type Logger,
  type RecordLogger,
  type RequestContext,
} from '@tollgate/core';
import { accessLogEntry } from './entry';

export interface AccessLogOptions {
  enabled: boolean;
  /** File to append to (created with its directory if missing); stdout when absent. */
  path?: string;
  /**
   * Lines are collected for up to this many milliseconds (or 64 KiB) and written together;
   * default 100. 0 writes every line at once (slower: one write per request).
   */
  flushIntervalMs?: number;
  /** Reports write failures (default: the `access-log` component logger). */
  logger?: Logger;
}

/** Writes the access log of one worker. */
export interface AccessLogger {
  readonly enabled: boolean;
  /** Log a finished request (call once, after the log phase). Never throws. */
  log(ctx: RequestContext): void;
  /** Flush the lines queued and close the file (worker shutdown). */
  close(): Promise<void>;
}

const DEFAULT_FLUSH_MS = 100;

const DISABLED: AccessLogger = {
  enabled: false,
  log: () => undefined,
  close: () => Promise.resolve(),
};

/**
 * Open the access log. A file that cannot be opened fails here, at worker start, as nginx refuses
 * to start with an unwritable `access_log`; later write failures are reported once and the
 * lines dropped, never failing a request.
 *
 * @example
 * const accessLog = createAccessLogger({ enabled: true, path: 'logs/access.log' });
 * res.once('close', () => void runLogPhase(...).finally(() => accessLog.log(ctx)));
 * // at shutdown
 * await accessLog.close();
 */
export function createAccessLogger(options: AccessLogOptions): AccessLogger {
  if (!options.enabled) return DISABLED;
  const log = options.logger ?? createLogger('access-log');
  const file = options.path === undefined ? undefined : path.resolve(options.path);
  let destination: NodeJS.WritableStream;
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, 'a');
    destination = fs.createWriteStream(file, { fd, flags: 'a' });
  } else {
    destination = process.stdout;
  }
  let failures = 0;
  const records: RecordLogger = createRecordLogger({
    destination,
    endDestination: file !== undefined,
    flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_MS,
    // Entries are built from fields that cannot hold credentials (./entry, core's addAiFields).
    trusted: true,
    onError: (err) => {
      if (failures++ === 0) log.error('access log write failed', { file: file ?? 'stdout', err });
    },
  });
  return {
    enabled: true,
    log(ctx) {
      try {
        records.write(accessLogEntry(ctx));
      } catch (err) {
        if (failures++ === 0)
          log.error('access log entry failed', { request_id: ctx.requestId, err });
      }
    },
    close: () => records.close(),
  };
}
