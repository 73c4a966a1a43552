/**
 * @module http-client
 * A small HTTP client for tests: JSON in, status, headers and body text out.
 */
import { request } from 'undici';

export interface HttpReply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

export interface HttpOptions {
  body?: unknown;
  /** Send this string verbatim instead of JSON-encoding `body`. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * One request (undici, so any header, `Host` included, can be set); never throws for an HTTP
 * status, only for a network failure.
 */
export async function httpRequest(
  method: string,
  url: string,
  options: HttpOptions = {},
): Promise<HttpReply> {
  const bodyless = method === 'HEAD';
  const payload = bodyless
    ? undefined
    : (options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)));
  const timeout = options.timeoutMs ?? 30_000;
  const res = await request(url, {
    method,
    headers: options.headers,
    body: payload,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return { status: res.statusCode, headers, text, json };
}

/** An Admin API client bound to a base URL and a key (sent as X-API-KEY). */
export class AdminClient {
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string | undefined,
  ) {}

  request(method: string, path: string, options: HttpOptions = {}): Promise<HttpReply> {
    const headers = { ...(this.apiKey ? { 'X-API-KEY': this.apiKey } : {}), ...options.headers };
    return httpRequest(method, `${this.baseUrl}${path}`, { ...options, headers });
  }

  put(path: string, body?: unknown, options: HttpOptions = {}) {
    return this.request('PUT', path, { ...options, body });
  }

  post(path: string, body?: unknown, options: HttpOptions = {}) {
    return this.request('POST', path, { ...options, body });
  }

  patch(path: string, body?: unknown, options: HttpOptions = {}) {
    return this.request('PATCH', path, { ...options, body });
  }

  get(path: string, options: HttpOptions = {}) {
    return this.request('GET', path, options);
  }

  delete(path: string, options: HttpOptions = {}) {
    return this.request('DELETE', path, options);
  }
}
