/**
 * @module convert/openai-chat-to-openai-responses
 * An OpenAI Chat Completions client served through the Responses API, for models offered only
 * there (an instance whose `override.endpoint` is `…/v1/responses`); a Tollgate extension.
 * Messages become `input` items (tool calls → `function_call`, tool messages →
 * `function_call_output`), `max_tokens` → `max_output_tokens`, `response_format` → `text.format`.
 * Streams: Responses events re-framed as `chat.completion.chunk`s, a usage chunk and `[DONE]`.
 */
import { type JsonObject } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import type { ClientEvent, ConvertContext, ProtocolConverter, StreamConverter } from './types';
import { ProtocolConversionError } from './types';
import { ChatChunks, imageUrlOf, openaiError, openaiStreamError, typedEvent } from './util';

const COPIED = ['model', 'temperature', 'top_p', 'stream', 'parallel_tool_calls', 'user'] as const;

function inputContent(content: unknown, role: string): string | JsonObject[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const textType = role === 'assistant' ? 'output_text' : 'input_text';
  const parts: JsonObject[] = [];
  for (const item of content) {
    const part = asObject(item);
    if (part?.type === 'text' && typeof part.text === 'string') {
      parts.push({ type: textType, text: part.text });
    } else if (part?.type === 'image_url') {
      const url = imageUrlOf(part);
      const detail = asObject(part.image_url)?.detail;
      if (url !== undefined) {
        parts.push({ type: 'input_image', image_url: url, detail: detail ?? 'auto' });
      }
    }
  }
  return parts;
}

function request(src: JsonObject): JsonObject {
  if (!Array.isArray(src.messages) || src.messages.length === 0) {
    throw new ProtocolConversionError('missing messages');
  }
  const body: JsonObject = {};
  for (const key of COPIED) if (src[key] !== undefined) body[key] = src[key];
  const input: JsonObject[] = [];
  src.messages.forEach((item, i) => {
    const msg = asObject(item);
    if (!msg || typeof msg.role !== 'string') {
      throw new ProtocolConversionError(`invalid message at index ${i + 1}`);
    }
    if (msg.role === 'tool') {
      const output = typeof msg.content === 'string' ? msg.content : JSON.stringify(msg.content);
      input.push({ type: 'function_call_output', call_id: msg.tool_call_id, output });
      return;
    }
    const content = inputContent(msg.content, msg.role);
    if (content.length > 0) input.push({ role: msg.role, content });
    if (msg.role === 'assistant' && Array.isArray(msg.tool_calls)) {
      for (const raw of msg.tool_calls) {
        const call = asObject(raw);
        const fn = asObject(call?.function);
        input.push({
          type: 'function_call',
          call_id: typeof call?.id === 'string' ? call.id : '',
          name: typeof fn?.name === 'string' ? fn.name : '',
          arguments: typeof fn?.arguments === 'string' ? fn.arguments : '{}',
        });
      }
    }
  });
  body.input = input;
  const max = asNumber(src.max_completion_tokens) ?? asNumber(src.max_tokens);
  if (max !== undefined) body.max_output_tokens = max;
  if (Array.isArray(src.tools)) {
    const tools: JsonObject[] = [];
    for (const raw of src.tools) {
      const fn = asObject(asObject(raw)?.function);
      if (typeof fn?.name !== 'string') continue;
      const tool: JsonObject = { type: 'function', name: fn.name };
      if (typeof fn.description === 'string') tool.description = fn.description;
      tool.parameters = asObject(fn.parameters) ?? { type: 'object' };
      if (typeof fn.strict === 'boolean') tool.strict = fn.strict;
      tools.push(tool);
    }
    if (tools.length > 0) body.tools = tools;
  }
  if (typeof src.tool_choice === 'string') body.tool_choice = src.tool_choice;
  else {
    const name = asObject(asObject(src.tool_choice)?.function)?.name;
    if (typeof name === 'string') body.tool_choice = { type: 'function', name };
  }
  const format = asObject(src.response_format);
  const schema = asObject(format?.json_schema);
  if (format?.type === 'json_schema' && schema) {
    body.text = { format: { type: 'json_schema', ...schema } };
  } else if (format?.type === 'json_object') body.text = { format: { type: 'json_object' } };
  if (typeof src.reasoning_effort === 'string') body.reasoning = { effort: src.reasoning_effort };
  return body;
}

function chatUsage(usage: JsonObject | undefined): JsonObject {
  const prompt = asNumber(usage?.input_tokens) ?? 0;
  const completion = asNumber(usage?.output_tokens) ?? 0;
  const out: JsonObject = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: asNumber(usage?.total_tokens) ?? prompt + completion,
  };
  const cached = asNumber(asObject(usage?.input_tokens_details)?.cached_tokens);
  if (cached !== undefined) out.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = asNumber(asObject(usage?.output_tokens_details)?.reasoning_tokens);
  if (reasoning !== undefined) out.completion_tokens_details = { reasoning_tokens: reasoning };
  return out;
}

