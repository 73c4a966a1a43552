/**
 * @module convert/anthropic-messages-to-bedrock-converse
 * An Anthropic Messages client (SDK, coding agent) served by Amazon Bedrock Converse (Tollgate
 * extension: APISIX 3.18 answers 400 `provider bedrock does not support anthropic-messages
 * protocol`). `system` becomes `system` blocks; `text`, `image` (base64), `tool_use` and
 * `tool_result` blocks become Converse's `text`, `image`, `toolUse` and `toolResult`; `tools` and
 * `tool_choice` become `toolConfig`; `max_tokens`, `temperature`, `top_p` and `stop_sequences` go
 * to `inferenceConfig`, `top_k` and `thinking` to `additionalModelRequestFields` (as Bedrock's
 * Claude models take them). The ConverseStream (decoded from AWS event-stream) is re-framed as
 * `message_start`, `content_block_start/delta/stop`, then `message_delta` (with the usage of the
 * `metadata` frame that follows `messageStop`) and `message_stop`.
 */
import { type JsonObject } from '@tollgate/core';
import { randomUUID } from 'node:crypto';
import { asNumber, asObject } from '../json';
import {
  alternateRoles,
  anthropicStopFromBedrock,
  anthropicUsageFromBedrock,
  bedrockExceptionMessage,
  bedrockImage,
  bedrockToolSpec,
  imageUrlUnsupported,
} from './bedrock-util';
import type { ClientEvent, ConvertContext, ProtocolConverter, StreamConverter } from './types';
import { ProtocolConversionError } from './types';
import { anthropicError, anthropicEvent as event, parseObject } from './util';

function imageBlock(block: JsonObject): JsonObject {
  const source = asObject(block.source);
  if (source?.type === 'base64' && typeof source.data === 'string') {
    const mediaType = typeof source.media_type === 'string' ? source.media_type : 'image/png';
    return bedrockImage(mediaType, source.data);
  }
  return imageUrlUnsupported();
}

/** The content of a `tool_result` (string or text/image blocks) as Converse result content. */
function toolResultContent(content: unknown): JsonObject[] {
  if (typeof content === 'string') return [{ text: content }];
  const out: JsonObject[] = [];
  for (const item of Array.isArray(content) ? content : []) {
    const block = asObject(item);
    if (block?.type === 'text' && typeof block.text === 'string') out.push({ text: block.text });
    else if (block?.type === 'image') out.push(imageBlock(block));
  }
  return out.length > 0 ? out : [{ text: '' }];
}

/** Anthropic content (string or blocks) → Converse content blocks. */
function contentBlocks(content: unknown, index: number): JsonObject[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) {
    throw new ProtocolConversionError(`invalid content at message ${index}`);
  }
  const blocks: JsonObject[] = [];
  for (const item of content) {
    const block = asObject(item);
    switch (block?.type) {
      case 'text':
        if (typeof block.text === 'string' && block.text !== '') blocks.push({ text: block.text });
        break;
      case 'image':
        blocks.push(imageBlock(block));
        break;
      case 'tool_use':
        blocks.push({
          toolUse: {
            toolUseId: typeof block.id === 'string' ? block.id : '',
            name: typeof block.name === 'string' ? block.name : '',
            input: asObject(block.input) ?? {},
          },
        });
        break;
      case 'tool_result': {
        const result: JsonObject = {
          toolUseId: typeof block.tool_use_id === 'string' ? block.tool_use_id : '',
          content: toolResultContent(block.content),
        };
        if (block.is_error === true) result.status = 'error';
        blocks.push({ toolResult: result });
        break;
      }
      default:
        // thinking, documents, server tools: not carried over.
        break;
    }
  }
  return blocks;
}

function toolChoice(choice: unknown): JsonObject | undefined {
  const c = asObject(choice);
  if (c?.type === 'auto') return { auto: {} };
  if (c?.type === 'any') return { any: {} };
  if (c?.type === 'tool' && typeof c.name === 'string') return { tool: { name: c.name } };
  return undefined;
}

