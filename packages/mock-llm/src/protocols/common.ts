/**
 * @module protocols/common
 * What every protocol module produces (a `Reply`: a JSON body or a list of SSE events) and the
 * small helpers they share. Pure apart from random ids.
 */
import { randomBytes } from 'node:crypto';
import { generate, loopPieces, textOf, type Generation } from '../text';
import type { Behaviour } from '../types';

/** One server-sent event, as written on the wire (blank line included). */
export interface SseEvent {
  /** Text for SSE; bytes for binary framings (Bedrock's AWS event stream). */
  text: string | Buffer;
  /** Carries generated text: paced by `tokensPerSecond`. */
  token?: boolean;
}

/** A complete answer, before faults and pacing are applied. */
export type Reply =
  | { kind: 'json'; status: number; body: string; contentType?: string }
  | {
      kind: 'sse';
      status: number;
      events: SseEvent[];
      contentType?: string;
      /** The `loop` behaviour: the n-th text event sent after `events`, for ever. */
      loop?: (n: number) => SseEvent;
    };

/** The parsed request a protocol answers. */
export interface ProtocolRequest {
  /** The mock's name. */
  name: string;
  behaviour: Behaviour;
  body: Record<string, unknown>;
  /** Answer length in tokens, set by the capacity model (else the greeting's own length). */
  outputTokens?: number;
  /** The request path (Bedrock chooses streaming by path: `/converse-stream`). */
  path?: string;
  /** The query (Gemini streams SSE only with `alt=sse`). */
  query?: URLSearchParams;
}

/** Why a request is refused: OpenAI's error `message`, and the `param` and `code` it names. */
export interface Refusal {
  message: string;
  param?: string;
  code?: string;
}

/** A client API the mock speaks. */
export interface Protocol {
  readonly name:
    | 'openai-chat'
    | 'openai-embeddings'
    | 'openai-responses'
    | 'anthropic-messages'
    | 'bedrock-converse'
    | 'gemini-generate-content'
    | 'vertex-predict';
  /** Whether a POST to `path` is for this protocol. */
  matches: (path: string) => boolean;
  /** Why `body` is not a valid request (answered with 400), or undefined. */
  invalid: (body: Record<string, unknown>) => Refusal | undefined;
  /** The answer, streamed when the request asks for it. */
  reply: (req: ProtocolRequest) => Reply;
  /** The provider's error body for `status`. */
  errorBody: (status: number, refusal: Refusal) => string;
}

/** A random id in the providers' style: `prefix` followed by 24 hex digits. */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** Unix time in seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The model to name: the behaviour's override, else the request's, else `fallback`. */
export function modelOf(req: ProtocolRequest, fallback: string): string {
  const model = req.body.model;
  return req.behaviour.model ?? (typeof model === 'string' && model !== '' ? model : fallback);
}

/** `data: <json>` event (OpenAI chat style). */
export function dataEvent(payload: unknown, token = false): SseEvent {
  return { text: `data: ${JSON.stringify(payload)}\n\n`, token };
}

/** `event: <type>` + `data: <json>` event (Anthropic and Responses style). */
export function typedEvent(type: string, payload: unknown, token = false): SseEvent {
  return { text: `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`, token };
}

/** A JSON reply with status 200. */
export function jsonReply(payload: unknown): Reply {
  return { kind: 'json', status: 200, body: JSON.stringify(payload) };
}

/** A stream reply with status 200. */
export function sseReply(events: SseEvent[]): Reply {
  return { kind: 'sse', status: 200, events };
}

/**
 * The `loop` behaviour's stream: `events` (up to the last text event, no end), then the text
 * again and again, each piece in `textEvent`.
 */
export function loopingReply(
  events: SseEvent[],
  textEvent: (piece: string) => SseEvent,
  text: string,
): Reply {
  const next = loopPieces(text);
  return { kind: 'sse', status: 200, events, loop: (n) => textEvent(next(n)) };
}

/** The answer of `malformed`: a truncated JSON body, or a stream of events that are not JSON. */
export function malformedReply(stream: boolean): Reply {
  if (!stream) {
    return { kind: 'json', status: 200, body: '{"id":"mock-malformed","choices":[{"message":' };
  }
  return {
    kind: 'sse',
    status: 200,
    events: [
      { text: 'data: {"id":"mock-malformed","choices":[{"delta":{"content":"Hel\n\n', token: true },
      { text: 'data: this is not json\n\n', token: true },
      { text: 'event: ???\ndata: {]\n\n', token: true },
    ],
  };
}

/** The `type` OpenAI puts in its error body for `status`. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'invalid_request_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** OpenAI's error envelope: `{"error":{"message","type","param","code"}}`. */
export function openAiErrorBody(status: number, refusal: Refusal): string {
  const code = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : null;
  return JSON.stringify({
    error: {
      message: refusal.message,
      type: openAiErrorType(status),
      param: refusal.param ?? null,
      code: refusal.code ?? code,
    },
  });
}

/** Whether the request asks for a stream. */
export function wantsStream(body: Record<string, unknown>): boolean {
  return body.stream === true;
}

/** A chat message or input item, in any protocol's shape. */
export interface Turn {
  role?: unknown;
  content?: unknown;
}

/** The answer to `turns` (quoting the last user turn), whose prompt has `promptChars` characters. */
export function generationFor(
  req: ProtocolRequest,
  turns: Turn[],
  promptChars: number,
): Generation {
  const users = turns.filter((t) => t.role === 'user');
  const lastUserText = textOf(users[users.length - 1]?.content);
  return generate(req.name, req.behaviour, promptChars, lastUserText, req.outputTokens);
}
