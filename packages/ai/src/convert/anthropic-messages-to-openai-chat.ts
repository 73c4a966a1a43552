/**
 * @module convert/anthropic-messages-to-openai-chat
 * An Anthropic Messages client served by an OpenAI Chat Completions provider (vLLM, DeepSeek,
 * any OpenAI-compatible server), as APISIX's converter of the same name does, plus images,
 * `tool_choice`, `thinking` and `metadata`. Streams: OpenAI chunks re-framed as
 * `message_start`, `content_block_start/delta/stop`, `message_delta` (with usage) and
 * `message_stop`.
 */
import { isPlainObject, type JsonObject } from '@tollgate/core';
import { asObject } from '../json';
import type { ClientEvent, ConvertContext, ProtocolConverter, StreamConverter } from './types';
import { ProtocolConversionError } from './types';
import {
  anthropicError,
  anthropicEvent as event,
  anthropicStopReason,
  anthropicUsageFromOpenai,
  errorParts,
  openaiImage,
  parseObject,
} from './util';

/** Client fields copied unchanged. */
const COPIED = ['model', 'temperature', 'top_p', 'stream'] as const;

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  const parts: string[] = [];
  for (const block of system) {
    const b = asObject(block);
    if (b?.type === 'text' && typeof b.text === 'string') parts.push(b.text);
  }
  return parts.join('\n');
}

/** A tool_result's content as the text of an OpenAI `tool` message. */
function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined ? '' : JSON.stringify(content);
  const parts: string[] = [];
  for (const block of content) {
    const b = asObject(block);
    if (b?.type === 'text' && typeof b.text === 'string') parts.push(b.text);
    else parts.push(JSON.stringify(block));
  }
  return parts.join('\n');
}

/** One Anthropic message → one or more OpenAI messages. */
function convertMessage(msg: JsonObject, index: number, out: JsonObject[]): void {
  const role = msg.role;
  if (typeof role !== 'string')
    throw new ProtocolConversionError(`invalid message at index ${index}`);
  const content = msg.content;
  if (typeof content === 'string') {
    out.push({ role, content });
    return;
  }
  if (!Array.isArray(content)) {
    throw new ProtocolConversionError(`invalid message content at index ${index}`);
  }
  const parts: JsonObject[] = [];
  const toolCalls: JsonObject[] = [];
  const toolResults: JsonObject[] = [];
  let hasImage = false;
  for (const item of content) {
    const block = asObject(item);
    if (!block) continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      parts.push({ type: 'text', text: block.text });
    } else if (block.type === 'image') {
      const image = openaiImage(block);
      if (image) {
        parts.push(image);
        hasImage = true;
      }
    } else if (block.type === 'tool_use' && typeof block.id === 'string') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: {
          name: typeof block.name === 'string' ? block.name : '',
          arguments: JSON.stringify(block.input ?? {}),
        },
      });
    } else if (block.type === 'tool_result' && typeof block.tool_use_id === 'string') {
      const text = toolResultText(block.content);
      toolResults.push({
        role: 'tool',
        tool_call_id: block.tool_use_id,
        content: block.is_error === true && text === '' ? 'error' : text,
      });
    }
    // thinking / redacted_thinking blocks of earlier turns have no OpenAI equivalent: dropped.
  }
  // Tool results first: OpenAI wants them right after the assistant message that called.
  out.push(...toolResults);
  const text = parts.map((p) => (p.type === 'text' ? (p.text as string) : '')).join('');
  if (toolCalls.length > 0) {
    out.push({ role, content: text === '' ? null : text, tool_calls: toolCalls });
  } else if (hasImage) {
    out.push({ role, content: parts });
  } else if (parts.length > 0 || toolResults.length === 0) {
    out.push({ role, content: text });
  }
}

function convertTools(tools: unknown[]): JsonObject[] {
  return tools.map((t, i) => {
    const tool = asObject(t);
    if (!tool || typeof tool.name !== 'string' || tool.name === '') {
      throw new ProtocolConversionError(`invalid tool definition at index ${i + 1}`);
    }
    const fn: JsonObject = { name: tool.name };
    if (typeof tool.description === 'string') fn.description = tool.description;
    fn.parameters = asObject(tool.input_schema) ?? { type: 'object' };
    return { type: 'function', function: fn };
  });
}