function request(src: JsonObject): JsonObject {
  if (!Array.isArray(src.messages) || src.messages.length === 0) {
    throw new ProtocolConversionError('missing messages');
  }
  const body: JsonObject = {};
  // Kept for the path (bedrock's path names the model); the provider removes it from the body.
  if (typeof src.model === 'string') body.model = src.model;
  const messages = src.messages.map((item, i): JsonObject => {
    const msg = asObject(item);
    if (!msg || (msg.role !== 'user' && msg.role !== 'assistant')) {
      throw new ProtocolConversionError(`invalid message at index ${i + 1}`);
    }
    return { role: msg.role, content: contentBlocks(msg.content, i + 1) };
  });
  body.messages = alternateRoles(messages);
  if (typeof src.system === 'string' && src.system !== '') body.system = [{ text: src.system }];
  else if (Array.isArray(src.system)) {
    const system: JsonObject[] = [];
    for (const item of src.system) {
      const text = asObject(item)?.text;
      if (typeof text === 'string' && text !== '') system.push({ text });
    }
    if (system.length > 0) body.system = system;
  }

  const inference: JsonObject = {};
  const maxTokens = asNumber(src.max_tokens);
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (typeof src.temperature === 'number') inference.temperature = src.temperature;
  if (typeof src.top_p === 'number') inference.topP = src.top_p;
  if (Array.isArray(src.stop_sequences) && src.stop_sequences.length > 0) {
    inference.stopSequences = src.stop_sequences;
  }
  if (Object.keys(inference).length > 0) body.inferenceConfig = inference;

  const extra: JsonObject = {};
  if (typeof src.top_k === 'number') extra.top_k = src.top_k;
  const thinking = asObject(src.thinking);
  if (thinking?.type === 'enabled') extra.thinking = thinking;
  if (Object.keys(extra).length > 0) body.additionalModelRequestFields = extra;

  if (Array.isArray(src.tools)) {
    const tools: JsonObject[] = [];
    for (const item of src.tools) {
      const tool = asObject(item);
      if (typeof tool?.name === 'string') {
        tools.push(bedrockToolSpec(tool.name, tool.description, tool.input_schema));
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

function response(json: JsonObject, ctx: ConvertContext): JsonObject {
  const content: JsonObject[] = [];
  const blocks = asObject(asObject(json.output)?.message)?.content;
  for (const item of Array.isArray(blocks) ? blocks : []) {
    const block = asObject(item);
    if (typeof block?.text === 'string') content.push({ type: 'text', text: block.text });
    const use = asObject(block?.toolUse);
    if (use) {
      content.push({
        type: 'tool_use',
        id: typeof use.toolUseId === 'string' ? use.toolUseId : '',
        name: typeof use.name === 'string' ? use.name : '',
        input: asObject(use.input) ?? {},
      });
    }
    const reasoning = asObject(asObject(block?.reasoningContent)?.reasoningText);
    if (typeof reasoning?.text === 'string') {
      content.push({
        type: 'thinking',
        thinking: reasoning.text,
        signature: typeof reasoning.signature === 'string' ? reasoning.signature : '',
      });
    }
  }
  return {
    id: `msg_${randomUUID().replaceAll('-', '')}`,
    type: 'message',
    role: 'assistant',
    model: ctx.model ?? '',
    content,
    stop_reason: anthropicStopFromBedrock(json.stopReason),
    stop_sequence: null,
    usage: anthropicUsageFromBedrock(asObject(json.usage)),
  };
}

function createStreamConverter(ctx: ConvertContext): StreamConverter {
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const model = ctx.model ?? '';
  // Open content blocks (Converse index → Anthropic block type); Converse opens text blocks
  // implicitly, with their first delta.
  const open = new Map<number, string>();
  let started = false;
  let stopReason: string | undefined;
  let done = false;

  const start = (): ClientEvent[] => {
    if (started) return [];
    started = true;
    return [
      event('message_start', {
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        },
      }),
    ];
  };
  const openBlock = (index: number, type: string, block: JsonObject): ClientEvent[] => {
    if (open.has(index)) return [];
    open.set(index, type);
    return [event('content_block_start', { index, content_block: { type, ...block } })];
  };
  const finish = (usage: JsonObject | undefined): ClientEvent[] => {
    done = true;
    return [
      ...start(),
      event('message_delta', {
        delta: { stop_reason: stopReason ?? 'end_turn', stop_sequence: null },
        usage: anthropicUsageFromBedrock(usage),
      }),
      event('message_stop', {}),
    ];
  };

  function onEvent(type: string, payload: JsonObject): ClientEvent[] {
    const index = asNumber(payload.contentBlockIndex) ?? 0;
    switch (type) {
      case 'messageStart':
        return start();
      case 'contentBlockStart': {
        const use = asObject(asObject(payload.start)?.toolUse);
        if (!use) return [];
        return [
          ...start(),
          ...openBlock(index, 'tool_use', {
            id: typeof use.toolUseId === 'string' ? use.toolUseId : '',
            name: typeof use.name === 'string' ? use.name : '',
            input: {},
          }),
        ];
      }
      case 'contentBlockDelta': {
        const delta = asObject(payload.delta);
        const out = start();
        if (typeof delta?.text === 'string') {
          out.push(...openBlock(index, 'text', { text: '' }));
          out.push(
            event('content_block_delta', {
              index,
              delta: { type: 'text_delta', text: delta.text },
            }),
          );
          return out;
        }
        const input = asObject(delta?.toolUse)?.input;
        if (typeof input === 'string') {
          if (open.get(index) !== 'tool_use' || input === '') return out;
          out.push(
            event('content_block_delta', {
              index,
              delta: { type: 'input_json_delta', partial_json: input },
            }),
          );
          return out;
        }
        const reasoning = asObject(delta?.reasoningContent);
        if (reasoning) {
          out.push(...openBlock(index, 'thinking', { thinking: '' }));
          if (typeof reasoning.text === 'string') {
            out.push(
              event('content_block_delta', {
                index,
                delta: { type: 'thinking_delta', thinking: reasoning.text },
              }),
            );
          } else if (typeof reasoning.signature === 'string') {
            out.push(
              event('content_block_delta', {
                index,
                delta: { type: 'signature_delta', signature: reasoning.signature },
              }),
            );
          }
        }
        return out;
      }
      case 'contentBlockStop':
        if (!open.delete(index)) return [];
        return [event('content_block_stop', { index })];
      case 'messageStop': {
        stopReason = anthropicStopFromBedrock(payload.stopReason);
        // Blocks Converse left open are closed before the message ends.
        const out: ClientEvent[] = [];
        for (const i of open.keys()) out.push(event('content_block_stop', { index: i }));
        open.clear();
        return out;
      }
      case 'metadata':
        // The usage follows messageStop in its own frame: message_delta waits for it.
        return finish(asObject(payload.usage));
      default:
        if (type.startsWith('exception:')) {
          done = true;
          return [
            event('error', {
              error: { type: 'api_error', message: bedrockExceptionMessage(type, payload) },
            }),
          ];
        }
        return [];
    }
  }

  return {
    push(ev) {
      if (done) return [];
      return onEvent(ev.event, parseObject(ev.data) ?? {});
    },
    // A stream that stopped without its metadata frame: ended, its usage unknown (estimated).
    end: () => (stopReason !== undefined && !done ? finish(undefined) : []),
  };
}

/** anthropic-messages client → bedrock-converse provider. */
export const anthropicMessagesToBedrockConverse: ProtocolConverter = {
  from: 'anthropic-messages',
  to: 'bedrock-converse',
  request,
  response,
  error: anthropicError,
  headers(headers) {
    // SigV4 signs the request: the client's key and Anthropic headers do not go to AWS.
    delete headers.authorization;
    delete headers['x-api-key'];
    for (const name of Object.keys(headers)) {
      if (name.startsWith('anthropic-') || name.startsWith('x-stainless-')) delete headers[name];
    }
  },
  createStreamConverter,
};
