/**
 * @module convert/openai-responses-to-openai-chat
 * An OpenAI Responses API client served by a Chat Completions provider (DeepSeek, vLLM, any
 * OpenAI-compatible server without `/v1/responses`); a Tollgate extension (APISIX 3.18 has no
 * such converter). Requests: `instructions` and `input` items become messages, function tools
 * and calls map one to one. Streams: chunks re-framed as `response.created`,
 * `response.output_item.added`, `response.output_text.delta`, `response.function_call_arguments.delta`,
 * the matching `*.done` events and `response.completed` with usage.
 */
import { isPlainObject, type JsonObject } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import type { ClientEvent, ConvertContext, ProtocolConverter, StreamConverter } from './types';
import { ProtocolConversionError } from './types';
import { errorParts, openaiError, parseObject } from './util';

const COPIED = ['model', 'temperature', 'top_p', 'stream', 'parallel_tool_calls', 'user'] as const;

/** A Responses content value → a chat content value (string, or parts when it holds images). */
function chatContent(content: unknown): string | JsonObject[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: JsonObject[] = [];
  let textOnly = true;
  for (const item of content) {
    const part = asObject(item);
    if (!part) continue;
    if (typeof part.text === 'string' && String(part.type).endsWith('text')) {
      parts.push({ type: 'text', text: part.text });
    } else if (part.type === 'input_image' && typeof part.image_url === 'string') {
      const detail = typeof part.detail === 'string' ? { detail: part.detail } : {};
      parts.push({ type: 'image_url', image_url: { url: part.image_url, ...detail } });
      textOnly = false;
    }
  }
  return textOnly ? parts.map((p) => p.text as string).join('') : parts;
}

function inputMessages(input: unknown, out: JsonObject[]): void {
  if (typeof input === 'string') {
    out.push({ role: 'user', content: input });
    return;
  }
  if (!Array.isArray(input)) throw new ProtocolConversionError('missing input');
  let calls: JsonObject[] | undefined;
  input.forEach((raw, i) => {
    const item = asObject(raw);
    if (!item) throw new ProtocolConversionError(`invalid input item at index ${i + 1}`);
    if (item.type === 'function_call') {
      const call = {
        id: typeof item.call_id === 'string' ? item.call_id : '',
        type: 'function',
        function: {
          name: typeof item.name === 'string' ? item.name : '',
          arguments: typeof item.arguments === 'string' ? item.arguments : '{}',
        },
      };
      if (calls) calls.push(call);
      else {
        calls = [call];
        out.push({ role: 'assistant', content: null, tool_calls: calls });
      }
      return;
    }
    calls = undefined;
    if (item.type === 'function_call_output') {
      const output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
      out.push({ role: 'tool', tool_call_id: item.call_id, content: output });
    } else if (item.type === undefined || item.type === 'message') {
      if (typeof item.role !== 'string') {
        throw new ProtocolConversionError(`invalid input item at index ${i + 1}`);
      }
      const role = item.role === 'developer' ? 'system' : item.role;
      out.push({ role, content: chatContent(item.content) });
    }
    // reasoning items and server-side tool items have no chat equivalent: dropped.
  });
}

function request(src: JsonObject): JsonObject {
  const body: JsonObject = {};
  for (const key of COPIED) if (src[key] !== undefined) body[key] = src[key];
  const messages: JsonObject[] = [];
  if (typeof src.instructions === 'string' && src.instructions !== '') {
    messages.push({ role: 'system', content: src.instructions });
  }
  inputMessages(src.input, messages);
  body.messages = messages;
  const max = asNumber(src.max_output_tokens);
  if (max !== undefined) body.max_tokens = max;
  if (Array.isArray(src.tools)) {
    const tools = src.tools
      .map((t) => asObject(t))
      .filter((t): t is JsonObject => t?.type === 'function' && typeof t.name === 'string')
      .map((t) => {
        const fn: JsonObject = { name: t.name };
        if (typeof t.description === 'string') fn.description = t.description;
        fn.parameters = asObject(t.parameters) ?? { type: 'object' };
        if (typeof t.strict === 'boolean') fn.strict = t.strict;
        return { type: 'function', function: fn };
      });
    if (tools.length > 0) body.tools = tools;
  }
  const choice = src.tool_choice;
  if (typeof choice === 'string') body.tool_choice = choice;
  else if (asObject(choice)?.type === 'function') {
    body.tool_choice = { type: 'function', function: { name: asObject(choice)?.name } };
  }
  const format = asObject(asObject(src.text)?.format);
  if (format?.type === 'json_schema') {
    const { type: _type, ...schema } = format;
    body.response_format = { type: 'json_schema', json_schema: schema };
  } else if (format?.type === 'json_object') body.response_format = { type: 'json_object' };
  const effort = asObject(src.reasoning)?.effort;
  if (typeof effort === 'string') body.reasoning_effort = effort;
  return body;
}