function convertToolChoice(choice: JsonObject, body: JsonObject): void {
  if (choice.type === 'auto') body.tool_choice = 'auto';
  else if (choice.type === 'any') body.tool_choice = 'required';
  else if (choice.type === 'none') body.tool_choice = 'none';
  else if (choice.type === 'tool' && typeof choice.name === 'string') {
    body.tool_choice = { type: 'function', function: { name: choice.name } };
  }
  if (choice.disable_parallel_tool_use === true) body.parallel_tool_calls = false;
}

function request(src: JsonObject): JsonObject {
  if (!Array.isArray(src.messages) || src.messages.length === 0) {
    throw new ProtocolConversionError('missing messages');
  }
  const body: JsonObject = {};
  for (const key of COPIED) if (src[key] !== undefined) body[key] = src[key];
  const messages: JsonObject[] = [];
  const system = systemText(src.system);
  if (system !== '') messages.push({ role: 'system', content: system });
  src.messages.forEach((m, i) => {
    const msg = asObject(m);
    if (!msg) throw new ProtocolConversionError(`invalid message at index ${i + 1}`);
    convertMessage(msg, i + 1, messages);
  });
  body.messages = messages;
  if (typeof src.max_tokens === 'number') {
    // As APISIX: both fields, for servers that know only one of them.
    body.max_tokens = src.max_tokens;
    body.max_completion_tokens = src.max_tokens;
  }
  if (Array.isArray(src.stop_sequences)) body.stop = src.stop_sequences;
  if (Array.isArray(src.tools) && src.tools.length > 0) body.tools = convertTools(src.tools);
  const choice = asObject(src.tool_choice);
  if (choice) convertToolChoice(choice, body);
  const user = asObject(src.metadata)?.user_id;
  if (typeof user === 'string') body.user = user;
  const thinking = asObject(src.thinking);
  if (thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number') {
    const budget = thinking.budget_tokens;
    body.reasoning_effort = budget <= 1024 ? 'low' : budget <= 8192 ? 'medium' : 'high';
  }
  return body;
}

function response(json: JsonObject, ctx: ConvertContext): JsonObject {
  const choice = asObject(Array.isArray(json.choices) ? json.choices[0] : undefined);
  const message = asObject(choice?.message);
  const content: JsonObject[] = [];
  const reasoning = message?.reasoning_content ?? message?.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') {
    content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  }
  if (typeof message?.content === 'string' && message.content !== '') {
    content.push({ type: 'text', text: message.content });
  }
  if (Array.isArray(message?.tool_calls)) {
    for (const call of message.tool_calls) {
      const c = asObject(call);
      const fn = asObject(c?.function);
      const args = typeof fn?.arguments === 'string' && fn.arguments !== '' ? fn.arguments : '{}';
      const input = parseObject(args);
      if (!input) throw new ProtocolConversionError('invalid tool_call arguments');
      content.push({
        type: 'tool_use',
        id: typeof c?.id === 'string' ? c.id : '',
        name: typeof fn?.name === 'string' ? fn.name : '',
        input,
      });
    }
  }
  if (content.length === 0) content.push({ type: 'text', text: '' });
  const usage = asObject(json.usage);
  return {
    id: typeof json.id === 'string' ? json.id : 'msg_tollgate',
    type: 'message',
    role: 'assistant',
    model: typeof json.model === 'string' ? json.model : (ctx.model ?? ''),
    content,
    stop_reason: anthropicStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: usage ? anthropicUsageFromOpenai(usage) : { input_tokens: 0, output_tokens: 0 },
  };
}

type OpenBlock = { kind: 'text' | 'thinking' } | { kind: 'tool'; call: number };

