/**
 * @module test/client
 * A tiny HTTP client for the mock's integration tests: no keep-alive, bounded waits, SSE events
 * with their arrival times, and the low-level outcome (reset, cut, refused) kept visible.
 */
import http, { type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Events of an SSE body with the ms since the request was sent, in arrival order. */
  events: { at: number; text: string }[];
  /** ms from sending to the response headers. */
  headersAt: number;
  /** ms from sending to the end (or the failure) of the body. */
  endAt: number;
  /** The body ended properly (not cut). */
  complete: boolean;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Give up (destroying the socket) after this long. Default 5000. */
  timeoutMs?: number;
  /** Called with each SSE event as it arrives; return true to hang up there. */
  onEvent?: (text: string, index: number) => boolean | void;
}

/** Thrown when the request fails before a response; `code` is the socket error code. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Send one request and collect the whole answer (or the way it failed). */
export function send(url: string, options: RequestOptions = {}): Promise<Answer> {
  const started = Date.now();
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
      agent: false,
      headers: {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
    });
    const timer = setTimeout(
      () => req.destroy(new RequestFailed('client timeout', 'TIMEOUT')),
      options.timeoutMs ?? 5000,
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err instanceof RequestFailed ? err : new RequestFailed(err.message, err.code));
    });
    req.on('response', (res) => {
      const answer: Answer = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: '',
        events: [],
        headersAt: Date.now() - started,
        endAt: 0,
        complete: false,
      };
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        answer.body += chunk;
        pending += chunk;
        for (let i = pending.indexOf('\n\n'); i >= 0; i = pending.indexOf('\n\n')) {
          const text = pending.slice(0, i + 2);
          pending = pending.slice(i + 2);
          answer.events.push({ at: Date.now() - started, text });
          if (options.onEvent?.(text, answer.events.length - 1)) {
            clearTimeout(timer);
            req.destroy();
            answer.endAt = Date.now() - started;
            resolve(answer);
            return;
          }
        }
      });
      res.on('end', () => {
        answer.complete = true;
      });
      res.on('close', () => {
        clearTimeout(timer);
        answer.endAt = Date.now() - started;
        resolve(answer);
      });
    });
    req.end(payload);
  });
}

/** The `data:` payloads of SSE events (`[DONE]` kept as a string, others parsed). */
export function dataOf(events: { text: string }[]): any[] {
  return events.map(({ text }) => {
    const data = /^data: (.*)$/m.exec(text)?.[1] ?? '';
    return data === '[DONE]' ? data : JSON.parse(data);
  });
}

/** The `event:` names of SSE events. */
export function namesOf(events: { text: string }[]): (string | undefined)[] {
  return events.map(({ text }) => /^event: (.*)$/m.exec(text)?.[1]);
}

/** Poll `check` every 10 ms until it is true; fail after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The chat body of APISIX's tests. */
export const CHAT_BODY = {
  model: 'gpt-4',
  messages: [
    { role: 'system', content: 'You are a mathematician' },
    { role: 'user', content: 'What is 1+1?' },
  ],
};
