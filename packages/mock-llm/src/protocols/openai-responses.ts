/**
 * @module protocols/openai-responses
 * OpenAI Responses: `POST …/v1/responses`. A `response` object with one output message, or its
 * typed event stream: `response.created` → `response.output_item.added` →
 * `response.content_part.added` → `response.output_text.delta`… → `response.output_text.done` →
 * `response.content_part.done` → `response.output_item.done` → `response.completed` (with usage).
 */
import { textOf, type Generation } from '../text';
import {
  generationFor,
  jsonReply,
  loopingReply,
  modelOf,
  newId,
  nowSeconds,
  openAiErrorBody,
  sseReply,
  typedEvent,
  wantsStream,
  type Protocol,
  type ProtocolRequest,
  type Reply,
  type Refusal,
} from './common';
import { messagesProblem, openAiRefusal } from './shape';

interface InputItem {
  role?: unknown;
  content?: unknown;
}

function generationOf(req: ProtocolRequest): Generation {
  const { input, instructions } = req.body;
  const items: InputItem[] =
    typeof input === 'string'
      ? [{ role: 'user', content: input }]
      : Array.isArray(input)
        ? (input as InputItem[])
        : [];
  const promptChars =
    textOf(instructions).length + items.reduce((n, i) => n + textOf(i.content).length, 0);
  return generationFor(req, items, promptChars);
}

interface Ids {
  response: string;
  item: string;
  created: number;
  model: string;
}

function outputItem(ids: Ids, text: string, done: boolean) {
  return {
    type: 'message',
    id: ids.item,
    status: done ? 'completed' : 'in_progress',
    role: 'assistant',
    content: done ? [{ type: 'output_text', text, annotations: [] }] : [],
  };
}

function responseObject(req: ProtocolRequest, ids: Ids, gen: Generation, done: boolean) {
  const usage = {
    input_tokens: gen.promptTokens,
    output_tokens: gen.completionTokens,
    total_tokens: gen.promptTokens + gen.completionTokens,
  };
  return {
    id: ids.response,
    object: 'response',
    created_at: ids.created,
    status: done ? 'completed' : 'in_progress',
    model: ids.model,
    output: done ? [outputItem(ids, gen.text, true)] : [],
    // In progress: `usage: null`, as OpenAI sends; with omitUsage the field is left out.
    ...(!done ? { usage: null } : req.behaviour.omitUsage ? {} : { usage }),
  };
}

function idsFor(req: ProtocolRequest): Ids {
  return {
    response: newId('resp_'),
    item: newId('msg_'),
    created: nowSeconds(),
    model: modelOf(req, 'mock-model'),
  };
}

function streamReply(req: ProtocolRequest): Reply {
  const gen = generationOf(req);
  const ids = idsFor(req);
  let seq = 0;
  const ev = (type: string, fields: object, token = false) =>
    typedEvent(type, { type, sequence_number: seq++, ...fields }, token);
  const part = { output_index: 0, content_index: 0, item_id: ids.item };
  const events = [
    ev('response.created', { response: responseObject(req, ids, gen, false) }),
    ev('response.output_item.added', { output_index: 0, item: outputItem(ids, '', false) }),
    ev('response.content_part.added', {
      ...part,
      part: { type: 'output_text', text: '', annotations: [] },
    }),
  ];
  const textEvent = (delta: string) => ev('response.output_text.delta', { ...part, delta }, true);
  for (const delta of gen.pieces) events.push(textEvent(delta));
  // Looping, the deltas go on with the following sequence numbers.
  if (req.behaviour.loop) return loopingReply(events, textEvent, gen.text);
  events.push(
    ev('response.output_text.done', { ...part, text: gen.text }),
    ev('response.content_part.done', {
      ...part,
      part: { type: 'output_text', text: gen.text, annotations: [] },
    }),
    ev('response.output_item.done', { output_index: 0, item: outputItem(ids, gen.text, true) }),
    ev('response.completed', { response: responseObject(req, ids, gen, true) }),
  );
  return sseReply(events);
}

function complete(req: ProtocolRequest): Reply {
  return jsonReply(responseObject(req, idsFor(req), generationOf(req), true));
}

/** `input` is a string or a list of items (role optional: tool outputs have none). */
function invalid(body: Record<string, unknown>): Refusal | undefined {
  const { input, instructions } = body;
  const problem = typeof input === 'string' ? undefined : messagesProblem(body, 'input', false);
  if (problem) return openAiRefusal(problem);
  if (instructions !== undefined && instructions !== null && typeof instructions !== 'string') {
    return openAiRefusal({ path: ['instructions'], expected: 'a string', actual: instructions });
  }
  return undefined;
}

/** The Responses protocol. */
export const openAiResponses: Protocol = {
  name: 'openai-responses',
  matches: (path) => path.endsWith('/responses'),
  invalid,
  reply: (req) => (wantsStream(req.body) ? streamReply(req) : complete(req)),
  errorBody: openAiErrorBody,
};
