/**
 * @module http-logger/sink
 * Sends http-logger batches: `POST <uri>` through an undici Pool per target origin (keep-alive,
 * shared by every configuration sending there, closed when the last one is), `timeout` seconds
 * per send, queueing included. A status of 400 or more is a failure, so the batch is retried.
 */
import { Pool } from 'undici';
import type { LogSink } from '../logger-common';

/** The http-logger fields the sink uses. */
export interface HttpSinkConf {
  uri: string;
  auth_header?: string;
  timeout: number;
  concat_method: 'json' | 'new_line';
  ssl_verify: boolean;
  batch_max_size: number;
}

/** Bytes of a failing server's answer quoted in the error. */
const MAX_ERROR_BODY = 1024;

interface SharedPool {
  pool: Pool;
  users: number;
}

const POOLS = new Map<string, SharedPool>();

function acquire(
  origin: string,
  sslVerify: boolean,
  timeoutMs: number,
): { pool: Pool; release(): Promise<void> } {
  const key = `${origin}|${sslVerify ? 'verify' : 'no-verify'}`;
  let shared = POOLS.get(key);
  if (!shared) {
    shared = {
      pool: new Pool(origin, {
        connections: 32,
        pipelining: 1,
        keepAliveTimeout: 60_000,
        connect: { timeout: timeoutMs, rejectUnauthorized: sslVerify },
      }),
      users: 0,
    };
    POOLS.set(key, shared);
  }
  shared.users += 1;
  const held = shared;
  let released = false;
  return {
    pool: held.pool,
    async release() {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users > 0) return;
      if (POOLS.get(key) === held) POOLS.delete(key);
      await held.pool.close().catch(() => undefined);
    },
  };
}

/** The body of one batch: one object when `batch_max_size` is 1, else an array or lines. */
export function encodeBatch(
  conf: HttpSinkConf,
  entries: readonly Record<string, unknown>[],
): string {
  if (conf.batch_max_size === 1) return JSON.stringify(entries[0]);
  if (conf.concat_method === 'new_line') return entries.map((e) => JSON.stringify(e)).join('\n');
  return JSON.stringify(entries);
}

/** A sink POSTing to `conf.uri`. */
export function createHttpSink(conf: HttpSinkConf): LogSink {
  const url = new URL(conf.uri);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const where = `host[${url.hostname}] port[${port}]`;
  const timeoutMs = conf.timeout * 1000;
  const held = acquire(url.origin, conf.ssl_verify, timeoutMs);
  const pool = held.pool;
  const headers: Record<string, string> = {
    'content-type': conf.concat_method === 'new_line' ? 'text/plain' : 'application/json',
  };
  if (conf.auth_header) headers.authorization = conf.auth_header;
  const path = `${url.pathname || '/'}${url.search}`;
  return {
    async send(entries) {
      let res;
      try {
        res = await pool.request({
          method: 'POST',
          path,
          headers,
          body: encodeBatch(conf, entries),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new Error(`error while sending data to ${where} ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (res.statusCode < 400) {
        await res.body.dump();
        return;
      }
      let text = '';
      try {
        text = (await res.body.text()).slice(0, MAX_ERROR_BODY);
      } catch {
        // The status says enough.
      }
      throw new Error(`server returned status code[${res.statusCode}] ${where} body[${text}]`);
    },
    close: () => held.release(),
  };
}
