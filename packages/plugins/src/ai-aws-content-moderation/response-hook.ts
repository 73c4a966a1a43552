/**
 * @module ai-aws-content-moderation/response-hook
 * The answer side (`check_response`, spec A.5), as a response hook the relay calls. Answers the
 * upstream sent with a status of 400 or more are not checked.
 * - A whole answer is scored before it is sent: a hit is refused with `deny_code` and the
 *   completion-shaped deny (the LLM's usage kept); a Comprehend failure is a 500 with the error
 *   (fail closed: nothing unmoderated has reached the client yet).
 * - A stream in `final_packet` mode flows as it comes, but for the text-less chunks after the
 *   text (FinalPacketTail), which wait for the last chunk; its whole text is scored then, and its
 *   data events get `"risk_level"`. If Comprehend failed the chunk is not annotated (the
 *   failure is only logged): the content is out already, and no verdict is better than a wrong one.
 * - A stream in `realtime` mode collects the text deltas until `stream_check_cache_size` bytes,
 *   `stream_check_interval` seconds since the last check, or the end; the batch is then scored.
 *   A hit ends the stream with the deny SSE instead of the chunk; a failure lets it pass (fail
 *   open, as APISIX: the stream cannot be answered with a 500 any more).
 */
import { createLogger, type AiResponseHook, type RequestContext } from '@tollgate/core';
import type { AiAwsContentModerationConf } from '@tollgate/schema';
import {
  aiSlot,
  annotateStreamChunk,
  denyAnswer,
  FinalPacketTail,
  noteRiskLevel,
} from '../ai-content-common';
import { moderate, PLUGIN, type Verdict } from './moderate';

const log = createLogger(PLUGIN);

function upstreamFailed(ctx: RequestContext, status: number | undefined): boolean {
  if (status === undefined || status < 400) return false;
  log.info(`skip response check because upstream returned error status: ${status}`, {
    request_id: ctx.requestId,
  });
  return true;
}

/** Score an answer's text; an empty one is clean without a call. */
async function scoreAnswer(
  conf: AiAwsContentModerationConf,
  ctx: RequestContext,
  text: string,
  signal: AbortSignal,
): Promise<Verdict> {
  if (text === '') {
    noteRiskLevel(ctx, 'none');
    return { kind: 'clean' };
  }
  const verdict = await moderate(conf, ctx, text, 'response', signal);
  if (verdict.kind === 'error') {
    log.error(verdict.message, { request_id: ctx.requestId, detail: verdict.detail });
  }
  return verdict;
}

function refusal(
  conf: AiAwsContentModerationConf,
  ctx: RequestContext,
  verdict: { reason: string; label: string },
) {
  return denyAnswer(ctx, {
    plugin: PLUGIN,
    reason: verdict.label,
    text: conf.deny_message ?? verdict.reason,
    status: conf.deny_code,
  });
}

/** Realtime batching state of one stream. */
interface Batch {
  text: string;
  bytes: number;
  /** When the last check ran (or the first chunk came), in ms. */
  lastCheck: number | undefined;
}

/** The hook of one request (state lives in the closure). */
export function responseHook(
  conf: AiAwsContentModerationConf,
  ctx: RequestContext,
): AiResponseHook {
  const batch: Batch = { text: '', bytes: 0, lastCheck: undefined };
  const tail = new FinalPacketTail();
  return {
    plugin: PLUGIN,
    async onAnswer(answer) {
      if (upstreamFailed(ctx, answer.status)) return undefined;
      const verdict = await scoreAnswer(conf, ctx, answer.text, answer.signal);
      switch (verdict.kind) {
        case 'error':
          return {
            deny: {
              status: 500,
              contentType: 'text/plain',
              body: Buffer.from(verdict.message),
            },
          };
        case 'flagged':
          return { deny: refusal(conf, ctx, verdict) };
        default:
          return undefined;
      }
    },
    async onChunk(chunk) {
      if (upstreamFailed(ctx, ctx.ai?.upstreamStatus)) return undefined;
      const protocol = aiSlot(ctx).protocol ?? 'openai-chat';
      if (conf.stream_check_mode === 'final_packet') {
        if (!chunk.last) {
          const now = tail.hold(chunk);
          return now === undefined ? undefined : { replace: now };
        }
        const bytes = tail.release(chunk);
        const verdict = await scoreAnswer(conf, ctx, chunk.text, chunk.signal);
        if (verdict.kind === 'gone') return { replace: bytes };
        const scored = verdict.kind !== 'error';
        if (!scored) {
          log.warn('response was not scored, streaming without a risk_level annotation', {
            request_id: ctx.requestId,
          });
        }
        const level = aiSlot(ctx).contentRiskLevel ?? 'none';
        // A cut stream keeps no terminator, so the client sees it was cut (decision D4).
        return {
          replace: annotateStreamChunk(
            protocol,
            bytes,
            scored ? { risk_level: level } : undefined,
            chunk.complete,
          ),
        };
      }
      for (const text of chunk.texts) {
        batch.text += text;
        batch.bytes += Buffer.byteLength(text);
      }
      const now = performance.now();
      batch.lastCheck ??= now;
      const due =
        chunk.last ||
        batch.bytes >= conf.stream_check_cache_size ||
        now - batch.lastCheck >= conf.stream_check_interval * 1000;
      if (!due) return undefined;
      batch.lastCheck = now;
      const text = batch.text;
      batch.text = '';
      batch.bytes = 0;
      const verdict = await scoreAnswer(conf, ctx, text, chunk.signal);
      if (verdict.kind === 'flagged') return { end: refusal(conf, ctx, verdict).body };
      return undefined;
    },
  };
}
