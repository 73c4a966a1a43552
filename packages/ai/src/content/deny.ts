/**
 * @module content/deny
 * A refusal shaped like a normal completion of the client's protocol (APISIX's
 * `build_deny_response`, spec A.0), so SDKs parse it as the assistant's answer: a JSON body, or a
 * complete SSE sequence ending with the protocol's terminator when the client streams.
 *
 * Tollgate decision: a streamed Responses-API deny starts with `response.created` (APISIX sends
 * only the text delta and `response.completed`), because the official SDKs' stream helpers
 * refuse a stream without it.
 */
import crypto from 'node:crypto';

export interface DenyOptions {
  /** The refusal text, sent as the assistant's answer. */
  text: string;
  /** The model to name (the upstream model, else the client's). */
  model?: string;
  /**
   * The provider's usage object when the deny happens on the answer (kept, spec A.0); the
   * protocol's zero usage otherwise.
   */
  usage?: Record<string, unknown>;
  stream: boolean;
}

/** A deny ready to send: the plugin chooses the status (`deny_code`). */
export interface DenyResponse {
  contentType: string;
  body: Buffer;
}

const JSON_TYPE = 'application/json';
const SSE_TYPE = 'text/event-stream';

function sse(event: string | undefined, data: unknown): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

function openaiChatDeny({ text, model, usage, stream }: DenyOptions): DenyResponse {
  const id = `chatcmpl-${crypto.randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const finalUsage = usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  if (!stream) {
    const body = {
      id,
      object: 'chat.completion',
      created,
      model: model ?? '',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: finalUsage,
    };
    return { contentType: JSON_TYPE, body: Buffer.from(JSON.stringify(body)) };
  }
  const chunk = {
    id,
    object: 'chat.completion.chunk',
    created,
    model: model ?? '',
    choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: finalUsage,
  };
  return {
    contentType: SSE_TYPE,
    body: Buffer.from(sse(undefined, chunk) + sse(undefined, '[DONE]')),
  };
}

function anthropicDeny({ text, model, usage, stream }: DenyOptions): DenyResponse {
  const id = `msg_${crypto.randomUUID().replace(/-/g, '')}`;
  const finalUsage = usage ?? { input_tokens: 0, output_tokens: 0 };
  const message = {
    id,
    type: 'message',
    role: 'assistant',
    model: model ?? '',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: finalUsage,
  };
  if (!stream) return { contentType: JSON_TYPE, body: Buffer.from(JSON.stringify(message)) };
  const events = [
    sse('message_start', {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        usage: { ...finalUsage, output_tokens: 0 },
      },
    }),
    sse('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    sse('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text },
    }),
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: finalUsage.output_tokens ?? 0 },
    }),
    sse('message_stop', { type: 'message_stop' }),
  ];
  return { contentType: SSE_TYPE, body: Buffer.from(events.join('')) };
}

function responsesDeny({ text, model, usage, stream }: DenyOptions): DenyResponse {
  const id = `resp_${crypto.randomUUID().replace(/-/g, '')}`;
  const itemId = `msg_${crypto.randomUUID().replace(/-/g, '')}`;
  const response = {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: 'completed',
    model: model ?? '',
    output: [
      {
        type: 'message',
        id: itemId,
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      },
    ],
    usage: usage ?? { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
  };
  if (!stream) return { contentType: JSON_TYPE, body: Buffer.from(JSON.stringify(response)) };
  const events = [
    sse('response.created', {
      type: 'response.created',
      response: { ...response, status: 'in_progress', output: [], usage: null },
    }),
    sse('response.output_text.delta', {
      type: 'response.output_text.delta',
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta: text,
    }),
    sse('response.completed', { type: 'response.completed', response }),
  ];
  return { contentType: SSE_TYPE, body: Buffer.from(events.join('')) };
}

/**
 * The deny answer for a client speaking `protocol`. Protocols without a completion shape of
 * their own (embeddings, passthrough, bedrock) get the OpenAI chat one, as in APISIX.
 *
 * @example
 * buildDenyResponse('openai-chat', { text: 'blocked', model: 'gpt-4o', stream: false });
 * // { contentType: 'application/json', body: <{"object":"chat.completion",...}> }
 */
export function buildDenyResponse(protocol: string, options: DenyOptions): DenyResponse {
  switch (protocol) {
    case 'anthropic-messages':
      return anthropicDeny(options);
    case 'openai-responses':
      return responsesDeny(options);
    default:
      return openaiChatDeny(options);
  }
}
