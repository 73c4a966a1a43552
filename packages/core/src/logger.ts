/**
 * @module logger
 * The single winston logger factory. JSON lines by default (one object per line with fixed keys
 * `ts`, `level`, `msg`, `component`), pretty text when `TOLLGATE_LOG_FORMAT=pretty`.
 * Secrets are redacted before any transport sees them.
 */
import { types } from 'node:util';
import winston from 'winston';
import { readEnv } from './env';
import { setOwn } from './json';

export type Logger = winston.Logger;

const SECRET_KEY =
  /^(authorization|x-api-key|api_key|apikey|key|password|.*_secret.*|.*_password)$/i;

/**
 * The fields of an Error worth logging (`name`, `code`, `message`, `stack`, `cause`): an Error's
 * own properties are not enumerable, so as a plain log field it would print as `{}`.
 */
function errorFields(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const { code, status } = err as { code?: unknown; status?: unknown };
  if (code !== undefined) out.code = code;
  if (status !== undefined) out.status = status;
  out.stack = err.stack;
  if (err.cause !== undefined) out.cause = redact(err.cause, depth + 1);
  return out;
}

/**
 * Replace values of secret-looking keys, at any depth, with "[REDACTED]"; Errors become
 * {@link errorFields}.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error || types.isNativeError(value)) return errorFields(value, depth);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    setOwn(
      out,
      k,
      SECRET_KEY.test(k) && typeof v !== 'object' ? '[REDACTED]' : redact(v, depth + 1),
    );
  }
  return out;
}

const redactFormat = winston.format((info) => {
  for (const [key, v] of Object.entries(info)) {
    if (key === 'level' || key === 'message') continue;
    setOwn(info, key, SECRET_KEY.test(key) && typeof v !== 'object' ? '[REDACTED]' : redact(v));
  }
  return info;
});

const renameMessage = winston.format((info) => {
  const { message, timestamp, ...rest } = info;
  // Fixed key order: ts, level, msg first, then context fields.
  return Object.assign(info, { ts: timestamp, msg: message }, rest, {
    message: undefined,
    timestamp: undefined,
  });
});

let root: Logger | undefined;

/** The process-wide root logger; components take children of it. */
export function rootLogger(): Logger {
  if (!root) {
    const env = readEnv();
    const pretty = env.logFormat === 'pretty';
    root = winston.createLogger({
      level: env.logLevel,
      format: winston.format.combine(
        winston.format.errors({ stack: true }),
        redactFormat(),
        winston.format.timestamp(),
        pretty
          ? winston.format.printf(
              ({ level, message, timestamp, component, ...rest }) =>
                `${String(timestamp)} ${level} [${typeof component === 'string' ? component : '-'}] ${String(message)} ${
                  Object.keys(rest).length ? JSON.stringify(rest) : ''
                }`,
            )
          : winston.format.combine(renameMessage(), winston.format.json()),
      ),
      transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
    });
  }
  return root;
}

/** A child logger tagged with `component`. */
export function createLogger(component: string): Logger {
  return rootLogger().child({ component });
}

/** A logger of whole records (access logs): one JSON object per line, no level or message keys. */
export interface RecordLogger {
  /** Queue one record (redacted first unless `trusted`). Never throws. */
  write(record: Record<string, unknown>): void;
  /** Write what is queued and stop; `destination` is ended only when `endDestination` was set. */
  close(): Promise<void>;
}

export interface RecordLoggerOptions {
  /** Where lines go: a file stream, `process.stdout`, ... */
  destination: NodeJS.WritableStream;
  /** End `destination` on `close()` (a file the caller opened for this logger). */
  endDestination?: boolean;
  /**
   * Collect lines for up to this many milliseconds (or 64 KiB) and hand them to winston in one
   * write, as nginx's `access_log ... buffer= flush=` does; 0 (default) writes each record at once.
   */
  flushIntervalMs?: number;
  /** The caller builds records from fields that cannot hold secrets: skip the redaction pass. */
  trusted?: boolean;
  /** Called for a record that could not be serialised or a failing destination. */
  onError?(err: unknown): void;
}

const LINE = Symbol.for('message');
const MAX_BUFFERED_BYTES = 64 * 1024;

/** The entry's pre-serialised `line` is the whole output (one or more lines). */
const recordLine = winston.format((info) => {
  (info as Record<symbol, unknown>)[LINE] = (info as { line?: unknown }).line;
  return info;
});

/**
 * A winston logger instance of its own (not a child of the root logger) that writes each record
 * as one JSON line, through the same redaction as every other log unless `trusted`.
 *
 * @example
 * const access = createRecordLogger({ destination: fs.createWriteStream(file, { flags: 'a' }), endDestination: true });
 * access.write({ ts: new Date().toISOString(), status: 200 });
 * await access.close();
 */
export function createRecordLogger(options: RecordLoggerOptions): RecordLogger {
  const report = (err: unknown) => options.onError?.(err);
  const logger = winston.createLogger({
    level: 'info',
    format: recordLine(),
    transports: [new winston.transports.Stream({ stream: options.destination, eol: '\n' })],
  });
  logger.on('error', report);
  options.destination.on('error', report);
  const interval = options.flushIntervalMs ?? 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed: Promise<void> | undefined;

  const emit = (line: string) => logger.log({ level: 'info', message: '', line });
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const lines = pending.join('\n');
    pending = [];
    pendingBytes = 0;
    try {
      emit(lines);
    } catch (err) {
      report(err);
    }
  };

  return {
    write(record) {
      if (closed) return;
      try {
        // V8's JSON.stringify is the fastest serialiser of these flat records (measured against a
        // hand-written one: 1.5 vs 2.7 µs for a 23-field access-log record).
        const line = JSON.stringify(options.trusted ? record : redact(record));
        if (interval <= 0) return void emit(line);
        pending.push(line);
        pendingBytes += line.length;
        if (pendingBytes >= MAX_BUFFERED_BYTES) flush();
        else timer ??= setTimeout(flush, interval).unref();
      } catch (err) {
        report(err);
      }
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        flush();
        logger.once('finish', () => {
          if (!options.endDestination) return resolve();
          options.destination.end(() => resolve());
        });
        logger.end();
      });
      return closed;
    },
  };
}
