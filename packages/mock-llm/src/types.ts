/**
 * @module types
 * The public shapes of the mock LLM: its behaviour knobs, start options, the record of a request
 * and the handle returned by `startMockLlm`.
 */

import type { MockGcpOptions } from './cloud/gcp';
import type { MockAwsCredentials } from './cloud/sigv4';

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
  /**
   * Streams: after the text, stream it again and again for ever (a model stuck in a loop), paced
   * by `tokensPerSecond`, with no end event, until the client leaves or the mock stops. JSON
   * answers are unaffected. Default false.
   */
  loop: boolean;
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
  /**
   * Bedrock (`/model/<id>/converse`, `/converse-stream`): when set, every request must carry a
   * valid AWS SigV4 signature (service `bedrock`) made with these credentials, else 403 with
   * AWS's error body and `x-amzn-ErrorType`; API keys do not apply to these paths then.
   */
  aws?: MockAwsCredentials;
  /**
   * Vertex AI: when set, `POST /token` exchanges a service account's RS256 JWT assertion for an
   * access token, and the Vertex paths (`/v1beta1/projects/…`, `/v1/projects/…`) require
   * `Authorization: Bearer <a token it issued>`, else 401 with Google's error body.
   */
  gcp?: MockGcpOptions;
  /** Default behaviour; `resetBehaviour()` and `PUT /__mock/behaviour` return to it. */
  behaviour?: Partial<Behaviour>;
  /** An extra fixture directory, searched before the bundled `fixtures/`. */
  fixturesDir?: string;
  /** Keep at most this many recorded requests, dropping the oldest. Default 10000. */
  maxRecorded?: number;
  /**
   * Turn on the capacity model (slots, a waiting queue, TTFT and decode speed from the load); the
   * fields left out take their defaults (`DEFAULT_CAPACITY`). Off when absent.
   */
  capacity?: Partial<Capacity>;
}

/**
 * The capacity model: how a GPU server serving one model behaves under load (see
 * `docs/mock-llm.md`, "Capacity model"). Applies to generated answers only (not to faults,
 * errors or fixtures), and replaces the behaviour's `ttftMs` and `tokensPerSecond` for them.
 */
export interface Capacity {
  /** Requests decoded at once (vLLM's `max_num_seqs`); more wait in a FIFO queue. */
  slots: number;
  /** Prefill time once a slot is free: TTFT = time in the queue + `ttftMs` (× `slowdown`). */
  ttftMs: number;
  /** Decode speed of a request alone in the batch, in tokens per second (> 0). */
  tokensPerSecond: number;
  /**
   * How much each other running request slows decoding: speed =
   * `tokensPerSecond` / (1 + `batchSlowdown` × (running − 1)) / `slowdown`.
   */
  batchSlowdown: number;
  /**
   * Most requests that may wait; one more is refused with 429 at once. `null` (the default):
   * unbounded, as vLLM's own queue.
   */
  maxQueue: number | null;
  /**
   * Tokens generated when the request names no `max_tokens` (`max_completion_tokens`,
   * `max_output_tokens`). Default 64.
   */
  outputTokens: number;
  /**
   * KV-cache size in tokens: `vllm:kv_cache_usage_perc` = tokens held by running requests
   * (prompt + generated so far) / `kvTokens`, at most 1. `null` (the default): running / slots.
   */
  kvTokens: number | null;
  /** Multiplies prefill time and divides decode speed, from the next token on. Default 1. */
  slowdown: number;
}

/** The capacity model's counters since start (or `resetCapacityStats()`). */
export interface CapacityStats {
  /** Requests holding a slot now (`vllm:num_requests_running`). */
  running: number;
  /** Requests in the queue now (`vllm:num_requests_waiting`). */
  waiting: number;
  /** `vllm:kv_cache_usage_perc`, 0-1. */
  kvCacheUsage: number;
  /** Requests answered in full. */
  served: number;
  /** Requests refused with 429 because the queue was full. */
  refused: number;
  /** Requests whose client went away before the answer was complete. */
  cancelled: number;
  /** The longest the queue has been. */
  maxWaiting: number;
}

/** The capacity model's settings and counters. */
export interface CapacityReport {
  settings: Capacity;
  stats: CapacityStats;
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
  /** The capacity model's settings and live counters; undefined while it is off. */
  readonly capacity: CapacityReport | undefined;
  /**
   * Change the capacity model at once (turning it on with the defaults if it was off): e.g.
   * `{ slowdown: 5 }` makes everything in progress and later 5× slower from the next token on.
   * @throws BehaviourError on an invalid value
   */
  setCapacity(patch: Partial<Capacity>): void;
  /** Set the capacity counters (served, refused, cancelled, maxWaiting) back to 0. */
  resetCapacityStats(): void;
  /** Close the listener and every connection: connections are refused until `start()`. */
  stop(): Promise<void>;
  /** Listen again, on the same port. */
  start(): Promise<void>;
  /** Stop for good. */
  close(): Promise<void>;
}
