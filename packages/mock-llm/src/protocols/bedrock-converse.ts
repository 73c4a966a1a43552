/**
 * @module protocols/bedrock-converse
 * Amazon Bedrock Converse: `POST /model/<id>/converse` answers a JSON `output.message` with
 * `usage.inputTokens/outputTokens/totalTokens`; `POST /model/<id>/converse-stream` answers the
 * same in AWS event-stream framing: `messageStart`, `contentBlockDelta` per piece,
 * `contentBlockStop`, `messageStop`, then `metadata` with the usage. Errors are AWS's
 * `{"message": ...}`.
 */
import { bedrockEvent } from '../cloud/event-stream';
import { textOf } from '../text';
import {
  generationFor,
  jsonReply,
  type Protocol,
  type ProtocolRequest,
  type Reply,
  type SseEvent,
} from './common';

const PATH_RE = /^\/model\/[^/]+\/(converse|converse-stream)$/;

/** The model id of a Converse path (percent-decoded), if it is one. */
export function bedrockModelOf(path: string): string | undefined {
  const m = /^\/model\/([^/]+)\//.exec(path);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

function generationOf(req: ProtocolRequest) {
  const messages = Array.isArray(req.body.messages)
    ? (req.body.messages as { role?: unknown; content?: unknown }[])
    : [];
  const system = textOf(req.body.system);
  const promptChars = messages.reduce((n, m) => n + textOf(m.content).length, system.length);
  return generationFor(req, messages, promptChars);
}

function usage(prompt: number, completion: number) {
  return { inputTokens: prompt, outputTokens: completion, totalTokens: prompt + completion };
}

function converse(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  return jsonReply({
    output: { message: { role: 'assistant', content: [{ text: gen.text }] } },
    stopReason: 'end_turn',
    ...(req.behaviour.omitUsage ? {} : { usage: usage(gen.promptTokens, gen.completionTokens) }),
    metrics: { latencyMs: 1 },
  });
}

function converseStream(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  const events: SseEvent[] = [{ text: bedrockEvent('messageStart', { role: 'assistant' }) }];
  for (const piece of gen.pieces) {
    events.push({
      text: bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } }),
      token: true,
    });
  }
  events.push({ text: bedrockEvent('contentBlockStop', { contentBlockIndex: 0 }) });
  events.push({ text: bedrockEvent('messageStop', { stopReason: 'end_turn' }) });
  if (!req.behaviour.omitUsage) {
    events.push({
      text: bedrockEvent('metadata', {
        usage: usage(gen.promptTokens, gen.completionTokens),
        metrics: { latencyMs: 1 },
      }),
    });
  }
  return { kind: 'sse', status: 200, events, contentType: 'application/vnd.amazon.eventstream' };
}

/** The Converse protocol. */
export const bedrockConverse: Protocol = {
  name: 'bedrock-converse',
  matches: (path) => PATH_RE.test(path),
  invalid: (body) =>
    Array.isArray(body.messages) && body.messages.length > 0
      ? undefined
      : {
          message:
            'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
        },
  reply: (req) => (req.path?.endsWith('/converse-stream') ? converseStream(req) : converse(req)),
  errorBody: (_status, refusal) => JSON.stringify({ message: refusal.message }),
};
