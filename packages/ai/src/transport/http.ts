/**
 * @module transport/http
 * The one way Tollgate calls an LLM: undici `Pool`s keyed by instance and connection settings,
 * streamed response bodies, per-operation timeouts, abort that closes the upstream socket, and
 * typed transport errors (spec §1.7 step 2, decisions D4/D5).
 */
import { isIP } from 'node:net';
import { Pool } from 'undici';
import { setOwn, shallowCopy, type Logger } from '@tollgate/core';
import { abortError, type ExchangeCancel } from './exchange-cancel';
import { toTransportError } from './map-error';
import { ResponseSink, type ResponseHead } from './response-sink';

/** The finished request, as a {@link RequestSigner} sees it (headers final, `host` included). */
export interface SignableRequest {
  method: string;
  /** `scheme://host:port`. */
  origin: string;
  path: string;
  /** Encoded query string without `?`; empty when none. */
  query: string;
  /** Lower-case names; the signer must not modify them. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

/**
 * Signs or authenticates one request to the provider (AWS SigV4, a GCP access token): returns
 * the headers to set on it. Called by `send` for every attempt, after the headers are final,
 * so a signature covers exactly what is sent. A failure should be `TOLLGATE_ERR_PROVIDER_AUTH`.
 */
export type RequestSigner = (
  request: SignableRequest,
  signal?: AbortSignal,
) => Promise<Record<string, string>>;

/** One upstream request. */
export interface AiSendRequest {
  /** Instance identity (e.g. `<route id>#<instance name>`); pools are kept per key. */
  key: string;
  /** `scheme://host:port`, from `resolveTarget`. */
  origin: string;
  path: string;
  query?: URLSearchParams;
  method?: 'POST';
  /** Request headers (from `buildUpstreamHeaders`); `host` is set from `hostHeader` if given. */
  headers: Record<string, string>;
  /** `Host` header value (`resolveTarget().hostHeader`); defaults to the origin's host. */
  hostHeader?: string;
  body: Buffer;
  /**
   * Per socket operation, in ms: connect, response headers, and idle time between body chunks.
   * undici checks the header and body timeouts with its coarse timers, so they fire up to about
   * one second late.
   */
  timeoutMs: number;
  /** Reuse connections; false closes the connection after the response. */
  keepalive: boolean;
  /** Idle time before a pooled connection is closed, in ms. */
  keepaliveTimeoutMs: number;
  /**
   * APISIX's idle-pool size. Part of the pool identity only: undici has no idle-connection cap,
   * and its `connections` option caps in-flight requests instead (queueing concurrent streams
   * behind each other), so concurrency is not limited here.
   */
  keepalivePool: number;
  /** Verify the upstream certificate. */
  sslVerify: boolean;
  /** TLS SNI name (ignored for IP addresses, which SNI does not allow). */
  tlsServername?: string;
  /** Ends the exchange early (the client left): the request is aborted, the upstream socket closed. */
  cancel?: ExchangeCancel;
  /** The provider's request signer (`upstreamSigner` in `auth/`), when it needs one. */
  sign?: RequestSigner;
}

/** The upstream response, available once its headers arrived. */
export interface AiUpstreamResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /**
   * The response body as undici streams it (never pre-buffered). Iterate it once. Errors while
   * reading are typed like `send`'s, with `beforeResponse: false`; an abort rethrows the abort
   * error. Leaving the iteration early destroys the body and closes the socket.
   */
  body: AsyncIterable<Buffer>;
  /** Abort the exchange: the body stops and the upstream socket is closed. Idempotent. */
  abort(): void;
  /** Epoch ms (`Date.now()`) when the response headers arrived. */
  receivedAt: number;
  /** Monotonic ms from the `send` call to the response headers (time to first byte). */
  ttfbMs: number;
}

/** Logger methods the transport uses. */
export type TransportLogger = Pick<Logger, 'debug' | 'warn'>;

