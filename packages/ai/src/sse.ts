/**
 * @module sse
 * Incremental Server-Sent Events parser (spec §1.9) and the SSE error event Tollgate emits when
 * it cuts a stream (decision D4). The parser only observes: the gateway forwards the upstream
 * bytes unchanged and feeds a copy here to learn text, usage and the end of the stream.
 */
import { TOLLGATE_ERR_SSE_EVENT_TOO_LARGE } from './errors';

/** One dispatched SSE event. */
export interface SseEvent {
  /** The `event:` field, `message` when absent. */
  event: string;
  /** The `data:` lines joined with `\n` (empty when there were none). */
  data: string;
  /** The `id:` field, when present in this event. */
  id?: string;
  /** The `retry:` field, when present and a non-negative integer. */
  retry?: number;
}

/** The parser returned by {@link createSseParser}. */
export interface SseParser {
  /** Feed the next chunk of the stream (bytes or text). */
  push(chunk: Buffer | string): void;
  /**
   * The stream ended. A pending event that lacks only its terminating blank line (a last line
   * without newline, or `data: [DONE]\n` without the second `\n`) is still dispatched; this is
   * more lenient than the WHATWG rules, so a terminator sent without its blank line still counts.
   */
  end(): void;
}

/** The largest incomplete event the parser carries over between chunks: 1 MiB. */
export const SSE_MAX_CARRY_BYTES = 1024 * 1024;

const NO_BYTES = Buffer.alloc(0);
const LF = 0x0a;
const CR = 0x0d;

/**
 * Create an incremental SSE parser.
 *
 * - Events end at a blank line; lines end with `\n`, `\r\n` or `\r` (a `\r\n` split across two
 *   chunks counts once).
 * - Fields `event`, `data` (several lines joined with `\n`), `id`, `retry`; one space after the
 *   `:` is stripped; a line without `:` is a field with an empty value; lines starting with `:`
 *   are comments; unknown fields are ignored. A block holding only comments dispatches nothing.
 * - Splitting works on bytes, so multi-byte UTF-8 characters split across chunks decode intact.
 * - Carry-over cap: when an incomplete event exceeds {@link SSE_MAX_CARRY_BYTES} (default) the
 *   parser drops it, skips input up to the next blank line, finishes the current chunk, and then
 *   `push` throws `TOLLGATE_ERR_SSE_EVENT_TOO_LARGE`. The parser stays usable afterwards.
 *
 * @example
 * const parser = createSseParser((ev) => reader.onEvent(ev));
 * for await (const chunk of upstream.body) { client.write(chunk); parser.push(chunk); }
 * parser.end();
 */
export function createSseParser(
  onEvent: (e: SseEvent) => void,
  opts: { maxCarryBytes?: number } = {},
): SseParser {
  const maxCarry = opts.maxCarryBytes ?? SSE_MAX_CARRY_BYTES;
  let partial: Buffer[] = [];
  let partialBytes = 0;
  let eventBytes = 0;
  let skipLeadingLf = false;
  let discarding = false;
  let discardLineHasBytes = false;
  let event: string | undefined;
  // The data lines so far, joined with `\n` as they come (one line is the common case).
  let data: string | undefined;
  let id: string | undefined;
  let retry: number | undefined;
  let hasField = false;

  function resetEvent(): void {
    event = undefined;
    data = undefined;
    id = undefined;
    retry = undefined;
    hasField = false;
    eventBytes = 0;
  }

  function dispatch(): void {
    if (hasField) {
      const ev: SseEvent = { event: event ?? 'message', data: data ?? '' };
      if (id !== undefined) ev.id = id;
      if (retry !== undefined) ev.retry = retry;
      resetEvent();
      onEvent(ev);
    } else {
      resetEvent();
    }
  }

  function processLine(line: string, bytes: number): void {
    if (bytes === 0) {
      dispatch();
      return;
    }
    eventBytes += bytes + 1;
    if (line.charCodeAt(0) === 0x3a /* : */) return;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (name) {
      case 'event':
        event = value;
        hasField = true;
        break;
      case 'data':
        data = data === undefined ? value : `${data}\n${value}`;
        hasField = true;
        break;
      case 'id':
        if (!value.includes('\0')) id = value;
        hasField = true;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) retry = Number(value);
        break;
      default:
        break;
    }
  }

  /** The line ending at `end` of `buf`: the carried part, then `buf[start, end)`. */
  function takeLine(buf: Buffer, start: number, end: number): string {
    if (partial.length === 0) return start === end ? '' : buf.toString('utf8', start, end);
    partial.push(buf.subarray(start, end));
    const line = Buffer.concat(partial).toString('utf8');
    partial = [];
    partialBytes = 0;
    return line;
  }

  function startDiscarding(): void {
    partial = [];
    partialBytes = 0;
    resetEvent();
    discarding = true;
    discardLineHasBytes = false;
  }

  function push(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let pos = 0;
    if (skipLeadingLf && buf.length > 0) {
      if (buf[0] === LF) pos = 1;
      skipLeadingLf = false;
    }
    let overflowed = false;
    let nextLf = buf.indexOf(LF, pos);
    let nextCr = buf.indexOf(CR, pos);
    while (nextLf !== -1 || nextCr !== -1) {
      const end = nextCr === -1 || (nextLf !== -1 && nextLf < nextCr) ? nextLf : nextCr;
      // Decoded from `buf` in place: a subarray per line costs more than the line's decoding.
      const segmentLength = end - pos;
      if (discarding) {
        // Only a blank line ends the dropped event.
        if (segmentLength === 0 && !discardLineHasBytes) {
          discarding = false;
          resetEvent();
        }
        discardLineHasBytes = false;
      } else if (
        partialBytes + segmentLength > 0 &&
        eventBytes + partialBytes + segmentLength > maxCarry
      ) {
        overflowed = true;
        startDiscarding();
      } else {
        const bytes = partialBytes + segmentLength;
        processLine(takeLine(buf, pos, end), bytes);
      }
      pos = end + 1;
      if (buf[end] === CR) {
        if (pos < buf.length) {
          if (buf[pos] === LF) pos += 1;
        } else {
          skipLeadingLf = true;
        }
      }
      if (nextLf !== -1 && nextLf < pos) nextLf = buf.indexOf(LF, pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = buf.indexOf(CR, pos);
    }
    if (pos < buf.length) {
      const rest = buf.subarray(pos);
      if (discarding) {
        discardLineHasBytes = true;
      } else if (eventBytes + partialBytes + rest.length > maxCarry) {
        overflowed = true;
        startDiscarding();
        discardLineHasBytes = true;
      } else {
        // Copy: the caller may reuse its buffer after push returns.
        partial.push(Buffer.from(rest));
        partialBytes += rest.length;
      }
    }
    if (overflowed) {
      throw new TOLLGATE_ERR_SSE_EVENT_TOO_LARGE(`SSE event larger than ${maxCarry} bytes dropped`);
    }
  }

  function end(): void {
    if (!discarding && partialBytes > 0) {
      const bytes = partialBytes;
      processLine(takeLine(NO_BYTES, 0, 0), bytes);
    }
    partial = [];
    partialBytes = 0;
    if (!discarding) dispatch();
    resetEvent();
    discarding = false;
    discardLineHasBytes = false;
    skipLeadingLf = false;
  }

  return { push, end };
}

