/**
 * @module exchange
 * One request/response pair: waits that end early when the client goes away, writes that respect
 * back-pressure, and the ways the mock ends a connection on purpose (reset, cut).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Largest request body the mock keeps, in bytes: far above any prompt a test sends, low enough
 * that a runaway upload cannot exhaust the test process's memory. A larger body is answered 413.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * The body of `req` as text (what arrived so far if the upload is aborted), or undefined when it
 * is over `limit` bytes: the rest is read and discarded, so the request can still be answered.
 */
export async function readText(
  req: IncomingMessage,
  limit = MAX_BODY_BYTES,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size <= limit) chunks.push(chunk as Buffer);
    }
  } catch {
    // Aborted upload: the caller sees the connection closed and gives up.
  }
  return size > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** How the exchange ended. */
export interface ExchangeEnd {
  /** The client went away before the response was complete. */
  aborted: boolean;
  /** The status sent, if the headers went out. */
  status?: number;
}

/** A request being answered. */
export class Exchange {
  /** The connection is gone or the response is complete; stop producing. */
  closed = false;
  private byServer = false;
  private readonly closedPromise: Promise<void>;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    onEnd: (end: ExchangeEnd) => void,
  ) {
    this.closedPromise = new Promise((resolve) => {
      res.once('close', () => {
        this.closed = true;
        onEnd({
          aborted: !res.writableFinished && !this.byServer,
          status: res.headersSent ? res.statusCode : undefined,
        });
        resolve();
      });
    });
  }

  /**
   * The request body as text, undefined when over MAX_BODY_BYTES; what arrived so far if the
   * client goes away (`closed` tells the caller to give up).
   */
  readBody(): Promise<string | undefined> {
    return readText(this.req);
  }

  /** Resolves after `ms`, or as soon as the exchange closes. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      void this.closedPromise.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves when the exchange closes (client gone, or the mock stopped). */
  untilClosed(): Promise<void> {
    return this.closedPromise;
  }

  /** Send the status line and headers now. */
  head(status: number, headers: OutgoingHttpHeaders): void {
    this.res.writeHead(status, headers);
    this.res.flushHeaders();
  }

  /** Write `text`; resolves once the socket can take more (or the exchange closed). */
  write(text: string | Buffer): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.res.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        resolve();
      };
      this.res.once('drain', done);
      void this.closedPromise.then(done);
    });
  }

  /** A complete response in one go. */
  send(status: number, headers: OutgoingHttpHeaders, body: string): void {
    if (this.closed) return;
    this.res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    this.res.end(body);
  }

  /** End the response normally. */
  end(): void {
    if (!this.closed) this.res.end();
  }

  /**
   * Close the connection without ending the response properly (a cut stream: no terminating
   * chunk). What was written is flushed first. Not counted as a client abort.
   */
  cut(): void {
    this.byServer = true;
    const socket = this.req.socket;
    socket.end(() => socket.destroy());
  }

  /** Reset the TCP connection (RST) without answering. Not counted as a client abort. */
  reset(): void {
    this.byServer = true;
    const socket = this.req.socket;
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }

  /** The mock is stopping: drop the connection at once, not counted as a client abort. */
  drop(): void {
    this.byServer = true;
    this.req.socket.destroy();
  }
}