interface PoolEntry {
  key: string;
  origin: string;
  /** The connection settings the pool was made with (see {@link sameSettings}). */
  settings: PoolSettings;
  pool: Pool;
  /** Requests sent on the pool whose response body has not closed yet. */
  inFlight: number;
  /**
   * The last in-flight response ended in this turn of the event loop: its connection may not be
   * free yet (undici frees it from a microtask, after the pool's own bookkeeping).
   */
  justIdle: boolean;
}

function settled(entry: PoolEntry): void {
  entry.justIdle = false;
}

type PoolSettings = Pick<
  AiSendRequest,
  'keepalive' | 'keepaliveTimeoutMs' | 'keepalivePool' | 'sslVerify' | 'tlsServername' | 'timeoutMs'
>;

function sameSettings(a: PoolSettings, b: PoolSettings): boolean {
  return (
    a.keepalive === b.keepalive &&
    a.keepaliveTimeoutMs === b.keepaliveTimeoutMs &&
    a.keepalivePool === b.keepalivePool &&
    a.sslVerify === b.sslVerify &&
    (a.tlsServername ?? '') === (b.tlsServername ?? '') &&
    a.timeoutMs === b.timeoutMs
  );
}

/**
 * HTTP transport to LLM providers. One instance per process (or plugin); pools live until
 * {@link AiTransport.retain} drops their key or {@link AiTransport.close} is called.
 *
 * Errors from `send` (and from iterating the body) are `TOLLGATE_ERR_UPSTREAM_CONNECT` (500),
 * `TOLLGATE_ERR_UPSTREAM_TIMEOUT` (504) or `TOLLGATE_ERR_UPSTREAM_RESET` (500), with `kind` and
 * `beforeResponse` (true for every error `send` throws: nothing was received, retrying is safe).
 * A cancel through `cancel` rejects with its reason (an AbortError by default).
 *
 * @example
 * const transport = new AiTransport({ logger });
 * const res = await transport.send({ key, origin, path, query, headers, body, timeoutMs: 30000,
 *   keepalive: true, keepaliveTimeoutMs: 60000, keepalivePool: 30, sslVerify: true, cancel });
 * for await (const chunk of res.body) client.write(chunk);
 */
export class AiTransport {
  /** Pools by key, then by origin: one pool per key and origin, with the latest settings. */
  private readonly pools = new Map<string, Map<string, PoolEntry>>();
  private readonly logger: TransportLogger | undefined;
  private closed = false;

  constructor(opts: { logger?: TransportLogger } = {}) {
    this.logger = opts.logger;
  }

  /** Send one request; resolves when the response headers arrived. */
  async send(req: AiSendRequest): Promise<AiUpstreamResponse> {
    if (this.closed) throw new Error('AiTransport is closed');
    const started = performance.now();
    const cancel = req.cancel;
    cancel?.throwIfCancelled();
    const entry = this.poolFor(req);
    const pool = entry.pool;

    // A connection whose response just ended becomes free a macrotask later; dispatching now
    // would open a second socket, so let it settle first (keeps sequential requests on one).
    // Only a pool whose last response ended in this turn can be in that state, and pool.stats
    // walks every connection: a client's next request (a later turn) or a busy pool skips it.
    if (entry.justIdle && entry.inFlight === 0) {
      const stats = pool.stats;
      if (stats.connected > stats.free + stats.running) {
        await new Promise(setImmediate);
        cancel?.throwIfCancelled();
      }
    }

    const query = req.query?.toString();
    const headers = shallowCopy(req.headers);
    if (req.hostHeader) headers.host = req.hostHeader;
    if (req.sign) {
      headers.host ??= new URL(req.origin).host;
      const signed = await req.sign(
        {
          method: req.method ?? 'POST',
          origin: req.origin,
          path: req.path,
          query: query ?? '',
          headers,
          body: req.body,
        },
        cancel?.signal,
      );
      for (const [name, value] of Object.entries(signed))
        setOwn(headers, name.toLowerCase(), value);
      cancel?.throwIfCancelled();
    }
    const sink = new ResponseSink(
      () => {
        if (--entry.inFlight === 0 && !entry.justIdle) {
          entry.justIdle = true;
          setImmediate(settled, entry);
        }
        stopFollowing?.();
      },
      (err) => toTransportError(err, req.origin, false),
    );
    // Before the dispatch an abort is only recorded by the sink, so onDone cannot run yet.
    const stopFollowing = cancel?.onCancel((reason) => sink.abort(reason));
    entry.inFlight++;
    pool.dispatch(
      {
        method: req.method ?? 'POST',
        path: query ? `${req.path}?${query}` : req.path,
        headers,
        body: req.body,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        reset: !req.keepalive,
      },
      sink,
    );
    let head: ResponseHead;
    try {
      head = await sink.head;
    } catch (err) {
      throw toTransportError(err, req.origin, true);
    }
    return {
      status: head.statusCode,
      headers: definedHeaders(head.headers),
      body: sink,
      abort: () => sink.abort(abortError()),
      receivedAt: Date.now(),
      ttfbMs: performance.now() - started,
    };
  }

