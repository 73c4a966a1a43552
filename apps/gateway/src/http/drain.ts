/**
 * @module http/drain
 * How a worker that a reload retires lets go of its clients without failing a request. The port
 * stays open (the primary owns it and hands new connections to the new workers), so what matters
 * is the keep-alive connections the worker holds: closing an idle one races a client that is
 * sending its next request on it, and that request fails (ECONNRESET), which is what node:http's
 * `server.close()` risks by closing idle connections at once. Instead the worker stops accepting,
 * answers every request still arriving on its connections with `Connection: close` (the client
 * opens its next connection to a new worker), and closes the connections left idle only once
 * every keep-alive response has been over for {@link DRAIN_IDLE_MS}: a client that reuses its
 * connection at once gets its `Connection: close` answer instead, and one silent that long is not
 * in the middle of reusing it. In-flight requests, streams included, finish as at shutdown.
 */
import net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long every connection must have been idle before a retiring worker closes them. */
export const DRAIN_IDLE_MS = 1_000;

/** A listener as the worker holds it (node:http, node:https, or HTTP/2 with its shims). */
export interface DrainableServer extends net.Server {
  closeIdleConnections(): void;
  closeAllConnections(): void;
}

/**
 * @example
 * const drain = new GentleDrain(servers); // before they serve
 * await drain.drain({ graceMs: 30_000 });  // when a reload retires the worker
 */
export class GentleDrain {
  private draining = false;
  /** When the latest keep-alive response ended (ms). */
  private lastKeepAliveEnd = 0;

  constructor(private readonly servers: DrainableServer[]) {
    const onEnd = (res: ServerResponse): void => {
      if (res.shouldKeepAlive) this.lastKeepAliveEnd = Date.now();
    };
    for (const server of servers) {
      // Ahead of the other listeners, so the decision is made before any head is written.
      server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
        if (req.httpVersionMajor >= 2) return;
        if (this.draining) res.shouldKeepAlive = false;
        else res.once('finish', () => onEnd(res));
      });
    }
  }

  /**
   * Stops accepting and drains (see the module doc). Resolves once every connection is gone, or
   * after `graceMs` with the rest destroyed.
   */
  async drain(options: { graceMs: number; idleMs?: number }): Promise<void> {
    const idleMs = options.idleMs ?? DRAIN_IDLE_MS;
    this.draining = true;
    // net.Server's close: stop accepting, without node:http's immediate close of idle connections.
    const closed = Promise.all(
      this.servers.map(
        (s) => new Promise<void>((resolve) => net.Server.prototype.close.call(s, () => resolve())),
      ),
    );
    const sweep = setInterval(
      () => {
        if (Date.now() - this.lastKeepAliveEnd < idleMs) return;
        for (const s of this.servers) s.closeIdleConnections();
      },
      Math.max(10, Math.floor(idleMs / 10)),
    );
    const grace = new Promise<void>((r) => setTimeout(r, options.graceMs).unref());
    await Promise.race([closed, grace]);
    clearInterval(sweep);
    for (const s of this.servers) s.closeAllConnections();
  }
}
