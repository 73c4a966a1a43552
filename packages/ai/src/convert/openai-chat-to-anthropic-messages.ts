/**
 * @module convert/openai-chat-to-anthropic-messages
 * An OpenAI Chat Completions client served by an Anthropic Messages provider, as APISIX's
 * converter of the same name does (whitelist body, `max_tokens` defaulted to 4096, system
 * messages lifted to `system`, tools and tool results, images, errors), plus streaming, which
 * APISIX refuses (Tollgate extension): Anthropic events re-framed as `chat.completion.chunk`s,
 * a usage chunk (`choices: []`) and `data: [DONE]`.
 */
import { setOwn, type JsonObject } from '@tollgate/core';
import { asNumber, asObject } from '../json';
import type { ClientEvent, ConvertContext, ProtocolConverter, StreamConverter } from './types';
import { ProtocolConversionError } from './types';
import {
  anthropicImage,
  errorParts,
  openaiFinishReason,
  openaiText,
  openaiUsageFromAnthropic,
  parseObject,
  typedEvent,
  openaiStreamError,
  ChatChunks,
} from './util';

/** Anthropic requires `max_tokens`; APISIX's default when the OpenAI client sends none. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

const EFFORT_BUDGET: Readonly<Record<string, number>> = { low: 1024, medium: 8192, high: 24576 };

/** OpenAI content → a string, or Anthropic blocks when it holds images. */
function convertContent(content: unknown): string | JsonObject[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const blocks: JsonObject[] = [];
  let textOnly = true;
  for (const item of content) {
    const part = asObject(item);
    if (part?.type === 'text' && typeof part.text === 'string') {
      blocks.push({ type: 'text', text: part.text });
    } else if (part?.type === 'image_url') {
      const image = anthropicImage(part);
      if (image) {
        blocks.push(image);
        textOnly = false;
      }
    }
  }
  if (textOnly) return blocks.map((b) => b.text as string).join('');
  return blocks;
}

function toolChoice(choice: unknown, parallel: unknown): JsonObject | undefined {
  let out: JsonObject | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice === 'none') out = { type: 'none' };
  else {
    const name = asObject(asObject(choice)?.function)?.name;
    if (typeof name === 'string') out = { type: 'tool', name };
  }
  if (out && out.type !== 'none' && parallel === false) out.disable_parallel_tool_use = true;
  return out;
}

function assistantBlocks(msg: JsonObject, index: number): JsonObject[] {
  const blocks: JsonObject[] = [];
  const content = convertContent(msg.content);
  if (typeof content === 'string') {
    if (content !== '') blocks.push({ type: 'text', text: content });
  } else blocks.push(...content);
  for (const item of msg.tool_calls as unknown[]) {
    const call = asObject(item);
    const fn = asObject(call?.function);
    if (!fn) continue;
    const args = typeof fn.arguments === 'string' && fn.arguments !== '' ? fn.arguments : '{}';
    const input = parseObject(args);
    if (!input) {
      throw new ProtocolConversionError(`invalid tool_calls arguments at message ${index}`);
    }
    blocks.push({
      type: 'tool_use',
      id: typeof call?.id === 'string' ? call.id : '',
      name: typeof fn.name === 'string' ? fn.name : '',
      input,
    });
  }
  return blocks;
}

function request(src: JsonObject): JsonObject {
  if (!Array.isArray(src.messages) || src.messages.length === 0) {
    throw new ProtocolConversionError('missing messages');
  }
  const body: JsonObject = {};
  if (typeof src.model === 'string') body.model = src.model;
  body.max_tokens =
    asNumber(src.max_tokens) ?? asNumber(src.max_completion_tokens) ?? DEFAULT_ANTHROPIC_MAX_TOKENS;
  if (src.temperature !== undefined) body.temperature = src.temperature;
  if (src.top_p !== undefined) body.top_p = src.top_p;
  if (typeof src.stop === 'string') body.stop_sequences = [src.stop];
  else if (Array.isArray(src.stop)) body.stop_sequences = src.stop;
  if (src.stream === true) body.stream = true;
  const budget =
    typeof src.reasoning_effort === 'string' && Object.hasOwn(EFFORT_BUDGET, src.reasoning_effort)
      ? EFFORT_BUDGET[src.reasoning_effort]
      : undefined;
  if (budget !== undefined) body.thinking = { type: 'enabled', budget_tokens: budget };
  const user = src.safety_identifier ?? src.user;
  if (typeof user === 'string') body.metadata = { user_id: user };
  const choice = toolChoice(src.tool_choice, src.parallel_tool_calls);
  if (choice) body.tool_choice = choice;
  if (Array.isArray(src.tools)) {
    const tools: JsonObject[] = [];
    for (const item of src.tools) {
      const fn = asObject(asObject(item)?.function);
      if (typeof fn?.name !== 'string') continue;
      const tool: JsonObject = { name: fn.name };
      if (typeof fn.description === 'string') tool.description = fn.description;
      tool.input_schema = asObject(fn.parameters) ?? { type: 'object' };
      tools.push(tool);
    }
    if (tools.length > 0) body.tools = tools;
  }

  const system: string[] = [];
  const messages: JsonObject[] = [];
  // The user message that collects consecutive tool results (Anthropic: one user turn).
  let toolGroup: JsonObject[] | undefined;
  src.messages.forEach((item, i) => {
    const msg = asObject(item);
    if (!msg || typeof msg.role !== 'string') {
      throw new ProtocolConversionError(`invalid message at index ${i + 1}`);
    }
    if (msg.role === 'system' || msg.role === 'developer') {
      const text = openaiText(msg.content);
      if (text !== '') system.push(text);
      return;
    }
    if (msg.role === 'tool') {
      if (typeof msg.tool_call_id !== 'string') return;
      const block = {
        type: 'tool_result',
        tool_use_id: msg.tool_call_id,
        content: openaiText(msg.content),
      };
      if (toolGroup) toolGroup.push(block);
      else {
        toolGroup = [block];
        messages.push({ role: 'user', content: toolGroup });
      }
      return;
    }
    toolGroup = undefined;
    if (msg.role === 'assistant' && Array.isArray(msg.tool_calls) && msg.tool_calls.length > 0) {
      messages.push({ role: 'assistant', content: assistantBlocks(msg, i + 1) });
    } else {
      messages.push({ role: msg.role, content: convertContent(msg.content) });
    }
  });
  body.messages = messages;
  if (system.length > 0) body.system = system.join('\n\n');
  return body;
}

