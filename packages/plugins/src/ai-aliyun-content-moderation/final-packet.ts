/**
 * @module ai-aliyun-content-moderation/final-packet
 * `stream_check_mode: final_packet` (spec A.5/A.6): the answer has already streamed when it is
 * moderated, so the verdict is reported, not enforced: every data event of the final chunk gets
 * a `risk_level` field, and the events are re-encoded and joined with "\n" as APISIX does.
 * A protocol's data events are those APISIX's `is_data_event` names: OpenAI chat chunks (not
 * `[DONE]`), Anthropic's `content_block_delta` and `message_delta`, the Responses API's
 * `response.completed`.
 *
 * Tollgate decision: the text-less chunks after the text are held back and released with the
 * final chunk (ai-content-common's FinalPacketTail), where they are annotated; an OpenAI chat
 * stream whose final chunk still has no data event gets one `chat.completion.chunk` with empty
 * `choices` carrying `risk_level` before `[DONE]`.
 */
import crypto from 'node:crypto';
import { createSseParser, type SseEvent } from '@tollgate/ai';

function isDataEvent(protocol: string, event: SseEvent): boolean {
  switch (protocol) {
    case 'anthropic-messages':
      return event.event === 'content_block_delta' || event.event === 'message_delta';
    case 'openai-responses':
      return event.event === 'response.completed';
    default:
      return event.event === 'message' && event.data !== '[DONE]';
  }
}

function isDoneEvent(protocol: string, event: SseEvent): boolean {
  switch (protocol) {
    case 'anthropic-messages':
      return event.event === 'message_stop';
    case 'openai-responses':
      return event.event === 'response.completed';
    default:
      return event.data === '[DONE]';
  }
}

/** One event as SSE text ending with its blank line. */
export function encodeEvent(event: SseEvent): string {
  const lines: string[] = [];
  if (event.event !== 'message') lines.push(`event: ${event.event}`);
  if (event.id !== undefined) lines.push(`id: ${event.id}`);
  if (event.retry !== undefined) lines.push(`retry: ${event.retry}`);
  for (const line of event.data.split('\n')) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

function parseEvents(bytes: Buffer): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  try {
    parser.push(bytes);
    parser.end();
  } catch {
    // An oversized event is skipped: it goes on un-annotated.
  }
  return events;
}

/** `data` with `risk_level` set, or undefined when it is not a JSON object. */
function withRiskLevel(data: string, riskLevel: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  return JSON.stringify({ ...(json as Record<string, unknown>), risk_level: riskLevel });
}

/** The chunk OpenAI chat streams carry `risk_level` in when no data event is left to annotate. */
function openaiCarrier(riskLevel: string, model: string | undefined): SseEvent {
  const chunk = {
    id: `chatcmpl-${crypto.randomUUID()}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: model ?? '',
    choices: [],
    risk_level: riskLevel,
  };
  return { event: 'message', data: JSON.stringify(chunk) };
}

/**
 * The final chunk with `risk_level` on each of its data events.
 *
 * @example
 * annotateFinalChunk('openai-chat', Buffer.from('data: {"choices":[]}\n\ndata: [DONE]\n\n'), 'high', 'gpt-4o');
 * // 'data: {"choices":[],"risk_level":"high"}\n\n\ndata: [DONE]\n\n'
 */
export function annotateFinalChunk(
  protocol: string,
  bytes: Buffer,
  riskLevel: string,
  model: string | undefined,
): Buffer {
  const events = parseEvents(bytes);
  let annotated = 0;
  for (const event of events) {
    if (!isDataEvent(protocol, event)) continue;
    const data = withRiskLevel(event.data, riskLevel);
    if (data === undefined) continue;
    event.data = data;
    annotated += 1;
  }
  if (annotated === 0 && protocol === 'openai-chat') {
    const done = events.findIndex((event) => isDoneEvent(protocol, event));
    events.splice(done === -1 ? events.length : done, 0, openaiCarrier(riskLevel, model));
  }
  return Buffer.from(events.map(encodeEvent).join('\n'));
}