function responsesUsageFromChat(usage: JsonObject | undefined): JsonObject {
  const input = asNumber(usage?.prompt_tokens) ?? 0;
  const output = asNumber(usage?.completion_tokens) ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: asNumber(asObject(usage?.prompt_tokens_details)?.cached_tokens) ?? 0,
    },
    output_tokens: output,
    output_tokens_details: {
      reasoning_tokens: asNumber(asObject(usage?.completion_tokens_details)?.reasoning_tokens) ?? 0,
    },
    total_tokens: asNumber(usage?.total_tokens) ?? input + output,
  };
}

const messageItem = (id: string, text: string, status: string): JsonObject => ({
  type: 'message',
  id,
  status,
  role: 'assistant',
  content: [{ type: 'output_text', text, annotations: [] }],
});

const callItem = (id: string, callId: string, name: string, args: string, status: string) => ({
  type: 'function_call',
  id,
  call_id: callId,
  name,
  arguments: args,
  status,
});

function envelope(
  id: string,
  model: string,
  createdAt: number,
  status: string,
  output: JsonObject[],
  usage: JsonObject | null,
  finish?: unknown,
): JsonObject {
  const incomplete = finish === 'length' && status === 'completed';
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: incomplete ? 'incomplete' : status,
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    model,
    output,
    usage,
  };
}

function response(json: JsonObject, ctx: ConvertContext): JsonObject {
  const choice = asObject(Array.isArray(json.choices) ? json.choices[0] : undefined);
  const message = asObject(choice?.message);
  const id = typeof json.id === 'string' ? json.id : 'resp_tollgate';
  const output: JsonObject[] = [];
  if (typeof message?.content === 'string' && message.content !== '') {
    output.push(messageItem(`msg_${id}`, message.content, 'completed'));
  }
  for (const raw of Array.isArray(message?.tool_calls) ? message.tool_calls : []) {
    const call = asObject(raw);
    const fn = asObject(call?.function);
    const callId = typeof call?.id === 'string' ? call.id : '';
    output.push(
      callItem(
        `fc_${callId}`,
        callId,
        typeof fn?.name === 'string' ? fn.name : '',
        typeof fn?.arguments === 'string' ? fn.arguments : '{}',
        'completed',
      ),
    );
  }
  return envelope(
    id,
    typeof json.model === 'string' ? json.model : (ctx.model ?? ''),
    asNumber(json.created) ?? Math.floor(Date.now() / 1000),
    'completed',
    output,
    responsesUsageFromChat(asObject(json.usage)),
    choice?.finish_reason,
  );
}

interface OpenItem {
  index: number;
  id: string;
  kind: 'message' | 'call';
  text: string;
  callId?: string;
  name?: string;
}

