/**
 * @module convert/openai-chat-to-gemini-generate-content
 * An OpenAI Chat Completions client served by Google's native `generateContent` API (Gemini API
 * or Vertex AI publisher models), a Tollgate extension (APISIX 3.18's `gemini` and `vertex-ai`
 * speak only Google's OpenAI-compatible chat): messages → `contents` of `parts`, system
 * messages → `systemInstruction`, tools → `functionDeclarations`, tool calls and results →
 * `functionCall` / `functionResponse` parts, sampling fields → `generationConfig`. Answers come
 * back as `chat.completion`; streams (`:streamGenerateContent?alt=sse`, one
 * `GenerateContentResponse` per event) as `chat.completion.chunk`s, then a usage chunk
 * (`choices: []`) and `data: [DONE]` once the upstream ends after a finish reason.
 */
import { setOwn, type JsonObject } from '@tollgate/core';
import { randomBytes } from 'node:crypto';
import { asNumber, asObject } from '../json';
import {
  finishFromGemini,
  geminiImagePart,
  geminiSchema,
  openaiErrorFromGemini,
  openaiUsageFromGemini,
} from './gemini-util';
import type { ClientEvent, ConvertContext, ProtocolConverter, StreamConverter } from './types';
import { ProtocolConversionError } from './types';
import { ChatChunks, openaiText, parseObject } from './util';

/** OpenAI content → Gemini parts (text, images). */
function contentParts(content: unknown): JsonObject[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) return [];
  const parts: JsonObject[] = [];
  for (const item of content) {
    const part = asObject(item);
    if (part?.type === 'text' && typeof part.text === 'string') parts.push({ text: part.text });
    else if (part?.type === 'image_url') {
      const image = geminiImagePart(part);
      if (image) parts.push(image);
    }
  }
  return parts;
}

/** A tool result's `response` object: the content when it is a JSON object, else `{content}`. */
function toolResponse(content: unknown): JsonObject {
  const text = openaiText(content);
  return parseObject(text) ?? { content: text };
}

function functionCallingConfig(choice: unknown): JsonObject | undefined {
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  const name = asObject(asObject(choice)?.function)?.name;
  return typeof name === 'string' ? { mode: 'ANY', allowedFunctionNames: [name] } : undefined;
}

