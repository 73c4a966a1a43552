/**
 * @module context/response-writer
 * The single way a response reaches the client, whoever produces it (an exit, the upstream
 * proxy, ai-proxy's stream): header filters run once before the head, body filters on every
 * chunk, and writes respect back-pressure.
 */
import type { ServerResponse } from 'node:http';
import { ownValue, setOwn, shallowCopy } from '../json';

export type OutgoingHeaders = Record<string, string | string[] | number>;

/** Hooks the plugin runner installs so filters run whatever writes the response. */
export interface ResponseFilters {
  /** Called once, before the head is written; may change `status` and `headers`. */
  head(writer: ResponseWriter): void;
  /** Called for each chunk; returns what to send. */
  chunk(chunk: Buffer): Buffer | undefined;
}

const EMPTY_CHUNK = Buffer.alloc(0);
const NO_FILTERS: ResponseFilters = { head: () => undefined, chunk: (c) => c };

/** Writes one response. */
export class ResponseWriter {
  status = 200;
  headers: OutgoingHeaders = {};
  /** Headers plugins add to whatever response goes out (rate-limit headers, ...). */
  readonly extraHeaders: Record<string, string> = {};
  filters: ResponseFilters = NO_FILTERS;
  /** True while the last chunk goes through the body filters (nginx's `ngx.arg[2]`). */
  ending = false;
  private started = false;
  bytesSent = 0;
  /** Filtered bytes held for the end (see `hold`). */
  private held: Buffer | undefined;

  constructor(readonly res: ServerResponse) {}

  /** The response header `name` (any case), for header filters; undefined when absent. */
  getHeader(name: string): string | string[] | number | undefined {
    const key = this.headerKey(name);
    return key === undefined ? undefined : ownValue(this.headers, key);
  }

  /**
   * Set (or with `undefined`, remove) the response header `name` whatever case it was given in,
   * as APISIX's `core.response.set_header` does; for header filters.
   */
  setHeader(name: string, value: string | string[] | number | undefined): void {
    const key = this.headerKey(name);
    if (key !== undefined) delete this.headers[key];
    if (value !== undefined) setOwn(this.headers, name, value);
  }

  /** Add a value to the response header `name` (`core.response.add_header`); for header filters. */
  addHeader(name: string, value: string): void {
    const key = this.headerKey(name);
    const current = key === undefined ? undefined : ownValue(this.headers, key);
    if (key !== undefined) delete this.headers[key];
    let next: string | string[] = value;
    if (Array.isArray(current)) next = [...current, value];
    else if (current !== undefined) next = [String(current), value];
    setOwn(this.headers, key ?? name, next);
  }

  private headerKey(name: string): string | undefined {
    if (Object.hasOwn(this.headers, name)) return name;
    const lower = name.toLowerCase();
    return Object.keys(this.headers).find((k) => k.toLowerCase() === lower);
  }

  get headersSent(): boolean {
    return this.started;
  }

  /** True once the client is gone (closed before the response finished). */
  get clientGone(): boolean {
    return this.res.destroyed && !this.res.writableFinished;
  }

  /** Sends the head: filters first, then plugin-added headers over the producer's. */
  begin(status: number, headers: OutgoingHeaders): void {
    if (this.started) return;
    this.status = status;
    this.headers = headers;
    this.filters.head(this);
    this.started = true;
    const extra = this.extraHeaders;
    for (const name of Object.keys(extra)) {
      // eslint-disable-next-line tollgate/own-keys-only -- own keys, from Object.keys
      setOwn(this.headers, name, extra[name]);
    }
    this.res.writeHead(this.status, this.headers);
  }

  /**
   * Writes a chunk. A promise, resolved when the socket can take more, only when the socket is
   * behind (back-pressure); undefined when it took the chunk, so a caller that awaits only a
   * promise costs no microtask per chunk (issue 14).
   */
  write(chunk: Buffer): Promise<void> | undefined {
    if (!this.started) this.begin(this.status, this.headers);
    if (this.held) this.res.write(this.takeHeld());
    const out = this.filters.chunk(chunk);
    if (!out || out.length === 0 || this.res.destroyed) return undefined;
    this.bytesSent += out.length;
    if (this.res.write(out)) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /**
   * Passes `chunk` through the body filters and counts it now, but sends it only with the end
   * (or before the next write). For bytes that would let the client move on (a whole body sent
   * with its length, a stream's terminator): what runs between this and the end (settlers
   * charging quotas, storing a cached answer) sees them as the client will get them, and the
   * client gets none of them before.
   */
  hold(chunk: Buffer): void {
    if (!this.started) this.begin(this.status, this.headers);
    const out = this.filters.chunk(chunk);
    if (!out || out.length === 0 || this.res.destroyed) return;
    this.bytesSent += out.length;
    this.held = this.held ? Buffer.concat([this.held, out]) : out;
  }

  /** Ends the response (writing `chunk` first); a no-op once ended. */
  end(chunk?: Buffer): void {
    if (this.res.writableEnded) return;
    if (!this.started) {
      if (chunk) this.headers['content-length'] = chunk.length;
      this.begin(this.status, this.headers);
    }
    // Body filters always see the last chunk, empty when the producer had none left, so a
    // filter that holds the body (response-rewrite `filters`) can release it (nginx's eof).
    this.ending = true;
    const out = this.filters.chunk(chunk ?? EMPTY_CHUNK);
    if (out) this.bytesSent += out.length;
    let last = out && out.length > 0 ? out : undefined;
    const held = this.takeHeld();
    if (held.length > 0) {
      // A client that left before the end never got the held bytes.
      if (this.res.destroyed) this.bytesSent -= held.length;
      else last = last ? Buffer.concat([held, last]) : held;
    }
    this.res.end(last);
  }

  private takeHeld(): Buffer {
    const held = this.held ?? EMPTY_CHUNK;
    this.held = undefined;
    return held;
  }

  /**
   * A complete response from a status and body: objects as JSON plus a newline (APISIX's
   * core.response), strings verbatim, no body as an empty one.
   */
  send(status: number, body?: unknown, headers: Record<string, string> = {}): void {
    let payload: Buffer | undefined;
    const out: OutgoingHeaders = shallowCopy(headers);
    if (typeof body === 'string') {
      payload = Buffer.from(body);
      out['content-type'] ??= 'text/plain; charset=utf-8';
    } else if (Buffer.isBuffer(body)) {
      payload = body;
    } else if (body !== undefined) {
      payload = Buffer.from(`${JSON.stringify(body)}\n`);
      out['content-type'] ??= 'application/json';
    }
    this.status = status;
    this.headers = out;
    this.end(payload ?? Buffer.alloc(0));
  }
}
