/**
 * @module protocols/bedrock-converse
 * Amazon Bedrock Converse: `POST /model/<id>/converse` answers a JSON `output.message` with
 * `usage.inputTokens/outputTokens/totalTokens`; `POST /model/<id>/converse-stream` answers the
 * same in AWS event-stream framing: `messageStart`, `contentBlockDelta` per piece,
 * `contentBlockStop`, `messageStop`, then `metadata` with the usage. With `toolConfig.tools` (and
 * no tool result in the last turn) the answer is a `toolUse` of the first tool instead. Errors are
 * AWS's `{"message": ...}`.
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

function generationOf(req: ProtocolRequest) {
  const messages = Array.isArray(req.body.messages)
    ? (req.body.messages as { role?: unknown; content?: unknown }[])
    : [];
  const system = textOf(req.body.system);
  const promptChars = messages.reduce((n, m) => n + textOf(m.content).length, system.length);
  return generationFor(req, messages, promptChars);
}

/**
 * The tool the model calls: with `toolConfig.tools` and a last turn that carries no `toolResult`,
 * the first tool (or the one `toolChoice.tool` names) is called, with each property of its input
 * schema set to `"mock"`. After a tool result, the answer is text again.
 */
function toolCallOf(body: Record<string, unknown>): { name: string; input: object } | undefined {
  const config = body.toolConfig as
    | {
        tools?: { toolSpec?: { name?: unknown; inputSchema?: { json?: unknown } } }[];
        toolChoice?: unknown;
      }
    | undefined;
  const tools = Array.isArray(config?.tools) ? config.tools : [];
  const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : [];
  const last = messages.at(-1)?.content;
  if (Array.isArray(last) && last.some((b) => typeof b === 'object' && b && 'toolResult' in b)) {
    return undefined;
  }
  const wanted = (config?.toolChoice as { tool?: { name?: unknown } } | undefined)?.tool?.name;
  const spec = (tools.find((t) => t.toolSpec?.name === wanted) ?? tools[0])?.toolSpec;
  if (typeof spec?.name !== 'string') return undefined;
  const props = (spec.inputSchema?.json as { properties?: object } | undefined)?.properties ?? {};
  return { name: spec.name, input: Object.fromEntries(Object.keys(props).map((k) => [k, 'mock'])) };
}

const TOOL_USE_ID = 'tooluse_mock_1';

function usage(prompt: number, completion: number) {
  return { inputTokens: prompt, outputTokens: completion, totalTokens: prompt + completion };
}

function converse(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  const tool = toolCallOf(req.body);
  return jsonReply({
    output: {
      message: {
        role: 'assistant',
        content: tool
          ? [{ toolUse: { toolUseId: TOOL_USE_ID, name: tool.name, input: tool.input } }]
          : [{ text: gen.text }],
      },
    },
    stopReason: tool ? 'tool_use' : 'end_turn',
    ...(req.behaviour.omitUsage ? {} : { usage: usage(gen.promptTokens, gen.completionTokens) }),
    metrics: { latencyMs: 1 },
  });
}

function converseStream(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  const tool = toolCallOf(req.body);
  const events: SseEvent[] = [{ text: bedrockEvent('messageStart', { role: 'assistant' }) }];
  if (tool) {
    const start = { toolUse: { toolUseId: TOOL_USE_ID, name: tool.name } };
    events.push({ text: bedrockEvent('contentBlockStart', { contentBlockIndex: 0, start }) });
    // The input as JSON text in two pieces, as Bedrock streams it.
    const json = JSON.stringify(tool.input);
    const half = Math.ceil(json.length / 2);
    for (const input of [json.slice(0, half), json.slice(half)]) {
      events.push({
        text: bedrockEvent('contentBlockDelta', {
          contentBlockIndex: 0,
          delta: { toolUse: { input } },
        }),
        token: true,
      });
    }
  } else {
    for (const piece of gen.pieces) {
      events.push({
        text: bedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } }),
        token: true,
      });
    }
  }
  events.push({ text: bedrockEvent('contentBlockStop', { contentBlockIndex: 0 }) });
  events.push({
    text: bedrockEvent('messageStop', { stopReason: tool ? 'tool_use' : 'end_turn' }),
  });
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