function response(json: JsonObject, ctx: ConvertContext): JsonObject {
  const text: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: JsonObject[] = [];
  for (const item of Array.isArray(json.content) ? json.content : []) {
    const block = asObject(item);
    if (block?.type === 'text' && typeof block.text === 'string') text.push(block.text);
    else if (block?.type === 'thinking' && typeof block.thinking === 'string') {
      reasoning.push(block.thinking);
    } else if (block?.type === 'tool_use') {
      toolCalls.push({
        id: typeof block.id === 'string' ? block.id : '',
        type: 'function',
        function: {
          name: typeof block.name === 'string' ? block.name : '',
          arguments: JSON.stringify(block.input ?? {}),
        },
      });
    }
  }
  const message: JsonObject = {
    role: 'assistant',
    content: text.length > 0 ? text.join('') : null,
  };
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const finish =
    json.stop_reason == null && toolCalls.length > 0
      ? 'tool_calls'
      : openaiFinishReason(json.stop_reason);
  const usage = asObject(json.usage);
  return {
    id: typeof json.id === 'string' ? json.id : 'chatcmpl-tollgate',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof json.model === 'string' ? json.model : (ctx.model ?? ''),
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    usage: usage
      ? openaiUsageFromAnthropic(usage)
      : { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

function error(json: JsonObject | undefined, status: number, text: string): JsonObject {
  const { message, type } = errorParts(json, text);
  const kind = type ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { error: { message, type: kind, code: kind, param: null } };
}

function createStreamConverter(ctx: ConvertContext): StreamConverter {
  const chunks = new ChatChunks('chatcmpl-tollgate', ctx.model ?? '');
  let usage: JsonObject = {};
  const toolIndex = new Map<number, number>();
  let done = false;

  const addUsage = (part: unknown): void => {
    const u = asObject(part);
    if (!u) return;
    for (const [k, v] of Object.entries(u)) if (typeof v !== 'number' || v > 0) setOwn(usage, k, v);
  };

  function onEvent(type: string, payload: JsonObject): ClientEvent[] {
    switch (type) {
      case 'message_start': {
        const message = asObject(payload.message);
        if (typeof message?.id === 'string') chunks.id = message.id;
        if (typeof message?.model === 'string') chunks.model = message.model;
        usage = {};
        addUsage(message?.usage);
        return [chunks.delta({ role: 'assistant', content: '' })];
      }
      case 'content_block_start': {
        const block = asObject(payload.content_block);
        if (block?.type !== 'tool_use') return [];
        const n = toolIndex.size;
        toolIndex.set(asNumber(payload.index) ?? n, n);
        return [
          chunks.delta({
            tool_calls: [
              {
                index: n,
                id: typeof block.id === 'string' ? block.id : '',
                type: 'function',
                function: { name: typeof block.name === 'string' ? block.name : '', arguments: '' },
              },
            ],
          }),
        ];
      }
      case 'content_block_delta': {
        const delta = asObject(payload.delta);
        if (delta?.type === 'text_delta' && typeof delta.text === 'string') {
          return [chunks.delta({ content: delta.text })];
        }
        if (delta?.type === 'thinking_delta' && typeof delta.thinking === 'string') {
          return [chunks.delta({ reasoning_content: delta.thinking })];
        }
        if (delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
          const n = toolIndex.get(asNumber(payload.index) ?? -1);
          if (n === undefined || delta.partial_json === '') return [];
          return [
            chunks.delta({
              tool_calls: [{ index: n, function: { arguments: delta.partial_json } }],
            }),
          ];
        }
        return [];
      }
      case 'message_delta': {
        addUsage(payload.usage);
        const stop = asObject(payload.delta)?.stop_reason;
        return [chunks.delta({}, openaiFinishReason(stop))];
      }
      case 'message_stop': {
        done = true;
        return chunks.done(openaiUsageFromAnthropic(usage));
      }
      case 'error': {
        const { message, type: kind } = errorParts(payload, 'upstream error');
        return [openaiStreamError(message, kind)];
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

/** openai-chat client → anthropic-messages provider. */
export const openaiChatToAnthropicMessages: ProtocolConverter = {
  from: 'openai-chat',
  to: 'anthropic-messages',
  request,
  response,
  error,
  headers(headers) {
    // As APISIX: a client bearer key becomes x-api-key unless auth.header set one.
    const bearer = /^bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (headers['x-api-key'] === undefined && bearer) headers['x-api-key'] = bearer;
    delete headers.authorization;
    headers['anthropic-version'] ??= '2023-06-01';
    for (const name of Object.keys(headers)) {
      if (name.startsWith('openai-') || name.startsWith('x-stainless-')) delete headers[name];
    }
  },
  createStreamConverter,
};
