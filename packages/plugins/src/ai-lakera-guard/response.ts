/**
 * @module ai-lakera-guard/response
 * The answer side (`direction` `output` or `both`, spec A.7), as a response hook on the relay:
 * - a whole answer: its text is scanned as one assistant message; a refusal replaces it with
 *   `deny_code` and a completion carrying `response_failure_message` (the LLM's usage kept);
 * - a stream in `block` mode, or in `alert` mode with `fail_open: false`: every chunk is held back
 *   and the client gets an SSE comment (`:`) in its place as a keep-alive; at the end the
 *   assembled text is scanned once, and the held bytes are released verbatim, or replaced by the
 *   refusal's SSE sequence (the status already sent stays). An answer that cannot be scanned (the
 *   stream ended without its terminator: cut, `max_response_bytes`, an upstream EOF) follows
 *   `fail_open`; one that completed without text (tool calls only) has nothing to scan and is
 *   released;
 * - a stream in `alert` mode with `fail_open: true`: nothing can refuse it, so it flows as it
 *   comes and is scanned once it ended (log only), without delaying its last bytes.
 *
 * Holding is bounded: past `MAX_HELD_BYTES` a stream is treated as one that cannot be scanned
 * (released unscanned with `fail_open`, refused without), so a runaway answer cannot make the
 * gateway hold it all in memory.
 */
import type {
  AiAnswerBody,
  AiAnswerVerdict,
  AiChunkVerdict,
  AiResponseHook,
  AiStreamChunk,
  RequestContext,
} from '@tollgate/core';
import type { AiLakeraGuardConf } from '@tollgate/schema';
import { denyAnswer, noteContentCheck } from '../ai-content-common';
import { log, moderate, PLUGIN, type Moderation } from './moderate';

/** Most bytes of one streamed answer held back for the scan (16 MiB). */
export const MAX_HELD_BYTES = 16 * 1024 * 1024;

/** What a held chunk is replaced with: an SSE comment, which every SSE client ignores. */
export const KEEP_ALIVE = Buffer.from(':\n\n');

/** Answers the LLM failed with are relayed as they are (APISIX skips status >= 400). */
function upstreamFailed(ctx: RequestContext, status?: number): boolean {
  return (status ?? ctx.ai?.upstreamStatus ?? 200) >= 400;
}

function refuse(
  conf: AiLakeraGuardConf,
  ctx: RequestContext,
  verdict: Moderation & { deny: true },
) {
  return denyAnswer(ctx, {
    plugin: PLUGIN,
    reason: verdict.reason,
    text: verdict.text,
    status: conf.deny_code,
  });
}

function assistant(text: string) {
  return [{ role: 'assistant', content: text }];
}

/** A non-streamed answer. */
async function checkAnswer(
  conf: AiLakeraGuardConf,
  ctx: RequestContext,
  answer: AiAnswerBody,
): Promise<AiAnswerVerdict> {
  if (upstreamFailed(ctx, answer.status) || answer.text === '') return undefined;
  const verdict = await moderate(conf, ctx, assistant(answer.text), 'response', answer.signal);
  return verdict.deny ? { deny: refuse(conf, ctx, verdict) } : undefined;
}

/** A stream held back until its end (block mode, or alert without fail_open). */
class HeldStream {
  private held: Buffer[] = [];
  private size = 0;
  /** Set once the held bytes went out unscanned: the rest flows as it comes. */
  private flowing = false;

  constructor(
    private readonly conf: AiLakeraGuardConf,
    private readonly ctx: RequestContext,
    private readonly maxHeld: number,
  ) {}

  async onChunk(chunk: AiStreamChunk): Promise<AiChunkVerdict> {
    if (this.flowing || upstreamFailed(this.ctx)) return undefined;
    this.held.push(chunk.bytes);
    this.size += chunk.bytes.length;
    if (!chunk.last) {
      if (this.size <= this.maxHeld) return { replace: KEEP_ALIVE };
      return this.unscannable(`streamed response held more than ${this.maxHeld} bytes`);
    }
    if (!chunk.complete) {
      return this.unscannable('streamed response ended without an assembled completion');
    }
    if (chunk.text === '') return this.release();
    const verdict = await moderate(
      this.conf,
      this.ctx,
      assistant(chunk.text),
      'response',
      chunk.signal,
    );
    if (!verdict.deny) return this.release();
    return { end: refuse(this.conf, this.ctx, verdict).body };
  }

  private release(): AiChunkVerdict {
    const bytes = Buffer.concat(this.held);
    this.held = [];
    return { replace: bytes };
  }

  /** The answer cannot be scanned: `fail_open` decides. */
  private unscannable(why: string): AiChunkVerdict {
    const fields = { request_id: this.ctx.requestId };
    noteContentCheck(this.ctx, { plugin: PLUGIN, side: 'response', ms: 0, outcome: 'skip' });
    if (this.conf.fail_open) {
      log.warn(`${PLUGIN}: ${why}; fail_open=true, releasing unscanned`, fields);
      this.flowing = true;
      return this.release();
    }
    log.error(`${PLUGIN}: ${why}; fail_open=false, blocking response`, fields);
    this.held = [];
    const deny = denyAnswer(this.ctx, {
      plugin: PLUGIN,
      reason: 'unscannable',
      text: this.conf.response_failure_message,
      status: this.conf.deny_code,
    });
    return { end: deny.body };
  }
}

/**
 * Alert mode with fail_open: the stream flows; its text is scanned once it completed, as a
 * settler of the request, so the last bytes go out at once and the verdict is still noted
 * before the access log is written. The scan is not tied to the client (an audit finishes).
 */
function scanAfterEnd(conf: AiLakeraGuardConf, ctx: RequestContext) {
  return (chunk: AiStreamChunk): AiChunkVerdict => {
    if (!chunk.last || upstreamFailed(ctx)) return undefined;
    if (!chunk.complete || chunk.text === '') {
      log.info(
        `${PLUGIN}: alert mode could not scan the streamed response (no assembled completion)`,
        {
          request_id: ctx.requestId,
        },
      );
      return undefined;
    }
    const scanned = moderate(conf, ctx, assistant(chunk.text), 'response', undefined);
    ctx.ai?.settlers.push(async () => {
      await scanned;
    });
    return undefined;
  };
}

/** The response hook of a route whose `direction` scans answers. */
export function answerHook(
  conf: AiLakeraGuardConf,
  ctx: RequestContext,
  maxHeld: number = MAX_HELD_BYTES,
): AiResponseHook {
  const live = conf.action === 'alert' && conf.fail_open;
  let onChunk: AiResponseHook['onChunk'];
  if (live) onChunk = scanAfterEnd(conf, ctx);
  else {
    const held = new HeldStream(conf, ctx, maxHeld);
    onChunk = (chunk) => held.onChunk(chunk);
  }
  return { plugin: PLUGIN, onAnswer: (answer) => checkAnswer(conf, ctx, answer), onChunk };
}