  /**
   * Close the pools of every key not in `keys` (instances removed from the config). In-flight
   * requests on those pools finish first.
   */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, byOrigin] of this.pools) {
      if (keys.has(key)) continue;
      for (const entry of byOrigin.values()) this.drop(entry, 'instance removed');
    }
  }

  /** Close every pool, letting in-flight requests finish; further `send` calls throw. */
  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.pools.values()].flatMap((byOrigin) => [...byOrigin.values()]);
    this.pools.clear();
    await Promise.all(entries.map((e) => e.pool.close()));
  }

  private poolFor(req: AiSendRequest): PoolEntry {
    let byOrigin = this.pools.get(req.key);
    const existing = byOrigin?.get(req.origin);
    if (existing && sameSettings(existing.settings, req)) return existing;
    // Settings of this key and origin changed: the old pool drains and closes.
    if (existing) this.drop(existing, 'settings changed');

    const servername =
      req.tlsServername && isIP(req.tlsServername) === 0 ? req.tlsServername : undefined;
    const pool = new Pool(req.origin, {
      connections: null,
      keepAliveTimeout: req.keepaliveTimeoutMs,
      keepAliveMaxTimeout: req.keepaliveTimeoutMs,
      connectTimeout: req.timeoutMs,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      connect: { rejectUnauthorized: req.sslVerify, ...(servername ? { servername } : {}) },
    });
    const settings: PoolSettings = {
      keepalive: req.keepalive,
      keepaliveTimeoutMs: req.keepaliveTimeoutMs,
      keepalivePool: req.keepalivePool,
      sslVerify: req.sslVerify,
      tlsServername: req.tlsServername,
      timeoutMs: req.timeoutMs,
    };
    if (!byOrigin) this.pools.set(req.key, (byOrigin = new Map<string, PoolEntry>()));
    const entry: PoolEntry = {
      key: req.key,
      origin: req.origin,
      settings,
      pool,
      inFlight: 0,
      justIdle: false,
    };
    byOrigin.set(req.origin, entry);
    this.logger?.debug('upstream pool created', { key: req.key, origin: req.origin });
    return entry;
  }

  private drop(entry: PoolEntry, reason: string): void {
    const byOrigin = this.pools.get(entry.key);
    if (byOrigin?.get(entry.origin) === entry) {
      byOrigin.delete(entry.origin);
      if (byOrigin.size === 0) this.pools.delete(entry.key);
    }
    this.logger?.debug('upstream pool closing', { key: entry.key, origin: entry.origin, reason });
    entry.pool.close().catch((err: unknown) => {
      this.logger?.warn('upstream pool close failed', { key: entry.key, err });
    });
  }
}

function definedHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers)) {
    // eslint-disable-next-line tollgate/own-keys-only -- own keys, from Object.keys
    const value = headers[name];
    // setOwn: a `__proto__` header name stays a header.
    if (value !== undefined) setOwn(out, name, value);
  }
  return out;
}
