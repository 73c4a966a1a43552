/**
 * @module context/ai-context
 * The AI slot of a request (spec §1.10 variables): what the client asked, which instance served
 * it, token usage and timings. Filled by ai-proxy(-multi), read by rate limiting and logging.
 */

import type { AiResponseHook } from './ai-response-hooks';

/** Normalised token usage (APISIX's ctx.ai_token_usage). */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  reasoning_tokens?: number;
}

export type AiRequestType = 'traditional_http' | 'ai_chat' | 'ai_stream';

/** The LLM instance chosen for an attempt. */
export interface PickedInstance {
  name: string;
  provider: string;
  /** The instance configuration (resolved). */
  conf: Record<string, unknown>;
}

/**
 * One call to an LLM instance (ai-proxy's single call, or each try of ai-proxy-multi), for
 * tracing: times are `performance.now()` milliseconds, like `RequestContext.startedAt`.
 */
export interface AiAttempt {
  instance: string;
  provider: string;
  /** Model requested upstream, once the request was built. */
  model?: string;
  startMs: number;
  /** Unset while the call runs. */
  endMs?: number;
  /** Status the LLM answered with; unset when it never answered. */
  status?: number;
  /** Why the call failed: `connect_error`, `reset_error`, `timeout_error`, `bad_response`. */
  error?: string;
  /** Why the request moved off this instance (`http_5xx`, `connect_error`, ...). */
  fallbackReason?: string;
  /** True for the call whose answer reached the client. */
  answered?: boolean;
}

/** The access log's `balancer` field (ai-proxy-multi, issue 12). */
export interface AiBalancerChoice {
  algorithm: string;
  reason: string;
  spilled_from?: number;
}

/** A content plugin's refusal: who refused, and a short machine reason for metrics and logs. */
export interface AiContentDenial {
  plugin: string;
  /** `request` when the prompt was refused, `response` when the answer was. */
  side: 'request' | 'response';
  /** e.g. `deny_pattern`, `toxicity`, `flagged`, `repetition`, `max_output_tokens`. */
  reason: string;
}

/** One check of a content plugin (a moderation call, a guard's verdict). */
export interface AiContentCheck {
  plugin: string;
  side: 'request' | 'response';
  /** Milliseconds the check took (the external service's latency, for moderation). */
  ms: number;
  /** `pass`, `deny`, `error` (service failed), `skip` (traffic it could not inspect). */
  outcome: 'pass' | 'deny' | 'error' | 'skip';
}

export class AiContext {
  /** Client protocol detected from URI and body (`openai-chat`, `anthropic-messages`, ...). */
  protocol?: string;
  requestType: AiRequestType = 'traditional_http';
  /** The client body as parsed (never mutated; every attempt builds from a copy). */
  body?: Record<string, unknown>;
  /** The client body bytes as received. */
  rawBody?: Buffer;
  /** `model` the client asked for (request_llm_model). */
  requestModel?: string;
  /** Model actually requested upstream (llm_model): instance options.model, else the client's. */
  model?: string;
  /** The instance of the current (last) attempt. */
  instance?: PickedInstance;
  /** Instance names in the order they were tried. */
  readonly tried: string[] = [];
  /** Every LLM call of this request, in order (created on the first one). */
  attempts?: AiAttempt[];
  /** Why the request moved off an instance (`http_5xx`, `connect_error`, `rate_limited`, ...), last one. */
  fallbackReason?: string;
  /**
   * How ai-proxy-multi's balancer chose the instance of the last attempt (issue 12): the
   * algorithm, why (`best score 0.83 (queue 0, kv 0.2)`, `spill: group 10 saturated; ...`), and
   * the priority group it spilled from, if it did.
   */
  balancer?: AiBalancerChoice;
  /** Status the LLM answered with (last attempt). */
  upstreamStatus?: number;
  usage?: TokenUsage;
  /** The provider's own usage object (for `limit_strategy: expression`). */
  rawUsage?: Record<string, unknown>;
  /** True when usage was estimated (client left mid-stream, upstream omitted it, ...). */
  usageEstimated = false;
  /** Milliseconds from sending the LLM request to its first byte (llm_time_to_first_token). */
  ttftMs?: number;
  /** Milliseconds the final LLM call took (apisix_upstream_response_time). */
  upstreamResponseTimeMs?: number;
  /** Characters of prompt text and of completion text seen, for estimates. */
  promptChars = 0;
  completionChars = 0;
  /** Concatenated response text (kept only when logging asks for payloads). */
  responseText?: string;
  toolCount = 0;
  hasToolCalls = false;
  endUserId?: string;
  /** A stream that ended without its terminator (upstream cut, limits, client gone). */
  streamCut = false;
  /**
   * Work to do once the LLM's answer is complete and its usage known, before the response ends
   * (token charges), so a client's next request already sees the charge.
   */
  readonly settlers: (() => void | Promise<void>)[] = [];
  /** Set once the settlers ran. */
  settled = false;
  /**
   * Plugins that inspect or replace the LLM's answer (moderation, guards, the cache), in the
   * order they registered in the access phase; the relay calls them (ai-response-hooks).
   */
  readonly responseHooks: AiResponseHook[] = [];
  /**
   * `llm_content_risk_level` as the content plugins judged it (`none`, `low`, `medium`,
   * `high`, `max`); a verdict never lowers an earlier `high` (spec A.5).
   */
  contentRiskLevel?: string;
  /** Set when a content plugin answered instead of the LLM, on the request or on the answer. */
  denied?: AiContentDenial;
  /** Every check a content plugin made of this request (moderation calls, guards), in order. */
  readonly contentChecks: AiContentCheck[] = [];
  /**
   * Set by the relay while a stream is being sent: ends it now with `bytes` (a protocol error
   * event), aborting the upstream, for a plugin whose limit trips between chunks (a timer).
   */
  endStream?: (bytes: Buffer) => void;
  /** ai-cache's verdict (`X-AI-Cache-Status`). */
  cacheStatus?: 'HIT' | 'MISS' | 'BYPASS';
}
