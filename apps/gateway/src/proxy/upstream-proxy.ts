/**
 * @module proxy/upstream-proxy
 * The plain (non-AI) upstream proxy of the data plane: APISIX upstream semantics on undici pools.
 */
import { BodyTooLargeError, createLogger, type Logger, type RequestContext } from '@tollgate/core';
import { Forwarder, sendErrorPage } from './forward';
import { UpstreamRegistry } from './registry';
import { prepareBody, type RequestBody } from './request-body';

/** Options of {@link UpstreamProxy}. */
export interface UpstreamProxyOptions {
  /** Defaults to the `proxy` component logger. */
  logger?: Logger;
}

const PROXIED_SCHEMES = new Set(['http', 'https']);

/**
 * Forwards requests to APISIX-style upstreams and streams the answers back through
 * `ctx.response`, so plugin header and body filters run.
 *
 * Behaviour, with our inferences marked:
 * - balancing: `roundrobin` (nginx smooth weighted round robin), `chash` (weighted consistent
 *   hashing over `hash_on`/`key`), `least_conn`; [INFERRED] `ewma` is served by `least_conn`.
 *   Node `priority` groups are tried highest first; a lower group is used only after every node
 *   of the higher ones failed for this request.
 * - retries: `retries` (default nodes − 1) further nodes within `retry_timeout`; connect failures
 *   always move on, timeouts and resets after the request was written only for idempotent
 *   methods with a replayable body (see `request-body.ts`); a response of any status is final.
 * - timeouts (seconds, default 60): `connect` bounds connecting, `read` bounds waiting for the
 *   head and each body read. [INFERRED] `send` is not enforced: undici has no per-write timeout.
 * - keep-alive: one pool per node origin; `keepalive_pool.idle_timeout` and `requests` apply.
 *   [INFERRED] `size` (nginx's idle-connection cap) is not enforced: undici has no such limit,
 *   and capping connections instead would queue requests, which nginx never does.
 * - errors when nothing was received: 502 (refused, reset, DNS, all nodes failed), 504
 *   (timeout), 503 when the upstream has no nodes (APISIX "no valid upstream node"), with
 *   nginx's short HTML page. A failure mid-body destroys the client connection.
 * - TLS (`https` nodes): `tls.client_cert`/`client_key`, or the ssls item named by
 *   `tls.client_cert_id`, presented as the client certificate; `tls.verify` checks the node's
 *   certificate (default off). A `client_cert_id` naming no ssl of type client answers 502,
 *   whatever the scheme and before anything else (APISIX's init.lua).
 * - vars for logs: `upstream_addr`, `upstream_status`, `upstream_connect_time`,
 *   `upstream_header_time`, `upstream_response_time` (of the last attempt; seconds, 3 decimals),
 *   `balancer_ip`, `balancer_port`.
 *
 * @example
 * const proxy = new UpstreamProxy();
 * await proxy.proxy(ctx, { nodes: { '127.0.0.1:8080': 1 }, type: 'roundrobin' }, 'routes/1#upstream');
 */
export class UpstreamProxy {
  private readonly logger: Logger;
  private readonly registry: UpstreamRegistry;

  constructor(options: UpstreamProxyOptions = {}) {
    this.logger = options.logger ?? createLogger('proxy');
    this.registry = new UpstreamRegistry(this.logger);
  }

  /**
   * Forwards the request of `ctx` to `upstream`, answering through `ctx.response`. Never throws
   * for upstream faults. `upstreamKey` identifies the upstream configuration (e.g.
   * `routes/1#upstream`, `upstreams/u1`) for balancer state and pools.
   */
  async proxy(
    ctx: RequestContext,
    upstream: Record<string, unknown>,
    upstreamKey: string,
  ): Promise<void> {
    if (ctx.response.headersSent || ctx.response.clientGone) return;
    const entry = this.registry.entry(upstreamKey, upstream);
    if (entry.conf.tls.unresolvedCertId !== undefined) {
      // APISIX's init.lua, whatever the scheme: the ssl is missing or not of type client → 502.
      this.logger.error('failed to get ssl cert: no ssl of type client has this id', {
        upstream_key: upstreamKey,
        ssl_id: entry.conf.tls.unresolvedCertId,
        request_id: ctx.requestId,
      });
      sendErrorPage(ctx, 502);
      return;
    }
    if (entry.conf.nodes.length === 0) {
      this.logger.error('upstream has no nodes', {
        upstream_key: upstreamKey,
        request_id: ctx.requestId,
      });
      sendErrorPage(ctx, 503);
      return;
    }
    if (!PROXIED_SCHEMES.has(entry.conf.scheme)) {
      this.logger.error('upstream scheme not supported', {
        upstream_key: upstreamKey,
        scheme: entry.conf.scheme,
        request_id: ctx.requestId,
      });
      sendErrorPage(ctx, 502);
      return;
    }
    let body: RequestBody;
    try {
      body = await prepareBody(ctx);
    } catch (err) {
      sendErrorPage(ctx, err instanceof BodyTooLargeError ? 413 : 400);
      return;
    }
    await new Forwarder(ctx, entry, this.registry, body, this.logger, upstreamKey).run();
  }

  /** Forgets balancer state and closes the pools of upstream keys not in `liveKeys`. */
  retain(liveKeys: ReadonlySet<string>): void {
    this.registry.retain(liveKeys);
  }

  /** The number of open connection pools (one per upstream key and node origin). */
  get poolCount(): number {
    return this.registry.poolCount;
  }

  /** Closes every pool; requests in flight finish first. */
  async close(): Promise<void> {
    await this.registry.close();
  }
}
