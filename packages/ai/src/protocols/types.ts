/**
 * @module protocols/types
 * The contract every client protocol module fulfils (style §1.7): detection, streaming flag,
 * target preparation, usage and text extraction, and a per-response stream reader.
 */
import { type JsonObject } from '@tollgate/core';
import type { TokenUsage } from '@tollgate/core';
import type { SseEvent } from '../sse';
import type { ProtocolName } from '../types';

export type { ProtocolName } from '../types';

/** Usage read from a response: normalised `usage` and the provider's own object as `raw`. */
export interface UsageResult {
  usage?: TokenUsage;
  raw?: Record<string, unknown>;
}

/** What one SSE event taught the reader. Every field is optional; `{}` means "nothing". */
export interface StreamEventResult {
  /** Completion text carried by this event. */
  text?: string;
  /**
   * Usage so far (already merged across events where the protocol splits it, e.g. anthropic);
   * the latest value replaces earlier ones.
   */
  usage?: TokenUsage;
  /** The provider's usage object (merged like `usage`). */
  raw?: Record<string, unknown>;
  /** The protocol's terminator was seen (`[DONE]`, `message_stop`, `response.completed`). */
  done?: boolean;
  /**
   * Present when the event carries tool calls; the value counts tool calls that start in this
   * event (0 when it only continues earlier ones).
   */
  toolCalls?: number;
  /**
   * The event carries usage and nothing else (an OpenAI chat chunk with `"choices": []`), the
   * chunk that exists only because `stream_options.include_usage` was asked for.
   */
  usageOnly?: boolean;
}

/** Stateful reader of one response stream; create one per upstream response. */
export interface StreamReader {
  onEvent(ev: SseEvent): StreamEventResult;
  /**
   * For a reader that can tell it without parsing the event: the length of the text an event
   * adds when text is all it carries; undefined when it may carry more (usage, tool calls, an
   * error, the end), and `onEvent` must read it. The relay asks this instead of `onEvent` when
   * nothing needs the text itself (no hooks, no payload logging).
   */
  textLength?(ev: SseEvent): number | undefined;
  /**
   * The SSE event that ends this stream when the gateway has to cut it, in the protocol's own
   * error framing (decision D4); absent: OpenAI's `data: {"error":{…}}` (`formatSseError`).
   */
  errorEvent?: (message: string) => string;
}

/** One client protocol. Modules are stateless; `createStreamReader` holds per-stream state. */
export interface ProtocolModule {
  readonly name: ProtocolName;
  /** Whether this module claims the request (used by `detectProtocol`, in its fixed order). */
  matches(uri: string, body: JsonObject): boolean;
  /**
   * Whether the client asked for a stream (`request_type` = `ai_stream`): its body says so, or
   * (Bedrock's ConverseStream) its path, `uri` without the query.
   */
  isStream(body: JsonObject, uri: string): boolean;
  /**
   * Prepare a body about to be sent with this protocol as target: sets or deletes top-level
   * members of `body` only (its nested values are shared with the client body).
   */
  prepareTarget(body: JsonObject): void;
  /**
   * Last step of the body built for this target, after `options`, `override.llm_options` and
   * `override.request_body` (which write OpenAI-style top-level fields): move or drop what the
   * target protocol keeps elsewhere (Gemini: `generationConfig`, the model in the path).
   */
  finishTarget?(body: JsonObject): void;
  /** Usage of a non-streamed response (spec §1.9 table); `{}` when it has no usage object. */
  usageFromResponse(json: unknown): UsageResult;
  /** Text of a non-streamed response (`llm_response_text`), parts joined with a space. */
  responseText(json: unknown): string;
  createStreamReader(): StreamReader;
}
