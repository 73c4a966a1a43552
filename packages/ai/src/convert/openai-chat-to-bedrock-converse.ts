/**
 * @module convert/openai-chat-to-bedrock-converse
 * An OpenAI Chat Completions client served by Amazon Bedrock Converse (Tollgate extension: APISIX
 * 3.18 answers 400 `provider bedrock does not support openai-chat protocol`). `system` and
 * `developer` messages become `system` blocks, content parts Converse content blocks (images as
 * base64 bytes), assistant `tool_calls` `toolUse` blocks, `tool` messages `toolResult` blocks in a
 * user turn; `tools`/`tool_choice` become `toolConfig`; `max_tokens`, `temperature`, `top_p` and
 * `stop` go to `inferenceConfig`. The ConverseStream (decoded from AWS event-stream) is re-framed
 * as `chat.completion.chunk`s, a usage chunk (`choices: []`) from `metadata`, and `data: [DONE]`.
 */
import { isPlainObject, type JsonObject } from '@tollgate/core';
import { randomUUID } from 'node:crypto';
import { asNumber, asObject } from '../json';
import {
  alternateRoles,
  anthropicUsageFromBedrock,
  bedrockExceptionMessage,
  bedrockImage,
  bedrockToolSpec,
  finishFromBedrock,
  imageUrlUnsupported,
} from './bedrock-util';
import type { ClientEvent, ConvertContext, ProtocolConverter, StreamConverter } from './types';
import { ProtocolConversionError } from './types';
import {
  errorParts,
  imageUrlOf,
  openaiText,
  openaiUsageFromAnthropic,
  parseDataUrl,
  parseObject,
  openaiStreamError,
  ChatChunks,
} from './util';

/** OpenAI content (string or parts) → Converse content blocks. */
function contentBlocks(content: unknown): JsonObject[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) return [];
  const blocks: JsonObject[] = [];
  for (const item of content) {
    const part = asObject(item);
    if (!part) continue;
    // A part without a type but with text (as in APISIX's Converse-shaped test bodies) is text.
    if ((part.type === 'text' || part.type === undefined) && typeof part.text === 'string') {
      if (part.text !== '') blocks.push({ text: part.text });
    } else if (part.type === 'image_url') {
      const url = imageUrlOf(part);
      if (url === undefined) continue;
      const inline = parseDataUrl(url);
      if (!inline) imageUrlUnsupported();
      blocks.push(bedrockImage(inline.mediaType, inline.data));
    }
  }
  return blocks;
}

function toolChoice(choice: unknown): JsonObject | undefined {
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  const name = asObject(asObject(choice)?.function)?.name;
  return typeof name === 'string' ? { tool: { name } } : undefined;
}

function toolUseBlocks(calls: unknown[], index: number): JsonObject[] {
  const blocks: JsonObject[] = [];
  for (const item of calls) {
    const call = asObject(item);
    const fn = asObject(call?.function);
    if (!fn) continue;
    const args = typeof fn.arguments === 'string' && fn.arguments !== '' ? fn.arguments : '{}';
    const input = parseObject(args);
    if (!input)
      throw new ProtocolConversionError(`invalid tool_calls arguments at message ${index}`);
    blocks.push({
      toolUse: {
        toolUseId: typeof call?.id === 'string' ? call.id : '',
        name: typeof fn.name === 'string' ? fn.name : '',
        input,
      },
    });
  }
  return blocks;
}

function request(src: JsonObject): JsonObject {
  if (!Array.isArray(src.messages) || src.messages.length === 0) {
    throw new ProtocolConversionError('missing messages');
  }
  const body: JsonObject = {};
  // Kept for the path (bedrock's path names the model); the provider removes it from the body.
  if (typeof src.model === 'string') body.model = src.model;
  const system: JsonObject[] = [];
  const messages: JsonObject[] = [];
  src.messages.forEach((item, i) => {
    const msg = asObject(item);
    if (!msg || typeof msg.role !== 'string') {
      throw new ProtocolConversionError(`invalid message at index ${i + 1}`);
    }
    if (msg.role === 'system' || msg.role === 'developer') {
      const text = openaiText(msg.content);
      if (text !== '') system.push({ text });
    } else if (msg.role === 'tool') {
      if (typeof msg.tool_call_id !== 'string') return;
      const text = openaiText(msg.content);
      messages.push({
        role: 'user',
        content: [{ toolResult: { toolUseId: msg.tool_call_id, content: [{ text }] } }],
      });
    } else if (msg.role === 'assistant') {
      const content = contentBlocks(msg.content);
      if (Array.isArray(msg.tool_calls)) content.push(...toolUseBlocks(msg.tool_calls, i + 1));
      messages.push({ role: 'assistant', content });
    } else {
      messages.push({ role: 'user', content: contentBlocks(msg.content) });
    }
  });
  body.messages = alternateRoles(messages);
  if (system.length > 0) body.system = system;

  const inference: JsonObject = {};
  const maxTokens = asNumber(src.max_tokens) ?? asNumber(src.max_completion_tokens);
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (typeof src.temperature === 'number') inference.temperature = src.temperature;
  if (typeof src.top_p === 'number') inference.topP = src.top_p;
  if (typeof src.stop === 'string') inference.stopSequences = [src.stop];
  else if (Array.isArray(src.stop) && src.stop.length > 0) inference.stopSequences = src.stop;
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;

  if (Array.isArray(src.tools)) {
    const tools: JsonObject[] = [];
    for (const item of src.tools) {
      const fn = asObject(asObject(item)?.function);
      if (typeof fn?.name === 'string') {
        tools.push(bedrockToolSpec(fn.name, fn.description, fn.parameters));
      }
    }
    if (tools.length > 0) {
      const config: JsonObject = { tools };
      const choice = toolChoice(src.tool_choice);
      if (choice) config.toolChoice = choice;
      body.toolConfig = config;
    }
  }
  return body;
}

