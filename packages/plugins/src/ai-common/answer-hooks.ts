/**
 * @module ai-common/answer-hooks
 * Runs the AI response hooks (core's ai-response-hooks contract) for the relay: over a whole
 * non-streamed answer, and over a stream cut into chunks of whole SSE events, so a hook never
 * sees half an event (APISIX's `lua_body_filter` sees whole events too, spec A.0). A hook that
 * throws fails closed: the answer becomes an error, because an unchecked answer must not pass.
 */
import { formatStreamError, getProtocol, type ProtocolName } from '@tollgate/ai';
import {
  createLogger,
  type AiAnswerVerdict,
  type AiDeny,
  type AiResponseHook,
  type RequestContext,
} from '@tollgate/core';

const log = createLogger('ai-proxy');

/** The answer a failing hook leaves the client with (a fault, not a verdict). */
function hookFailure(): AiDeny {
  return {
    status: 500,
    contentType: 'application/json',
    body: Buffer.from(
      `${JSON.stringify({ error: { message: 'content check failed', type: 'gateway_error' } })}\n`,
    ),
  };
}

function hookError(ctx: RequestContext, hook: AiResponseHook, err: unknown): void {
  log.error('AI response hook failed', { plugin: hook.plugin, err, request_id: ctx.requestId });
}

/** The hooks of `ctx` that look at answers. */
export function answerHooks(ctx: RequestContext): AiResponseHook[] {
  return ctx.ai?.responseHooks.filter((h) => h.onAnswer) ?? [];
}

/** The hooks of `ctx` that look at stream chunks. */
export function chunkHooks(ctx: RequestContext): AiResponseHook[] {
  return ctx.ai?.responseHooks.filter((h) => h.onChunk) ?? [];
}

/** What to send for a non-streamed answer once every hook has seen it. */
export interface CheckedAnswer {
  status: number;
  /** undefined keeps the upstream's content type. */
  contentType?: string;
  body: Buffer;
}

function parseAnswer(protocol: ProtocolName, bytes: Buffer): { json?: unknown; text: string } {
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8'));
    return { json, text: getProtocol(protocol).responseText(json) };
  } catch {
    return { text: '' };
  }
}

/** Pass a non-streamed answer through `hooks` in order; a deny stops the chain. */
export async function checkAnswer(
  ctx: RequestContext,
  hooks: readonly AiResponseHook[],
  status: number,
  body: Buffer,
): Promise<CheckedAnswer> {
  const protocol = (ctx.ai?.protocol ?? 'passthrough') as ProtocolName;
  let bytes = body;
  let parsed = parseAnswer(protocol, bytes);
  for (const hook of hooks) {
    let verdict: AiAnswerVerdict;
    try {
      verdict = await hook.onAnswer?.({ status, bytes, ...parsed, signal: ctx.clientSignal });
    } catch (err) {
      hookError(ctx, hook, err);
      const failure = hookFailure();
      return { status: failure.status, contentType: failure.contentType, body: failure.body };
    }
    if (!verdict) continue;
    if ('deny' in verdict) {
      return {
        status: verdict.deny.status,
        contentType: verdict.deny.contentType,
        body: verdict.deny.body,
      };
    }
    bytes = verdict.replace;
    parsed = parseAnswer(protocol, bytes);
  }
  return { status, body: bytes };
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * The offset just past the last blank line of `buf` (where the last whole event ends), or 0.
 * Lines end with `\n`, `\r\n` or `\r`, as in the SSE parser.
 */
export function lastEventEnd(buf: Buffer): number {
  for (let i = buf.length - 1; i >= 0; i -= 1) {
    const c = buf[i];
    if (c !== LF && c !== CR) continue;
    // A CR followed by LF is one terminator: look at the LF.
    if (c === CR && buf[i + 1] === LF) continue;
    // Step back over this line terminator to the one before it, if it directly precedes.
    let j = i - 1;
    if (c === LF && buf[j] === CR) j -= 1;
    const prev = buf[j];
    if (j >= 0 && (prev === LF || prev === CR)) return i + 1;
  }
  return 0;
}

/** Where a hooked stream's chunks go. */
export interface ChunkSink {
  /** Write bytes to the client (begins the response on first use). */
  write(bytes: Buffer): Promise<void> | undefined;
}

/** The outcome of feeding a chunk: `end` when a hook ended the stream. */
export type FeedResult = 'more' | 'end';

/**
 * Cuts a stream into whole events and runs the chunk hooks on each cut, writing what they leave.
 * Feed it the upstream's chunks with the text deltas the protocol reader found in them.
 */
export class HookedStream {
  private pending: Buffer = Buffer.alloc(0);
  private texts: string[] = [];
  private seq = 0;
  private lastDelivered = false;
  private ended = false;
  private readonly wholeText: string[] = [];

  constructor(
    private readonly ctx: RequestContext,
    private readonly hooks: readonly AiResponseHook[],
    private readonly sink: ChunkSink,
    /** Past this many bytes without an event boundary, the held bytes are delivered as they are. */
    private readonly maxHeldBytes: number,
    /** The client protocol's error event, ending the stream when a hook fails (decision D4). */
    private readonly errorEvent: (message: string, type: string) => string = (message, type) =>
      formatStreamError(ctx.ai?.protocol, message, type),
  ) {}

  /** True once a hook ended the stream. */
  get endedByHook(): boolean {
    return this.ended;
  }

  /** A text delta of an event in the chunk being fed. */
  noteText(text: string): void {
    this.texts.push(text);
    this.wholeText.push(text);
  }

  /**
   * Feed one upstream chunk (after its events went through the parser, so `noteText` was called
   * for them); `done` is true once the protocol's terminator has been seen.
   */
  async feed(chunk: Buffer, done: boolean): Promise<FeedResult> {
    if (this.ended) return 'end';
    if (this.lastDelivered) {
      await this.sink.write(chunk);
      return 'more';
    }
    const joined = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let cut = lastEventEnd(joined);
    if (cut === 0 && joined.length > this.maxHeldBytes) cut = joined.length;
    this.pending = joined.subarray(cut);
    if (cut === 0) return 'more';
    return this.deliver(joined.subarray(0, cut), done, done);
  }

  /** The upstream ended (or was cut): deliver what is held as the last chunk, if not done yet. */
  async finish(complete: boolean): Promise<FeedResult> {
    if (this.ended) return 'end';
    if (this.lastDelivered) {
      if (this.pending.length > 0) await this.sink.write(this.pending);
      this.pending = Buffer.alloc(0);
      return 'more';
    }
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return this.deliver(rest, true, complete);
  }

  private async deliver(bytes: Buffer, last: boolean, complete: boolean): Promise<FeedResult> {
    this.seq += 1;
    const texts = this.texts;
    this.texts = [];
    if (last) this.lastDelivered = true;
    let out = bytes;
    for (const hook of this.hooks) {
      let verdict;
      try {
        verdict = await hook.onChunk?.({
          bytes: out,
          texts,
          seq: this.seq,
          last,
          complete: last && complete,
          text: last ? this.wholeText.join('') : '',
          signal: this.ctx.clientSignal,
        });
      } catch (err) {
        hookError(this.ctx, hook, err);
        verdict = { end: Buffer.from(this.errorEvent('content check failed', 'gateway_error')) };
      }
      if (this.ctx.response.clientGone) return 'end';
      if (!verdict) continue;
      if ('end' in verdict) {
        this.ended = true;
        await this.sink.write(verdict.end);
        return 'end';
      }
      out = verdict.replace;
    }
    if (out.length > 0) await this.sink.write(out);
    return 'more';
  }
}
