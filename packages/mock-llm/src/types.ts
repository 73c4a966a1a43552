/**
 * @module types
 * The public shapes of the mock LLM: its behaviour knobs, start options, the record of a request
 * and the handle returned by `startMockLlm`.
 */

/** Fixed token counts to report instead of the estimated ones. */
export interface UsageOverride {
  prompt: number;
  completion: number;
}

/**
 * How the mock answers. A default is set through the options, `setBehaviour` or
 * `PUT /__mock/behaviour`; every field can also be set for one request with an `X-Mock-<Field>`
 * header (see `BEHAVIOUR_HEADERS`).
 */
export interface Behaviour {
  /** Answer with this status; 400 and above come with a provider-style error body. Default 200. */
  status: number;
  /** Seconds, sent as `Retry-After` together with the status. */
  retryAfter?: number;
  /** Wait this long before sending the response headers. Default 0. */
  delayMs: number;
  /** Streams: wait this long after the headers, before the first event. Default 0. */
  ttftMs: number;
  /** Streams: pace content events at this rate; 0 sends as fast as possible. Default 0. */
  tokensPerSecond: number;
  /** Streams: destroy the socket after this many events (no terminator). */
  cutAfterEvents?: number;
  /** Destroy the socket (TCP reset) without answering. */
  reset: boolean;
  /** Never answer; the socket stays open until the client gives up or the mock stops. */
  hang: boolean;
  /** Answer 200 with an invalid JSON body, or a stream of garbage events. */
  malformed: boolean;
  /** Leave usage out of the response and the stream. */
  omitUsage: boolean;
  /** Report these token counts instead of the estimate. */
  usage?: UsageOverride;
  /** The assistant's text, instead of the default greeting. */
  content?: string;
  /** The model named in responses, instead of the request's. */
  model?: string;
  /** Value of the `vllm:num_requests_waiting` gauge. Default 0. */
  waiting: number;
  /** Length of generated embedding vectors when the request names no `dimensions`. Default 8. */
  embeddingDimensions: number;
}

/** Options of `startMockLlm`. */
export interface MockLlmOptions {
  /** Port to listen on; 0 (default) lets the OS pick a free one. */
  port?: number;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /** Echoed in generated answers, error messages and metrics. Default `mock-llm`. */
  name?: string;
  /**
   * When set, LLM endpoints require one of these keys, as `Authorization: Bearer <k>`,
   * `x-api-key`, `api-key`, `?api_key=<k>` or `?key=<k>`; otherwise 401 `Unauthorized`.
   */
  apiKeys?: string[];
  /** Default behaviour; `resetBehaviour()` and `PUT /__mock/behaviour` return to it. */
  behaviour?: Partial<Behaviour>;
  /** An extra fixture directory, searched before the bundled `fixtures/`. */
  fixturesDir?: string;
  /** Keep at most this many recorded requests, dropping the oldest. Default 10000. */
  maxRecorded?: number;
}

/** One request the mock received (control endpoints, `/metrics` and `/health` excluded). */
export interface RecordedRequest {
  /** 1, 2, 3… in arrival order, per mock. */
  id: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters (the last value wins on repeats). */
  query: Record<string, string>;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body as text (UTF-8). */
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
  /** `Date.now()` when the exchange ended (response finished or connection closed). */
  closedAt?: number;
  /** The status answered, once the headers were sent. */
  status?: number;
  /** True when the client went away before the response was complete. */
  aborted: boolean;
}

/** A running mock LLM. */
export interface MockLlm {
  /** The listening port (kept across `stop()`/`start()`). */
  readonly port: number;
  /** `http://<host>:<port>`. */
  readonly url: string;
  /** The name given in the options. */
  readonly name: string;
  /** Every request received so far, oldest first (a live array). */
  readonly requests: RecordedRequest[];
  /** The current default behaviour. */
  readonly behaviour: Readonly<Behaviour>;
  /** Forget the recorded requests. */
  clear(): void;
  /** Change the default behaviour for every later request (merged into the current one). */
  setBehaviour(b: Partial<Behaviour>): void;
  /** Go back to the behaviour given in the options. */
  resetBehaviour(): void;
  /** Close the listener and every connection: connections are refused until `start()`. */
  stop(): Promise<void>;
  /** Listen again, on the same port. */
  start(): Promise<void>;
  /** Stop for good. */
  close(): Promise<void>;
}
