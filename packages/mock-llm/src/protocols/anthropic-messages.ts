/**
 * @module protocols/anthropic-messages
 * Anthropic Messages: `POST …/v1/messages`. A `message` object, or the typed event stream
 * `message_start` (input tokens) → `content_block_start` → `ping` → `content_block_delta`… →
 * `content_block_stop` → `message_delta` (cumulative output tokens, stop reason) → `message_stop`.
 */
import { textOf, type Generation } from '../text';
import {
  generationFor,
  jsonReply,
  loopingReply,
  modelOf,
  newId,
  sseReply,
  typedEvent,
  wantsStream,
  type Protocol,
  type ProtocolRequest,
  type Reply,
  type Refusal,
} from './common';
import { contentProblem, messagesProblem, type ShapeProblem } from './shape';

interface Message {
  role?: unknown;
  content?: unknown;
}

function generationOf(req: ProtocolRequest): Generation {
  const messages = Array.isArray(req.body.messages) ? (req.body.messages as Message[]) : [];
  const promptChars =
    textOf(req.body.system).length + messages.reduce((n, m) => n + textOf(m.content).length, 0);
  return generationFor(req, messages, promptChars);
}

function message(req: ProtocolRequest, gen: Generation, streaming: boolean) {
  return {
    id: newId('msg_'),
    type: 'message',
    role: 'assistant',
    model: modelOf(req, 'mock-model'),
    content: streaming ? [] : [{ type: 'text', text: gen.text }],
    stop_reason: streaming ? null : 'end_turn',
    stop_sequence: null,
  };
}

function streamReply(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  const omit = req.behaviour.omitUsage;
  // Like Anthropic, message_start already reports the first output token; message_delta's count
  // is cumulative and replaces it.
  const startUsage = {
    input_tokens: gen.promptTokens,
    output_tokens: Math.min(1, gen.completionTokens),
  };
  const events = [
    typedEvent('message_start', {
      type: 'message_start',
      message: { ...message(req, gen, true), ...(omit ? {} : { usage: startUsage }) },
    }),
    typedEvent('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
    typedEvent('ping', { type: 'ping' }),
  ];
  const textEvent = (piece: string) =>
    typedEvent(
      'content_block_delta',
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } },
      true,
    );
  for (const piece of gen.pieces) events.push(textEvent(piece));
  if (req.behaviour.loop) return loopingReply(events, textEvent, gen.text);
  events.push(
    typedEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
    typedEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      ...(omit ? {} : { usage: { output_tokens: gen.completionTokens } }),
    }),
    typedEvent('message_stop', { type: 'message_stop' }),
  );
  return sseReply(events);
}

function complete(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  return jsonReply({
    ...message(req, gen, false),
    ...(req.behaviour.omitUsage
      ? {}
      : { usage: { input_tokens: gen.promptTokens, output_tokens: gen.completionTokens } }),
  });
}

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** `problem` in Anthropic's words, e.g. `messages.0: Input should be an object`. */
function refusal(problem: ShapeProblem): Refusal {
  const where = problem.path.join('.');
  return {
    message:
      problem.actual === undefined
        ? `${where}: Field required`
        : `${where}: Input should be ${problem.expected}`,
  };
}

/** The Anthropic Messages protocol. */
export const anthropicMessages: Protocol = {
  name: 'anthropic-messages',
  matches: (path) => path.endsWith('/v1/messages'),
  invalid: (body) => {
    const problem =
      messagesProblem(body, 'messages', true) ?? contentProblem(body.system, ['system']);
    return problem && refusal(problem);
  },
  reply: (req) => (wantsStream(req.body) ? streamReply(req) : complete(req)),
  errorBody: (status, { message }) =>
    JSON.stringify({ type: 'error', error: { type: errorType(status), message } }),
};