function finishReason(response: JsonObject, calls: number): string {
  const reason = asObject(response.incomplete_details)?.reason;
  if (reason === 'max_output_tokens') return 'length';
  if (reason === 'content_filter') return 'content_filter';
  return calls > 0 ? 'tool_calls' : 'stop';
}

function response(json: JsonObject, ctx: ConvertContext): JsonObject {
  const text: string[] = [];
  const toolCalls: JsonObject[] = [];
  for (const raw of Array.isArray(json.output) ? json.output : []) {
    const item = asObject(raw);
    if (item?.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content) {
        const p = asObject(part);
        if (p?.type === 'output_text' && typeof p.text === 'string') text.push(p.text);
      }
    } else if (item?.type === 'function_call') {
      toolCalls.push({
        id: typeof item.call_id === 'string' ? item.call_id : '',
        type: 'function',
        function: {
          name: typeof item.name === 'string' ? item.name : '',
          arguments: typeof item.arguments === 'string' ? item.arguments : '{}',
        },
      });
    }
  }
  const message: JsonObject = {
    role: 'assistant',
    content: text.length > 0 ? text.join('') : null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: typeof json.id === 'string' ? json.id : 'chatcmpl-tollgate',
    object: 'chat.completion',
    created: asNumber(json.created_at) ?? Math.floor(Date.now() / 1000),
    model: typeof json.model === 'string' ? json.model : (ctx.model ?? ''),
    choices: [
      { index: 0, message, logprobs: null, finish_reason: finishReason(json, toolCalls.length) },
    ],
    usage: chatUsage(asObject(json.usage)),
  };
}

function createStreamConverter(ctx: ConvertContext): StreamConverter {
  const chunks = new ChatChunks('chatcmpl-tollgate', ctx.model ?? '');
  const calls = new Map<string, number>();
  let done = false;

  function finish(payload: JsonObject): ClientEvent[] {
    done = true;
    const res = asObject(payload.response) ?? {};
    return [
      chunks.delta({}, finishReason(res, calls.size)),
      ...chunks.done(chatUsage(asObject(res.usage))),
    ];
  }

  function onEvent(type: string, payload: JsonObject): ClientEvent[] {
    switch (type) {
      case 'response.created': {
        const res = asObject(payload.response);
        if (typeof res?.id === 'string') chunks.id = res.id;
        if (typeof res?.model === 'string') chunks.model = res.model;
        chunks.created = asNumber(res?.created_at) ?? chunks.created;
        return [chunks.delta({ role: 'assistant', content: '' })];
      }
      case 'response.output_text.delta':
        return typeof payload.delta === 'string' && payload.delta !== ''
          ? [chunks.delta({ content: payload.delta })]
          : [];
      case 'response.reasoning_summary_text.delta':
        return typeof payload.delta === 'string'
          ? [chunks.delta({ reasoning_content: payload.delta })]
          : [];
      case 'response.output_item.added': {
        const item = asObject(payload.item);
        if (item?.type !== 'function_call' || typeof item.id !== 'string') return [];
        const n = calls.size;
        calls.set(item.id, n);
        const fn = { name: typeof item.name === 'string' ? item.name : '', arguments: '' };
        const callId = typeof item.call_id === 'string' ? item.call_id : item.id;
        return [
          chunks.delta({ tool_calls: [{ index: n, id: callId, type: 'function', function: fn }] }),
        ];
      }
      case 'response.function_call_arguments.delta': {
        const n = typeof payload.item_id === 'string' ? calls.get(payload.item_id) : undefined;
        if (n === undefined || typeof payload.delta !== 'string' || payload.delta === '') return [];
        return [
          chunks.delta({ tool_calls: [{ index: n, function: { arguments: payload.delta } }] }),
        ];
      }
      case 'response.completed':
      case 'response.incomplete':
        return finish(payload);
      case 'response.failed':
      case 'error': {
        done = true;
        const err = asObject(asObject(payload.response)?.error) ?? payload;
        const message = typeof err.message === 'string' ? err.message : 'upstream error';
        return [openaiStreamError(message)];
      }
      default:
        return [];
    }
  }

  return {
    push(ev) {
      const typed = done ? undefined : typedEvent(ev);
      return typed ? onEvent(typed.type, typed.payload) : [];
    },
    end: () => [],
  };
}

/** openai-chat client → openai-responses provider endpoint. */
export const openaiChatToOpenaiResponses: ProtocolConverter = {
  from: 'openai-chat',
  to: 'openai-responses',
  request,
  response,
  error: openaiError,
  createStreamConverter,
};