function createStreamConverter(ctx: ConvertContext): StreamConverter {
  let started = false;
  let index = -1;
  let open: OpenBlock | undefined;
  const toolBlocks = new Map<number, number>();
  // The message_delta waits for the usage chunk that follows the finish chunk (one event).
  let pending: JsonObject | undefined;
  let finished = false;

  function closeBlock(out: ClientEvent[]): void {
    if (open) out.push(event('content_block_stop', { index }));
    open = undefined;
  }
  function openBlock(out: ClientEvent[], block: OpenBlock, contentBlock: JsonObject): void {
    closeBlock(out);
    index += 1;
    open = block;
    out.push(event('content_block_start', { index, content_block: contentBlock }));
  }
  function finish(out: ClientEvent[], usage: JsonObject | undefined): void {
    if (!pending) return;
    const delta: JsonObject = { delta: pending };
    delta.usage = usage ? anthropicUsageFromOpenai(usage) : { output_tokens: 0 };
    out.push(event('message_delta', delta));
    out.push(event('message_stop', {}));
    pending = undefined;
    finished = true;
  }

  function onChunk(chunk: JsonObject): ClientEvent[] {
    const out: ClientEvent[] = [];
    const usage = isPlainObject(chunk.usage) ? chunk.usage : undefined;
    if (pending) {
      finish(out, usage);
      return out;
    }
    if (finished) return out;
    if (!started) {
      started = true;
      const message: JsonObject = {
        id: typeof chunk.id === 'string' ? chunk.id : 'msg_tollgate',
        type: 'message',
        role: 'assistant',
        model: typeof chunk.model === 'string' ? chunk.model : (ctx.model ?? ''),
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      };
      out.push(event('message_start', { message }));
    }
    const choice = asObject(Array.isArray(chunk.choices) ? chunk.choices[0] : undefined);
    const delta = asObject(choice?.delta);
    const reasoning = delta?.reasoning_content ?? delta?.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') {
      if (open?.kind !== 'thinking') {
        openBlock(out, { kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' });
      }
      out.push(
        event('content_block_delta', {
          index,
          delta: { type: 'thinking_delta', thinking: reasoning },
        }),
      );
    }
    if (typeof delta?.content === 'string' && delta.content !== '') {
      if (open?.kind !== 'text') openBlock(out, { kind: 'text' }, { type: 'text', text: '' });
      out.push(
        event('content_block_delta', { index, delta: { type: 'text_delta', text: delta.content } }),
      );
    }
    if (Array.isArray(delta?.tool_calls)) {
      for (const item of delta.tool_calls) {
        const call = asObject(item);
        const callIndex = typeof call?.index === 'number' ? call.index : 0;
        const fn = asObject(call?.function);
        if (!toolBlocks.has(callIndex)) {
          openBlock(
            out,
            { kind: 'tool', call: callIndex },
            {
              type: 'tool_use',
              id: typeof call?.id === 'string' ? call.id : '',
              name: typeof fn?.name === 'string' ? fn.name : '',
              input: {},
            },
          );
          toolBlocks.set(callIndex, index);
        }
        const args = fn?.arguments;
        if (typeof args === 'string' && args !== '') {
          out.push(
            event('content_block_delta', {
              index: toolBlocks.get(callIndex),
              delta: { type: 'input_json_delta', partial_json: args },
            }),
          );
        }
      }
    }
    if (typeof choice?.finish_reason === 'string') {
      closeBlock(out);
      pending = { stop_reason: anthropicStopReason(choice.finish_reason), stop_sequence: null };
      if (usage) finish(out, usage);
    }
    return out;
  }

  return {
    push(ev) {
      if (ev.event !== 'message') return [];
      if (ev.data === '[DONE]') {
        const out: ClientEvent[] = [];
        finish(out, undefined);
        return out;
      }
      const chunk = parseObject(ev.data);
      if (!chunk) return [];
      if (isPlainObject(chunk.error)) {
        const { message } = errorParts(chunk, 'upstream error');
        return [event('error', { error: { type: 'api_error', message } })];
      }
      return onChunk(chunk);
    },
    end() {
      const out: ClientEvent[] = [];
      finish(out, undefined);
      return out;
    },
  };
}

/** anthropic-messages client → openai-chat provider. */
export const anthropicMessagesToOpenaiChat: ProtocolConverter = {
  from: 'anthropic-messages',
  to: 'openai-chat',
  request,
  response,
  error: anthropicError,
  createStreamConverter,
};