/**
 * The SSE event Tollgate writes when it has to cut a stream (upstream failure mid-stream,
 * `max_stream_duration_ms`, `max_response_bytes`): an OpenAI-shaped error object and **no**
 * `data: [DONE]`, so clients can tell a cut stream from a complete one (decision D4).
 *
 * @example
 * formatSseError('upstream connection reset');
 * // 'data: {"error":{"message":"upstream connection reset","type":"upstream_error"}}\n\n'
 */
export function formatSseError(message: string, type = 'upstream_error'): string {
  return `data: ${JSON.stringify({ error: { message, type } })}\n\n`;
}

/**
 * The SSE event that ends a cut Anthropic Messages stream: what Anthropic sends when a stream
 * fails part-way (`event: error`), which the Anthropic SDKs raise as an `APIError` from their
 * `for await` loop (decision D4).
 *
 * @example
 * formatAnthropicSseError('upstream connection reset');
 * // 'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"upstream connection reset"}}\n\n'
 */
export function formatAnthropicSseError(message: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`;
}

/** Where a Responses stream stood when it was cut, so `response.failed` continues it. */
export interface ResponsesStreamMarks {
  /** The response id announced by `response.created`. */
  id?: string;
  /** The last `sequence_number` sent; the failure event takes the next one. */
  sequenceNumber?: number;
  model?: string;
  createdAt?: number;
}

/**
 * The SSE event that ends a cut OpenAI Responses stream: `response.failed`, the terminal event
 * OpenAI sends for a failed response, with the response (`status: "failed"`,
 * `error: {code: "server_error", message}`); its id and sequence number continue the stream's.
 *
 * @example
 * formatResponsesFailed('upstream connection reset', { id: 'resp_1', sequenceNumber: 7 });
 * // 'event: response.failed\ndata: {"type":"response.failed","sequence_number":8,"response":{"id":"resp_1",…}}\n\n'
 */
export function formatResponsesFailed(message: string, marks: ResponsesStreamMarks = {}): string {
  const response = {
    ...(marks.id === undefined ? {} : { id: marks.id }),
    object: 'response',
    ...(marks.createdAt === undefined ? {} : { created_at: marks.createdAt }),
    status: 'failed',
    error: { code: 'server_error', message },
    incomplete_details: null,
    ...(marks.model === undefined ? {} : { model: marks.model }),
    output: [],
    usage: null,
  };
  const data = {
    type: 'response.failed',
    ...(marks.sequenceNumber === undefined ? {} : { sequence_number: marks.sequenceNumber + 1 }),
    response,
  };
  return `event: response.failed\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The event that ends a cut stream of `protocol` in that protocol's error framing:
 * anthropic-messages → `event: error`; openai-responses → `response.failed` (without the
 * stream's id, see the reader's `errorEvent` for that); anything else → OpenAI's
 * `data: {"error":{…}}` with `type`.
 */
export function formatStreamError(
  protocol: string | undefined,
  message: string,
  type = 'upstream_error',
): string {
  if (protocol === 'anthropic-messages') return formatAnthropicSseError(message);
  if (protocol === 'openai-responses') return formatResponsesFailed(message);
  return formatSseError(message, type);
}

/**
 * The offset just past the first blank line of `buf` at or after `from` (where the next whole
 * event ends), or -1 when `buf` holds no whole event from there. Lines end with `\n`, `\r\n` or
 * `\r`, as in the parser; a `\r` that ends `buf` counts as a whole terminator (a `\n` that
 * follows it in the next chunk is a blank line the parser skips).
 *
 * @example
 * nextEventEnd(Buffer.from('data: a\n\ndata: b\n\n'), 0); // 9
 */
export function nextEventEnd(buf: Buffer, from: number): number {
  let lineStart = from;
  for (let i = from; i < buf.length; i += 1) {
    const c = buf[i];
    if (c !== LF && c !== CR) continue;
    const blank = i === lineStart;
    if (c === CR && buf[i + 1] === LF) i += 1;
    if (blank) return i + 1;
    lineStart = i + 1;
  }
  return -1;
}