/** Converse usage → OpenAI usage (`prompt_tokens` includes cache reads and writes). */
const openaiUsage = (usage: JsonObject | undefined): JsonObject =>
  openaiUsageFromAnthropic(anthropicUsageFromBedrock(usage));

function response(json: JsonObject, ctx: ConvertContext): JsonObject {
  const text: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: JsonObject[] = [];
  const content = asObject(asObject(json.output)?.message)?.content;
  for (const item of Array.isArray(content) ? content : []) {
    const block = asObject(item);
    if (typeof block?.text === 'string') text.push(block.text);
    const use = asObject(block?.toolUse);
    if (use) {
      toolCalls.push({
        id: typeof use.toolUseId === 'string' ? use.toolUseId : '',
        type: 'function',
        function: {
          name: typeof use.name === 'string' ? use.name : '',
          arguments: JSON.stringify(use.input ?? {}),
        },
      });
    }
    const thought = asObject(asObject(block?.reasoningContent)?.reasoningText)?.text;
    if (typeof thought === 'string') reasoning.push(thought);
  }
  const message: JsonObject = {
    role: 'assistant',
    content: text.length > 0 ? text.join('') : null,
  };
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: ctx.model ?? '',
    choices: [
      { index: 0, message, logprobs: null, finish_reason: finishFromBedrock(json.stopReason) },
    ],
    usage: openaiUsage(asObject(json.usage)),
  };
}

function error(json: JsonObject | undefined, status: number, text: string): JsonObject {
  const { message, type } = errorParts(json, text);
  const kind =
    type ??
    (status === 429
      ? 'rate_limit_error'
      : status >= 500
        ? 'api_error'
        : status === 401 || status === 403
          ? 'authentication_error'
          : 'invalid_request_error');
  return { error: { message, type: kind, code: kind, param: null } };
}

function createStreamConverter(ctx: ConvertContext): StreamConverter {
  const chunks = new ChatChunks(`chatcmpl-${randomUUID()}`, ctx.model ?? '');
  // Converse block index → OpenAI tool_calls index.
  const toolIndex = new Map<number, number>();
  let stopped = false;
  let done = false;

  function onEvent(type: string, payload: JsonObject): ClientEvent[] {
    switch (type) {
      case 'messageStart':
        return [chunks.delta({ role: 'assistant', content: '' })];
      case 'contentBlockStart': {
        const use = asObject(asObject(payload.start)?.toolUse);
        if (!use) return [];
        const n = toolIndex.size;
        toolIndex.set(asNumber(payload.contentBlockIndex) ?? n, n);
        const name = typeof use.name === 'string' ? use.name : '';
        const callId = typeof use.toolUseId === 'string' ? use.toolUseId : '';
        return [
          chunks.delta({
            tool_calls: [
              { index: n, id: callId, type: 'function', function: { name, arguments: '' } },
            ],
          }),
        ];
      }
      case 'contentBlockDelta': {
        const delta = asObject(payload.delta);
        if (typeof delta?.text === 'string') return [chunks.delta({ content: delta.text })];
        const input = asObject(delta?.toolUse)?.input;
        if (typeof input === 'string') {
          const n = toolIndex.get(asNumber(payload.contentBlockIndex) ?? -1);
          if (n === undefined || input === '') return [];
          return [chunks.delta({ tool_calls: [{ index: n, function: { arguments: input } }] })];
        }
        const thought = asObject(delta?.reasoningContent)?.text;
        if (typeof thought === 'string') return [chunks.delta({ reasoning_content: thought })];
        return [];
      }
      case 'messageStop':
        stopped = true;
        return [chunks.delta({}, finishFromBedrock(payload.stopReason))];
      case 'metadata':
        done = true;
        return chunks.done(openaiUsage(asObject(payload.usage)));
      default:
        if (type.startsWith('exception:')) {
          done = true;
          const message = bedrockExceptionMessage(type, payload);
          return [openaiStreamError(message)];
        }
        return [];
    }
  }

  return {
    push(ev) {
      if (done) return [];
      const payload = parseObject(ev.data) ?? {};
      return isPlainObject(payload) ? onEvent(ev.event, payload) : [];
    },
    // A stream that stopped without its metadata frame still ends (usage unknown: estimated).
    end: () => (stopped && !done ? [{ data: '[DONE]' }] : []),
  };
}

/** openai-chat client → bedrock-converse provider. */
export const openaiChatToBedrockConverse: ProtocolConverter = {
  from: 'openai-chat',
  to: 'bedrock-converse',
  request,
  response,
  error,
  headers(headers) {
    // SigV4 signs the request: the client's key and SDK headers do not go to AWS.
    delete headers.authorization;
    for (const name of Object.keys(headers)) {
      if (name.startsWith('openai-') || name.startsWith('x-stainless-')) delete headers[name];
    }
  },
  createStreamConverter,
};
