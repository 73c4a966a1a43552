/**
 * @module context/request-context
 * Everything one request carries through the plugin phases, in typed slots rather than APISIX's
 * untyped `ctx` bag: variables, the matched route, the consumer, the plugin chain, headers for the
 * upstream, the response writer and per-plugin state.
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PluginInstance } from '../plugin/instance';
import type { AiContext } from './ai-context';
import { EMPTY_DIRECTORY, type ConsumerDirectory } from './consumers';
import { ResponseWriter } from './response-writer';
import { RequestVars } from './vars';

/** The route a request matched, as the data plane compiled it. */
export interface MatchedRoute {
  id: string;
  name?: string;
  serviceId?: string;
  /** The matched URI pattern (`/api/*`). */
  matchedUri: string;
  matchedHost?: string;
}

/** An authenticated consumer. */
export interface ConsumerInfo {
  username: string;
  groupId?: string;
  credentialId?: string;
  labels?: Record<string, string>;
  /** The consumer's (and its group's) plugins, bound, to merge into the route's chain. */
  plugins: readonly PluginInstance[];
}

/** Thrown by `readBody` when the body exceeds the limit the caller set. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body is greater than the maximum size ${limit} allowed`);
  }
}

/**
 * The upstream a plugin chose for this request instead of the route's (traffic-split, APISIX's
 * `ctx.upstream_id` / `upstream.set`): an upstream object by id from the config snapshot, or an
 * inline upstream configuration with the key its balancer state and pools live under (stable
 * per configuration, e.g. `routes/1#traffic-split/0/1`). The same `conf` object must be given
 * for every request of one configuration, so its balancer state is kept.
 */
export type UpstreamOverride =
  { readonly id: string } | { readonly key: string; readonly conf: Record<string, unknown> };

const NO_PLUGIN_METADATA: ReadonlyMap<string, unknown> = new Map();

export class RequestContext {
  readonly vars: RequestVars;
  readonly response: ResponseWriter;
  readonly requestId: string;
  /** Monotonic start time (ms) for latencies. */
  readonly startedAt = performance.now();
  /** Wall-clock start (ms since epoch) for logs. */
  readonly startedAtEpochMs = Date.now();
  route?: MatchedRoute;
  consumer?: ConsumerInfo;
  /** AI request state, created by the AI proxy plugins. */
  ai?: AiContext;
  /** The consumers of the config snapshot serving this request. */
  consumers: ConsumerDirectory = EMPTY_DIRECTORY;
  /**
   * The plugin metadata of the config snapshot serving this request, by plugin name (APISIX's
   * `plugin.plugin_metadata(name)`): validated, defaults filled, never changed per request.
   */
  pluginMetadata: ReadonlyMap<string, unknown> = NO_PLUGIN_METADATA;
  /** The plugin chain in force: route's, then with the consumer's merged in after rewrite. */
  plugins: readonly PluginInstance[] = [];
  /** Header changes for the upstream request: a value sets, `null` removes. */
  readonly upstreamHeaders = new Map<string, string | null>();
  /** Query arguments to remove before proxying (key-auth hide_credentials). */
  readonly removedQueryArgs = new Set<string>();
  /**
   * The request target (path and query) for the upstream when a plugin rewrote it (APISIX's
   * `$upstream_uri`, set by proxy-rewrite); undefined sends the client's.
   */
  upstreamUri?: string;
  /** The method for the upstream when a plugin changed it (proxy-rewrite `method`). */
  upstreamMethod?: string;
  /**
   * The upstream to proxy to instead of the route's, when a plugin chose one (traffic-split);
   * the plain proxy honours it, AI routes (beforeProxy) ignore it.
   */
  upstreamOverride?: UpstreamOverride;
  private readonly state = new Map<string, unknown>();
  private bodyPromise: Promise<Buffer> | undefined;
  /** The limit `bodyPromise` enforces (Infinity for a replaced body, which enforces none). */
  private bodyLimit = Infinity;
  private clientAbort: AbortController | undefined;

  constructor(
    readonly req: IncomingMessage,
    res: ServerResponse,
  ) {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.vars = new RequestVars(
      req,
      q === -1 ? url : url.slice(0, q),
      q === -1 ? '' : url.slice(q + 1),
    );
    this.response = new ResponseWriter(res);
    this.requestId = crypto.randomUUID();
    this.vars.set('request_id', this.requestId);
  }

  /**
   * Aborted when the client leaves before its response is finished, so work done on its behalf
   * (a moderation call, an LLM call of ai-request-rewrite) stops with it.
   */
  get clientSignal(): AbortSignal {
    if (!this.clientAbort) {
      const controller = new AbortController();
      this.clientAbort = controller;
      const res = this.response.res;
      if (res.destroyed && !res.writableFinished) controller.abort();
      else {
        res.once('close', () => {
          if (!res.writableFinished) controller.abort();
        });
      }
    }
    return this.clientAbort.signal;
  }

  /** Per-plugin state for this request, created on first use. */
  pluginState<T>(plugin: string, create: () => T): T {
    let value = this.state.get(plugin) as T | undefined;
    if (value === undefined) {
      value = create();
      this.state.set(plugin, value);
    }
    return value;
  }

  /**
   * The request body, read once (later calls get the same bytes). Rejects with
   * BodyTooLargeError past `limit` bytes, without buffering the rest.
   */
  readBody(limit: number): Promise<Buffer> {
    if (!this.bodyPromise) this.bodyLimit = limit;
    this.bodyPromise ??= this.parsedBody(limit) ?? this.streamedBody(limit);
    // A body read earlier under a larger limit is still too large for this caller; one read
    // under a limit at most this one needs no check (and no second promise).
    if (limit >= this.bodyLimit) return this.bodyPromise;
    return this.bodyPromise.then((body) => {
      if (body.length > limit) throw new BodyTooLargeError(limit);
      return body;
    });
  }

  /**
   * The whole body at once when node:http has already parsed all of it and nothing has read
   * from the stream: a small body arrives with its head, so by the time the plugins run it sits
   * in the request's buffer, and taking it needs no listeners and no wait for `end`.
   */
  private parsedBody(limit: number): Promise<Buffer> | undefined {
    const req = this.req;
    if (
      !req.complete ||
      req.readableDidRead ||
      req.readableFlowing !== null ||
      req.readableLength > limit
    ) {
      return undefined;
    }
    // A paused stream hands its whole buffer to read(), or null when it holds nothing.
    const body = req.read() as Buffer | null;
    return Promise.resolve(body ?? Buffer.alloc(0));
  }

  /** The body as it streams in, refused past `limit` bytes without buffering the rest. */
  private streamedBody(limit: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const declared = Number(this.req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) {
        reject(new BodyTooLargeError(limit));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      this.req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          this.req.pause();
          reject(new BodyTooLargeError(limit));
          return;
        }
        chunks.push(chunk);
      });
      this.req.on('end', () => resolve(Buffer.concat(chunks)));
      this.req.on('error', reject);
    });
  }

  /**
   * Replace the body that later readers and the proxy get (a plugin that rewrote it, as
   * `ngx.req.set_body_data`). Call it only after `readBody` resolved.
   */
  replaceBody(data: Buffer): void {
    this.bodyLimit = Infinity;
    this.bodyPromise = Promise.resolve(data);
  }

  /** Whether the body has been read (the proxy must then send the buffered bytes). */
  get bodyRead(): boolean {
    return this.bodyPromise !== undefined;
  }
}
