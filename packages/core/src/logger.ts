/**
 * @module logger
 * The single winston logger factory. JSON lines by default (one object per line with fixed keys
 * `ts`, `level`, `msg`, `component`), pretty text when `TOLLGATE_LOG_FORMAT=pretty`.
 * Secrets are redacted before any transport sees them.
 */
import winston from 'winston';
import { readEnv } from './env';

export type Logger = winston.Logger;

const SECRET_KEY =
  /^(authorization|x-api-key|api_key|apikey|key|password|.*_secret.*|.*_password)$/i;

/** Replace values of secret-looking keys, at any depth, with "[REDACTED]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && typeof v !== 'object' ? '[REDACTED]' : redact(v, depth + 1);
  }
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    const v = info[key];
    info[key] = SECRET_KEY.test(key) && typeof v !== 'object' ? '[REDACTED]' : redact(v);
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
