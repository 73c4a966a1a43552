/**
 * @module convert/types
 * The contract of a protocol converter (style §1.7, APISIX `ai-protocols/converters/*`): one
 * `(from, to)` pair, where `from` is the protocol the client speaks and `to` the one the provider
 * speaks. A converter is pure data plus functions: it never mutates its input, and a new
 * {@link StreamConverter} is created for every upstream response, so a retry on another instance
 * starts from scratch.
 *
 * Adding a pair (Bedrock Converse, Gemini `generateContent`, ...): write
 * `convert/<from>-to-<to>.ts` exporting a {@link ProtocolConverter}, add one line to the list in
 * `convert/index.ts`, and give the provider the target capability. Upstream framing that is not
 * SSE (AWS event-stream) is decoded by the transport into {@link UpstreamEvent}s first: `event` is
 * the frame's event type, `data` its JSON payload.
 */
import { GatewayError, type JsonObject } from '@tollgate/core';
import type { ProtocolName } from '../types';

/** One upstream stream event: an SSE event, or a decoded frame of another framing. */
export interface UpstreamEvent {
  /** SSE `event:` field (`message` when absent) or the frame's event type. */
  event: string;
  /** The event payload (JSON text, or `[DONE]`). */
  data: string;
}

/** One event to send to the client, in the client protocol's SSE framing. */
export interface ClientEvent {
  /** Written as an `event:` line when set (Anthropic, Responses); OpenAI chat omits it. */
  event?: string;
  /** Written as the `data:` line (JSON text, or `[DONE]`). */
  data: string;
}

/** What the converter may know about the request beyond the bodies. */
export interface ConvertContext {
  /** The model requested upstream (`llm_model`), used when the response names none. */
  model?: string;
  /** The client's body, for answers shaped by what it asked (OpenAI's `encoding_format`). */
  clientBody?: JsonObject;
}

/**
 * Re-frames one upstream stream event by event. `push` returns the client events the upstream
 * event maps to (often one, sometimes none or several); a converter holds back at most one event
 * (e.g. the OpenAI finish chunk, until the usage chunk that follows it can be merged in).
 */
export interface StreamConverter {
  push(event: UpstreamEvent): ClientEvent[];
  /** The upstream stream ended: what is still held back, if the stream finished. */
  end(): ClientEvent[];
}

/** One protocol pair. */
export interface ProtocolConverter {
  /** The client protocol. */
  readonly from: ProtocolName;
  /** The provider protocol. */
  readonly to: ProtocolName;
  /**
   * The client body in the target protocol. Throws {@link ProtocolConversionError} (400) for a
   * body that cannot be converted. Stream preparation of the target protocol (e.g. openai-chat's
   * `stream_options`) is applied afterwards by the body builder, not here.
   */
  request(body: JsonObject): JsonObject;
  /** A successful non-streamed upstream answer (parsed JSON) in the client protocol. */
  response(json: JsonObject, ctx: ConvertContext): JsonObject;
  /** An upstream error body (parsed JSON, or undefined when not JSON) in the client protocol. */
  error(json: JsonObject | undefined, status: number, text: string): JsonObject;
  /**
   * Adapt the upstream request headers (auth scheme, version headers); mutates `headers`.
   * `provider` is the instance's provider (one target protocol may serve several: Gemini API
   * and Vertex AI authenticate differently).
   */
  headers?(headers: Record<string, string>, provider?: string): void;
  createStreamConverter(ctx: ConvertContext): StreamConverter;
}

/**
 * The client body cannot be expressed in the provider's protocol (no messages, a malformed tool
 * call). Answered with 400 and the message as plain text, like APISIX's converter errors.
 */
export class TOLLGATE_ERR_PROTOCOL_CONVERSION extends GatewayError {
  readonly code = 'TOLLGATE_ERR_PROTOCOL_CONVERSION';
  readonly status = 400;
}

export { TOLLGATE_ERR_PROTOCOL_CONVERSION as ProtocolConversionError };

/**
 * Serialise client events as SSE bytes.
 *
 * @example
 * formatClientEvents([{ event: 'message_stop', data: '{"type":"message_stop"}' }]);
 * // 'event: message_stop\ndata: {"type":"message_stop"}\n\n'
 */
export function formatClientEvents(events: readonly ClientEvent[]): string {
  let out = '';
  for (const ev of events) {
    if (ev.event !== undefined) out += `event: ${ev.event}\n`;
    out += `data: ${ev.data}\n\n`;
  }
  return out;
}