function createStreamConverter(ctx: ConvertContext): StreamConverter {
  let seq = 0;
  let id = 'resp_tollgate';
  let model = ctx.model ?? '';
  let createdAt = Math.floor(Date.now() / 1000);
  let started = false;
  const items: OpenItem[] = [];
  let text: OpenItem | undefined;
  const calls = new Map<number, OpenItem>();
  let finish: unknown;
  let finished = false;
  let done = false;

  const ev = (type: string, payload: JsonObject): ClientEvent => ({
    event: type,
    data: JSON.stringify({ type, sequence_number: seq++, ...payload }),
  });
  const itemOf = (it: OpenItem, status: string): JsonObject =>
    it.kind === 'message'
      ? messageItem(it.id, it.text, status)
      : callItem(it.id, it.callId ?? '', it.name ?? '', it.text, status);

  function close(it: OpenItem, out: ClientEvent[]): void {
    if (it.kind === 'message') {
      const at = { item_id: it.id, output_index: it.index, content_index: 0 };
      out.push(ev('response.output_text.done', { ...at, text: it.text }));
      out.push(
        ev('response.content_part.done', {
          ...at,
          part: { type: 'output_text', text: it.text, annotations: [] },
        }),
      );
    } else {
      out.push(
        ev('response.function_call_arguments.done', {
          item_id: it.id,
          output_index: it.index,
          arguments: it.text,
        }),
      );
    }
    out.push(
      ev('response.output_item.done', { output_index: it.index, item: itemOf(it, 'completed') }),
    );
  }

  function complete(out: ClientEvent[], usage: JsonObject | undefined): void {
    if (!finished || done) return;
    done = true;
    const output = items.map((it) => itemOf(it, 'completed'));
    const body = envelope(
      id,
      model,
      createdAt,
      'completed',
      output,
      responsesUsageFromChat(usage),
      finish,
    );
    const type = body.status === 'incomplete' ? 'response.incomplete' : 'response.completed';
    out.push(ev(type, { response: body }));
  }

  function onChunk(chunk: JsonObject): ClientEvent[] {
    const out: ClientEvent[] = [];
    const usage = isPlainObject(chunk.usage) ? chunk.usage : undefined;
    if (finished) {
      complete(out, usage);
      return out;
    }
    if (!started) {
      started = true;
      if (typeof chunk.id === 'string') id = chunk.id;
      if (typeof chunk.model === 'string') model = chunk.model;
      createdAt = asNumber(chunk.created) ?? createdAt;
      const body = envelope(id, model, createdAt, 'in_progress', [], null);
      out.push(ev('response.created', { response: body }));
      out.push(ev('response.in_progress', { response: body }));
    }
    const choice = asObject(Array.isArray(chunk.choices) ? chunk.choices[0] : undefined);
    const delta = asObject(choice?.delta);
    if (typeof delta?.content === 'string' && delta.content !== '') {
      if (!text) {
        text = { index: items.length, id: `msg_${id}`, kind: 'message', text: '' };
        items.push(text);
        const item = { ...messageItem(text.id, '', 'in_progress'), content: [] };
        out.push(ev('response.output_item.added', { output_index: text.index, item }));
        out.push(
          ev('response.content_part.added', {
            item_id: text.id,
            output_index: text.index,
            content_index: 0,
            part: { type: 'output_text', text: '', annotations: [] },
          }),
        );
      }
      text.text += delta.content;
      out.push(
        ev('response.output_text.delta', {
          item_id: text.id,
          output_index: text.index,
          content_index: 0,
          delta: delta.content,
        }),
      );
    }
    for (const raw of Array.isArray(delta?.tool_calls) ? delta.tool_calls : []) {
      const call = asObject(raw);
      const n = asNumber(call?.index) ?? 0;
      const fn = asObject(call?.function);
      let it = calls.get(n);
      if (!it) {
        const callId = typeof call?.id === 'string' ? call.id : `call_${n}`;
        it = {
          index: items.length,
          id: `fc_${callId}`,
          kind: 'call',
          text: '',
          callId,
          name: typeof fn?.name === 'string' ? fn.name : '',
        };
        calls.set(n, it);
        items.push(it);
        out.push(
          ev('response.output_item.added', {
            output_index: it.index,
            item: itemOf(it, 'in_progress'),
          }),
        );
      }
      if (typeof fn?.arguments === 'string' && fn.arguments !== '') {
        it.text += fn.arguments;
        out.push(
          ev('response.function_call_arguments.delta', {
            item_id: it.id,
            output_index: it.index,
            delta: fn.arguments,
          }),
        );
      }
    }
    if (typeof choice?.finish_reason === 'string') {
      finish = choice.finish_reason;
      finished = true;
      for (const it of items) close(it, out);
      if (usage) complete(out, usage);
    }
    return out;
  }

  return {
    push(upstream) {
      if (upstream.event !== 'message' || done) return [];
      if (upstream.data === '[DONE]') {
        const out: ClientEvent[] = [];
        complete(out, undefined);
        return out;
      }
      const chunk = parseObject(upstream.data);
      if (!chunk) return [];
      if (isPlainObject(chunk.error)) {
        const { message } = errorParts(chunk, 'upstream error');
        return [ev('error', { code: null, message, param: null })];
      }
      return onChunk(chunk);
    },
    end() {
      const out: ClientEvent[] = [];
      complete(out, undefined);
      return out;
    },
  };
}

/** openai-responses client → openai-chat provider. */
export const openaiResponsesToOpenaiChat: ProtocolConverter = {
  from: 'openai-responses',
  to: 'openai-chat',
  request,
  response,
  error: openaiError,
  createStreamConverter,
};
