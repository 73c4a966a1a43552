/**
 * @module raw-http
 * The fuzz tier's HTTP client. undici's Pool writes the method, path, headers and body bytes as
 * generated: no URL normalisation, so `..` and broken percent-encodings reach the server as
 * written. A network failure (reset, timeout) is a result here, not an exception: the oracle
 * judges it.
 */
import { Pool } from 'undici';

export interface RawRequest {
  method: string;
  /** Path and query exactly as sent. */
  path: string;
  headers: [string, string][];
  body?: Buffer;
}

export type RawReply =
  | { ok: true; status: number; contentType: string | undefined; body: string }
  | { ok: false; error: string };

/** Keeps one keep-alive pool to `origin`; a request failure never poisons the next one. */
export class RawClient {
  private readonly pool: Pool;

  constructor(origin: string, timeoutMs = 15_000) {
    this.pool = new Pool(origin, {
      connections: 4,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  async send(req: RawRequest): Promise<RawReply> {
    try {
      const res = await this.pool.request({
        method: req.method,
        path: req.path,
        headers: req.headers.flat(),
        body: req.body,
      });
      const body = await res.body.text();
      const type = res.headers['content-type'];
      return {
        ok: true,
        status: res.statusCode,
        contentType: Array.isArray(type) ? type[0] : type,
        body,
      };
    } catch (err) {
      const e = err as Error & { code?: string };
      return { ok: false, error: `${e.code ?? e.name}: ${e.message}` };
    }
  }

  /** Drops the connections, whatever they are still doing. */
  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/** A request as one line for failure messages (long paths and bodies cut). */
export function describeRequest(req: RawRequest): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s);
  const body = req.body === undefined ? '(none)' : cut(JSON.stringify(req.body.toString('latin1')));
  const headers = req.headers.map(([n, v]) => `${n}: ${cut(v)}`).join(' | ');
  return `${req.method} ${cut(req.path)} [${headers}] body=${body}`;
}
