/**
 * @module protocols/openai-chat
 * OpenAI Chat Completions: `POST …/chat/completions`. A `chat.completion` object, or a stream of
 * `chat.completion.chunk` events ending with `data: [DONE]`; the usage chunk (empty `choices`)
 * comes only with `stream_options.include_usage`, as OpenAI does.
 */
import { textOf, type Generation } from '../text';
import {
  dataEvent,
  generationFor,
  jsonReply,
  loopingReply,
  modelOf,
  newId,
  nowSeconds,
  openAiErrorBody,
  sseReply,
  wantsStream,
  type Protocol,
  type ProtocolRequest,
  type Reply,
} from './common';
import { messagesProblem, openAiRefusal } from './shape';

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

function messagesOf(body: Record<string, unknown>): ChatMessage[] {
  return Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
}

function includeUsage(body: Record<string, unknown>): boolean {
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  return options?.include_usage === true;
}

function generationOf(req: ProtocolRequest): Generation {
  const messages = messagesOf(req.body);
  const promptChars = messages.reduce((n, m) => n + textOf(m.content).length, 0);
  return generationFor(req, messages, promptChars);
}

function usageObject(prompt: number, completion: number) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

function streamReply(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  const withUsage = includeUsage(req.body) && !req.behaviour.omitUsage;
  const base = {
    id: newId('chatcmpl-'),
    object: 'chat.completion.chunk',
    created: nowSeconds(),
    model: modelOf(req, 'mock-model'),
    system_fingerprint: 'fp_mock',
  };
  // With include_usage, OpenAI puts `"usage": null` on every chunk but the last.
  const chunk = (delta: object, finish: string | null, token = false) =>
    dataEvent(
      {
        ...base,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(withUsage ? { usage: null } : {}),
      },
      token,
    );
  const events = [chunk({ role: 'assistant', content: '', refusal: null }, null)];
  const textEvent = (piece: string) => chunk({ content: piece }, null, true);
  for (const piece of gen.pieces) events.push(textEvent(piece));
  if (req.behaviour.loop) return loopingReply(events, textEvent, gen.text);
  events.push(chunk({}, 'stop'));
  if (withUsage) {
    events.push(
      dataEvent({
        ...base,
        choices: [],
        usage: usageObject(gen.promptTokens, gen.completionTokens),
      }),
    );
  }
  events.push({ text: 'data: [DONE]\n\n' });
  return sseReply(events);
}

function completion(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  return jsonReply({
    id: newId('chatcmpl-'),
    object: 'chat.completion',
    created: nowSeconds(),
    model: modelOf(req, 'mock-model'),
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: gen.text, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    ...(req.behaviour.omitUsage
      ? {}
      : { usage: usageObject(gen.promptTokens, gen.completionTokens) }),
    system_fingerprint: 'fp_mock',
  });
}

/** The Chat Completions protocol. */
export const openAiChat: Protocol = {
  name: 'openai-chat',
  matches: (path) => path.endsWith('/chat/completions'),
  invalid: (body) => {
    const problem = messagesProblem(body, 'messages', true);
    return problem && openAiRefusal(problem);
  },
  reply: (req) => (wantsStream(req.body) ? streamReply(req) : completion(req)),
  errorBody: openAiErrorBody,
};