function generationConfig(src: JsonObject): JsonObject | undefined {
  const config: JsonObject = {};
  const max = asNumber(src.max_completion_tokens) ?? asNumber(src.max_tokens);
  if (max !== undefined) config.maxOutputTokens = max;
  if (src.temperature !== undefined) config.temperature = src.temperature;
  if (src.top_p !== undefined) config.topP = src.top_p;
  if (typeof src.stop === 'string') config.stopSequences = [src.stop];
  else if (Array.isArray(src.stop)) config.stopSequences = src.stop;
  if (asNumber(src.n) !== undefined) config.candidateCount = src.n;
  if (src.seed !== undefined) config.seed = src.seed;
  if (src.presence_penalty !== undefined) config.presencePenalty = src.presence_penalty;
  if (src.frequency_penalty !== undefined) config.frequencyPenalty = src.frequency_penalty;
  const format = asObject(src.response_format);
  if (format?.type === 'json_object' || format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

function tools(src: JsonObject): JsonObject[] | undefined {
  if (!Array.isArray(src.tools)) return undefined;
  const declarations: JsonObject[] = [];
  for (const item of src.tools) {
    const fn = asObject(asObject(item)?.function);
    if (typeof fn?.name !== 'string') continue;
    const decl: JsonObject = { name: fn.name };
    if (typeof fn.description === 'string') decl.description = fn.description;
    if (asObject(fn.parameters)) decl.parameters = geminiSchema(fn.parameters);
    declarations.push(decl);
  }
  return declarations.length > 0 ? [{ functionDeclarations: declarations }] : undefined;
}

function request(src: JsonObject): JsonObject {
  if (!Array.isArray(src.messages) || src.messages.length === 0) {
    throw new ProtocolConversionError('missing messages');
  }
  const system: JsonObject[] = [];
  const contents: { role: string; parts: JsonObject[] }[] = [];
  // Tool calls' names by id: a functionResponse names its function, not the call id.
  const callNames = new Map<string, string>();
  // Consecutive turns of one role are merged: Gemini wants user and model to alternate, and all
  // results of one round of function calls in one turn.
  const push = (role: string, parts: JsonObject[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  src.messages.forEach((item, i) => {
    const msg = asObject(item);
    if (!msg || typeof msg.role !== 'string') {
      throw new ProtocolConversionError(`invalid message at index ${i + 1}`);
    }
    switch (msg.role) {
      case 'system':
      case 'developer': {
        const text = openaiText(msg.content);
        if (text !== '') system.push({ text });
        return;
      }
      case 'tool': {
        const id = typeof msg.tool_call_id === 'string' ? msg.tool_call_id : '';
        const name = callNames.get(id) ?? id;
        push('user', [{ functionResponse: { name, response: toolResponse(msg.content) } }]);
        return;
      }
      case 'assistant': {
        const parts = contentParts(msg.content);
        for (const call of Array.isArray(msg.tool_calls) ? msg.tool_calls : []) {
          const fn = asObject(asObject(call)?.function);
          if (!fn || typeof fn.name !== 'string') continue;
          const text =
            typeof fn.arguments === 'string' && fn.arguments !== '' ? fn.arguments : '{}';
          const args = parseObject(text);
          if (!args)
            throw new ProtocolConversionError(`invalid tool_calls arguments at message ${i + 1}`);
          const id = asObject(call)?.id;
          if (typeof id === 'string') callNames.set(id, fn.name);
          parts.push({ functionCall: { name: fn.name, args } });
        }
        push('model', parts);
        return;
      }
      default:
        push('user', contentParts(msg.content));
    }
  });
  if (contents.length === 0) throw new ProtocolConversionError('missing messages');
  const body: JsonObject = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  const declared = tools(src);
  if (declared) body.tools = declared;
  const calling = functionCallingConfig(src.tool_choice);
  if (calling) body.toolConfig = { functionCallingConfig: calling };
  const config = generationConfig(src);
  if (config) body.generationConfig = config;
  return body;
}

const newCallId = (): string => `call_${randomBytes(12).toString('hex')}`;

/** A candidate's parts: text, reasoning (`thought: true`) and function calls. */
function readParts(candidate: JsonObject | undefined): {
  text: string[];
  reasoning: string[];
  calls: JsonObject[];
} {
  const text: string[] = [];
  const reasoning: string[] = [];
  const calls: JsonObject[] = [];
  const parts = asObject(candidate?.content)?.parts;
  for (const item of Array.isArray(parts) ? parts : []) {
    const part = asObject(item);
    if (typeof part?.text === 'string') (part.thought === true ? reasoning : text).push(part.text);
    const call = asObject(part?.functionCall);
    if (call) calls.push(call);
  }
  return { text, reasoning, calls };
}

function toolCall(call: JsonObject): JsonObject {
  return {
    id: typeof call.id === 'string' && call.id !== '' ? call.id : newCallId(),
    type: 'function',
    function: {
      name: typeof call.name === 'string' ? call.name : '',
      arguments: JSON.stringify(call.args ?? {}),
    },
  };
}

function firstCandidate(json: JsonObject): JsonObject | undefined {
  return Array.isArray(json.candidates) ? asObject(json.candidates[0]) : undefined;
}

function response(json: JsonObject, ctx: ConvertContext): JsonObject {
  const choices: JsonObject[] = [];
  const candidates = Array.isArray(json.candidates) ? json.candidates : [];
  candidates.forEach((item, i) => {
    const candidate = asObject(item);
    const { text, reasoning, calls } = readParts(candidate);
    const message: JsonObject = {
      role: 'assistant',
      content: text.length > 0 ? text.join('') : null,
    };
    if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
    if (calls.length > 0) message.tool_calls = calls.map(toolCall);
    choices.push({
      index: asNumber(candidate?.index) ?? i,
      message,
      logprobs: null,
      finish_reason: finishFromGemini(candidate?.finishReason, calls.length > 0),
    });
  });
  // A prompt blocked before any candidate (promptFeedback.blockReason).
  if (choices.length === 0) {
    choices.push({
      index: 0,
      message: { role: 'assistant', content: null },
      logprobs: null,
      finish_reason: asObject(json.promptFeedback)?.blockReason ? 'content_filter' : 'stop',
    });
  }
  return {
    id: typeof json.responseId === 'string' ? json.responseId : 'chatcmpl-tollgate',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof json.modelVersion === 'string' ? json.modelVersion : (ctx.model ?? ''),
    choices,
    usage: openaiUsageFromGemini(asObject(json.usageMetadata)),
  };
}

function createStreamConverter(ctx: ConvertContext): StreamConverter {
  const chunks = new ChatChunks('chatcmpl-tollgate', ctx.model ?? '');
  let started = false;
  let finished = false;
  let calledTools = false;
  let toolIndex = 0;
  let usage: JsonObject | undefined;

  function onPayload(payload: JsonObject): ClientEvent[] {
    if (asObject(payload.error)) {
      const { error } = openaiErrorFromGemini(payload, 500, 'upstream error');
      return [{ data: JSON.stringify({ error }) }];
    }
    const out: ClientEvent[] = [];
    if (!started) {
      started = true;
      if (typeof payload.responseId === 'string') chunks.id = payload.responseId;
      if (typeof payload.modelVersion === 'string') chunks.model = payload.modelVersion;
      out.push(chunks.delta({ role: 'assistant', content: '' }));
    }
    const meta = asObject(payload.usageMetadata);
    if (meta) usage = meta;
    const candidate = firstCandidate(payload);
    const { text, reasoning, calls } = readParts(candidate);
    if (reasoning.length > 0) out.push(chunks.delta({ reasoning_content: reasoning.join('') }));
    const content = text.join('');
    if (content !== '') out.push(chunks.delta({ content }));
    // Gemini sends each function call whole, in one event: one tool_calls chunk per call.
    for (const call of calls) {
      calledTools = true;
      out.push(chunks.delta({ tool_calls: [{ index: toolIndex++, ...toolCall(call) }] }));
    }
    const reason = candidate?.finishReason;
    if (typeof reason === 'string' && reason !== '' && !finished) {
      finished = true;
      out.push(chunks.delta({}, finishFromGemini(reason, calledTools)));
    } else if (!candidate && asObject(payload.promptFeedback)?.blockReason && !finished) {
      finished = true;
      out.push(chunks.delta({}, 'content_filter'));
    }
    return out;
  }

  return {
    push(ev) {
      const payload = parseObject(ev.data);
      return payload ? onPayload(payload) : [];
    },
    // Gemini's stream has no terminator: its end, after a finish reason, completes it.
    end() {
      if (!finished) return [];
      return chunks.done(openaiUsageFromGemini(usage));
    },
  };
}

/** openai-chat client → Gemini `generateContent` (Gemini API or Vertex AI). */
export const openaiChatToGeminiGenerateContent: ProtocolConverter = {
  from: 'openai-chat',
  to: 'gemini-generate-content',
  request,
  response,
  error: openaiErrorFromGemini,
  headers: geminiHeaders,
  createStreamConverter,
};

/**
 * Upstream headers for Google's native API: the OpenAI SDK's own headers dropped. For the
 * `gemini` provider, a bearer key (`auth.header`'s, else the client's, as APISIX's converters read
 * it) becomes `x-goog-api-key` unless one is set, and `authorization` is removed (the Gemini API
 * reads a bearer as an OAuth token). `vertex-ai` keeps `authorization`: its GCP signer replaces
 * it with the OAuth token afterwards, or `auth.header` set it, as on its OpenAI-compatible path.
 */
export function geminiHeaders(headers: Record<string, string>, provider?: string): void {
  if (provider === 'gemini') {
    const bearer = /^bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (headers['x-goog-api-key'] === undefined && bearer) {
      setOwn(headers, 'x-goog-api-key', bearer);
    }
    delete headers.authorization;
  }
  for (const name of Object.keys(headers)) {
    if (name.startsWith('openai-') || name.startsWith('x-stainless-')) delete headers[name];
  }
}
