/**
 * @module ai-content-common/annotate-stream
 * The `final_packet` verdict of the moderation plugins (spec A.5/A.6): once a stream has been
 * scored as a whole, the data events of its last chunk get the verdict as extra JSON fields
 * (`"risk_level":"high"`), and the protocol's terminator is added when the chunk lacks it. The
 * content already reached the client; the annotation is all that can be said about it. Which
 * events are "data" follows APISIX's protocol modules:
 * - openai-chat: every `data:` event but `[DONE]`; terminator `data: [DONE]`;
 * - anthropic-messages: `content_block_delta` and `message_delta`; terminator `message_stop`;
 * - openai-responses: `response.completed`, which is also its terminator.
 * Other protocols pass unchanged. An event whose data is not a JSON object is left as it was.
 */
import type { ProtocolName } from '@tollgate/ai';

interface StreamRules {
  /** Events without an `event:` line take their type from the JSON's `type`. */
  typeInData: boolean;
  isData(type: string, data: string): boolean;
  isDone(type: string, data: string): boolean;
  terminator: string;
}

const RULES: Partial<Record<ProtocolName, StreamRules>> = {
  'openai-chat': {
    typeInData: false,
    isData: (type, data) => type === 'message' && data !== '[DONE]',
    isDone: (_type, data) => data === '[DONE]',
    terminator: 'data: [DONE]\n\n',
  },
  'anthropic-messages': {
    typeInData: true,
    isData: (type) => type === 'content_block_delta' || type === 'message_delta',
    isDone: (type) => type === 'message_stop',
    terminator: `event: message_stop\ndata: ${JSON.stringify({ type: 'message_stop' })}\n\n`,
  },
  'openai-responses': {
    typeInData: true,
    isData: (type) => type === 'response.completed',
    isDone: (type) => type === 'response.completed',
    terminator: `event: response.completed\ndata: ${JSON.stringify({
      type: 'response.completed',
      response: { status: 'completed', output: [] },
    })}\n\n`,
  },
};

function parseObject(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function typeInData(data: string): string | undefined {
  const type = parseObject(data)?.type;
  return typeof type === 'string' ? type : undefined;
}

/** One event block, its data lines replaced by one line of `data` when `data` is given. */
function renderBlock(lines: readonly string[], data: string | undefined): string {
  if (data === undefined) return `${lines.join('\n')}\n\n`;
  const out: string[] = [];
  let written = false;
  for (const line of lines) {
    if (!line.startsWith('data:')) out.push(line);
    else if (!written) {
      out.push(`data: ${data}`);
      written = true;
    }
  }
  return `${out.join('\n')}\n\n`;
}

/**
 * `bytes` (whole SSE events) with `fields` merged into each data event's JSON (no change when
 * `fields` is undefined), and the terminator appended when `addTerminator` is set and no event
 * of `bytes` is one.
 *
 * @example
 * annotateStreamChunk('openai-chat', Buffer.from('data: {"choices":[]}\n\n'), { risk_level: 'none' }, true);
 * // 'data: {"choices":[],"risk_level":"none"}\n\ndata: [DONE]\n\n'
 */
export function annotateStreamChunk(
  protocol: string,
  bytes: Buffer,
  fields: Record<string, unknown> | undefined,
  addTerminator: boolean,
): Buffer {
  const rules = RULES[protocol as ProtocolName];
  if (!rules) return bytes;
  const blocks: string[] = [];
  let terminatorAt = -1;
  let annotated = 0;
  for (const block of bytes.toString('utf8').split(/\r\n\r\n|\n\n|\r\r/)) {
    if (block.replace(/[\r\n]/g, '') === '') continue;
    const lines = block.split(/\r\n|\n|\r/);
    let type: string | undefined;
    const dataLines: string[] = [];
    for (const line of lines) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:'))
        dataLines.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
    const data = dataLines.join('\n');
    // Events typed only in their JSON (`{"type":"message_stop"}` without an `event:` line).
    type ??= rules.typeInData ? typeInData(data) : undefined;
    type ??= 'message';
    if (rules.isDone(type, data) && terminatorAt === -1) terminatorAt = blocks.length;
    const json =
      fields && dataLines.length > 0 && rules.isData(type, data) ? parseObject(data) : undefined;
    if (json) annotated += 1;
    // The event was just parsed for this: the fields go onto it, no copy.
    blocks.push(renderBlock(lines, json ? JSON.stringify(Object.assign(json, fields)) : undefined));
  }
  if (fields && annotated === 0 && protocol === 'openai-chat') {
    // The final chunk of an OpenAI chat stream may hold nothing but [DONE] (the usage chunk is
    // kept from clients that did not ask for it): the verdict goes in a chunk of its own.
    const carrier = `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [], ...fields })}\n\n`;
    blocks.splice(terminatorAt === -1 ? blocks.length : terminatorAt, 0, carrier);
    if (terminatorAt !== -1) terminatorAt += 1;
  }
  let out = blocks.join('');
  if (addTerminator && terminatorAt === -1) out += rules.terminator;
  return Buffer.from(out, 'utf8');
}
