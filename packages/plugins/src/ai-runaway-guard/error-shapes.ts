/**
 * @module ai-runaway-guard/error-shapes
 * How the guard tells a client its answer was ended, in the client's protocol:
 * - a stream ends with the protocol's own error event and no terminator, so SDKs raise an error
 *   instead of returning a truncated answer as complete (Tollgate's cut-stream rule, decision D4):
 *   - OpenAI chat (and anything else): `data: {"error":{"message","type","code"}}`, the shape of
 *     the relay's own cut (`formatSseError`) plus the reason as `code`;
 *   - Anthropic: `event: error` + `{"type":"error","error":{"type":"api_error","message"}}`, what
 *     Anthropic sends when a stream fails part-way;
 *   - OpenAI Responses: `event: response.failed` with the response (`status: "failed"`,
 *     `error: {code: "server_error", message}`), the terminal event OpenAI sends for a failed
 *     response; its id and sequence number continue the upstream's, read from the stream's bytes
 *     only when the guard trips;
 * - a non-streamed answer is replaced by a 502 with the protocol's error body: the LLM's answer
 *   was unusable, which is what 502 says of an upstream.
 */
import type { ProtocolName } from '@tollgate/ai';

/** Why the guard ended an answer (the metric's `reason` label). */
export type RunawayReason = 'repetition' | 'max_output_tokens' | 'max_duration';

/** The `type` of the OpenAI-shaped errors (a Tollgate error: OpenAI has no such type). */
export const ERROR_TYPE = 'runaway_generation';

/** Status of a refused non-streamed answer. */
export const ANSWER_STATUS = 502;

/** Where the stream stood when it was ended, for the Responses event. */
export interface StreamMarks {
  /** The first chunk the client got (holds `response.created`). */
  first?: Buffer;
  /** The latest chunk the client got (holds the latest `sequence_number`). */
  latest?: Buffer;
  model?: string;
}

const SEQUENCE_KEY = Buffer.from('"sequence_number":');
const RESPONSE_ID_KEY = Buffer.from('"response":{"id":"');

/** The number after the last `"sequence_number":` in `bytes`, if any. */
function lastSequenceNumber(bytes: Buffer | undefined): number | undefined {
  if (!bytes) return undefined;
  const at = bytes.lastIndexOf(SEQUENCE_KEY);
  if (at < 0) return undefined;
  let n = 0;
  let i = at + SEQUENCE_KEY.length;
  while (bytes[i] === 0x20) i += 1;
  const start = i;
  for (; i < bytes.length; i += 1) {
    const d = (bytes[i] ?? 0) - 0x30;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return i > start ? n : undefined;
}

/** The response id announced by `response.created` in `bytes`, if any. */
function responseId(bytes: Buffer | undefined): string | undefined {
  if (!bytes) return undefined;
  const at = bytes.indexOf(RESPONSE_ID_KEY);
  if (at < 0) return undefined;
  const start = at + RESPONSE_ID_KEY.length;
  const end = bytes.indexOf(0x22, start);
  if (end < 0 || end - start > 200) return undefined;
  return bytes.toString('utf8', start, end);
}

/** The bytes that end a stream of `protocol` for `reason`. */
export function streamEnding(
  protocol: ProtocolName | undefined,
  reason: RunawayReason,
  message: string,
  marks: StreamMarks,
): Buffer {
  if (protocol === 'anthropic-messages') {
    const data = { type: 'error', error: { type: 'api_error', message } };
    return Buffer.from(`event: error\ndata: ${JSON.stringify(data)}\n\n`);
  }
  if (protocol === 'openai-responses') {
    const sequence = lastSequenceNumber(marks.latest);
    const id = responseId(marks.first);
    const data = {
      type: 'response.failed',
      ...(sequence === undefined ? {} : { sequence_number: sequence + 1 }),
      response: {
        ...(id === undefined ? {} : { id }),
        object: 'response',
        status: 'failed',
        error: { code: 'server_error', message },
        incomplete_details: null,
        ...(marks.model === undefined ? {} : { model: marks.model }),
        output: [],
        usage: null,
      },
    };
    return Buffer.from(`event: response.failed\ndata: ${JSON.stringify(data)}\n\n`);
  }
  const data = { error: { message, type: ERROR_TYPE, code: reason } };
  return Buffer.from(`data: ${JSON.stringify(data)}\n\n`);
}

/** The body of the 502 that replaces a non-streamed answer of `protocol`. */
export function answerBody(
  protocol: ProtocolName | undefined,
  reason: RunawayReason,
  message: string,
): Buffer {
  const body =
    protocol === 'anthropic-messages'
      ? { type: 'error', error: { type: 'api_error', message } }
      : { error: { message, type: ERROR_TYPE, code: reason } };
  return Buffer.from(JSON.stringify(body));
}
