/**
 * @module proxy-mirror/mirror
 * Sends mirrored requests: one undici Pool per mirror origin (reused, bounded in connections and
 * in number), a cap on mirrored requests in flight, timeouts, answers read and dropped, failures
 * logged at most once per interval. Nothing here ever throws into the request that is mirrored.
 */
import { createLogger, type Logger } from '@tollgate/core';
import { Pool } from 'undici';

/** APISIX's `plugin_attr.proxy-mirror.timeout` defaults (apisix/cli/config.lua): 60 s each. */
export interface MirrorTimeouts {
  connectMs: number;
  sendMs: number;
  readMs: number;
}

export const DEFAULT_TIMEOUTS: MirrorTimeouts = {
  connectMs: 60_000,
  sendMs: 60_000,
  readMs: 60_000,
};

/** Most mirror origins with a pool at once; the least recently used one is closed past it. */
const MAX_POOLS = 64;
/** Connections per mirror origin. */
const MAX_CONNECTIONS = 64;
/** Mirrored requests in flight per worker; more are dropped (and counted) rather than queued. */
export const MAX_IN_FLIGHT = 1024;
/** Failures are logged at most once per this many milliseconds (with the count since). */
const LOG_INTERVAL_MS = 10_000;

/** One mirrored request. */
export interface MirrorRequest {
  /** `scheme://host[:port]` */
  origin: string;
  /** Path and query. */
  path: string;
  method: string;
  headers: Record<string, string | string[]>;
  body: Buffer | null;
}

/**
 * A value of `plugin_attr.proxy-mirror.timeout`: nginx time (`60s`, `2000ms`, `1m`) or a
 * number of seconds; undefined when it is neither.
 */
export function parseNginxTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value * 1000;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return amount > 0 ? amount * factor : undefined;
}

/** The timeouts of a `plugin_attr.proxy-mirror` block, defaults where unset or invalid. */
export function timeoutsFromAttr(
  attr: Readonly<Record<string, unknown>> | undefined,
): MirrorTimeouts {
  const timeout = attr?.timeout;
  if (typeof timeout !== 'object' || timeout === null) return DEFAULT_TIMEOUTS;
  const t = timeout as Record<string, unknown>;
  return {
    connectMs: parseNginxTime(t.connect) ?? DEFAULT_TIMEOUTS.connectMs,
    sendMs: parseNginxTime(t.send) ?? DEFAULT_TIMEOUTS.sendMs,
    readMs: parseNginxTime(t.read) ?? DEFAULT_TIMEOUTS.readMs,
  };
}

/** Mirrors requests; one per worker. */
export class Mirror {
  private readonly pools = new Map<string, Pool>();
  private inFlight = 0;
  private failures = 0;
  private dropped = 0;
  private lastLog = 0;

  constructor(
    private timeouts: MirrorTimeouts = DEFAULT_TIMEOUTS,
    private readonly logger: Logger = createLogger('proxy-mirror'),
  ) {}

  /** Use new timeouts for pools created from now on (config.yaml is read once per worker). */
  configure(timeouts: MirrorTimeouts): void {
    this.timeouts = timeouts;
  }

  /** Requests sent and not yet answered (for tests). */
  get pending(): number {
    return this.inFlight;
  }

  /** Sends `request` and returns at once; its answer or failure never reaches the caller. */
  send(request: MirrorRequest): void {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.dropped++;
      this.report('mirror requests in flight at their limit; request not mirrored');
      return;
    }
    this.inFlight++;
    let pool: Pool;
    try {
      pool = this.poolFor(request.origin);
    } catch (err) {
      this.inFlight--;
      this.failed(request.origin, err);
      return;
    }
    pool
      .request({
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        headersTimeout: this.timeouts.readMs,
        bodyTimeout: this.timeouts.readMs,
      })
      .then((res) => res.body.dump())
      .catch((err: unknown) => this.failed(request.origin, err))
      .finally(() => this.inFlight--);
  }

  /** Closes every pool (worker shutdown); mirrored requests in flight are abandoned. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((pool) => pool.destroy()));
  }

  private poolFor(origin: string): Pool {
    const existing = this.pools.get(origin);
    if (existing) {
      // Most recently used last, so eviction takes the least recently used.
      this.pools.delete(origin);
      this.pools.set(origin, existing);
      return existing;
    }
    if (this.pools.size >= MAX_POOLS) {
      const [oldest] = this.pools;
      if (oldest) {
        this.pools.delete(oldest[0]);
        void oldest[1].close().catch(() => undefined);
      }
    }
    const pool = new Pool(origin, {
      connections: MAX_CONNECTIONS,
      connectTimeout: this.timeouts.connectMs,
      headersTimeout: this.timeouts.readMs,
      bodyTimeout: this.timeouts.readMs,
      // nginx's proxy_ssl_verify is off by default.
      connect: { rejectUnauthorized: false },
    });
    this.pools.set(origin, pool);
    return pool;
  }

  private failed(origin: string, err: unknown): void {
    this.failures++;
    this.report('mirror request failed', origin, err);
  }

  private report(message: string, origin?: string, err?: unknown): void {
    const now = Date.now();
    if (now - this.lastLog < LOG_INTERVAL_MS) return;
    this.lastLog = now;
    this.logger.warn(message, {
      mirror: origin,
      err: err instanceof Error ? err.message : err,
      failures: this.failures,
      dropped: this.dropped,
    });
    this.failures = 0;
    this.dropped = 0;
  }
}
