/**
 * @module ai-aliyun-content-moderation/response
 * The answer side (`check_response`, spec A.5/A.6), as a response hook on the relay:
 * - a whole answer is moderated before it is sent; a hit answers `deny_code` with a
 *   completion-shaped refusal that keeps the LLM's usage;
 * - a stream in `final_packet` mode is moderated once at its end and the verdict added to the
 *   final chunk's data events (see final-packet);
 * - a stream in `realtime` mode is moderated in batches: text deltas gather until they reach
 *   `stream_check_cache_size` characters, `stream_check_interval` seconds have passed since the
 *   last check (looked at when a chunk arrives, as APISIX does), or the stream ends; a hit ends
 *   the stream with the refusal's SSE sequence (the status is already sent).
 * Answers with an upstream status of 400 or more are not moderated.
 */
import type {
  AiAnswerBody,
  AiAnswerVerdict,
  AiChunkVerdict,
  AiResponseHook,
  AiStreamChunk,
  RequestContext,
} from '@tollgate/core';
import { createLogger } from '@tollgate/core';
import type { AiAliyunContentModerationConf } from '@tollgate/schema';
import { denyAnswer, FinalPacketTail } from '../ai-content-common';
import { annotateFinalChunk } from './final-packet';
import { denyText, moderate, PLUGIN, type ModerationSession } from './moderate';

const log = createLogger(PLUGIN);

function upstreamFailed(ctx: RequestContext, status: number | undefined): boolean {
  if (status === undefined || status < 400) return false;
  log.info(`skip response check because upstream returned error status: ${status}`, {
    request_id: ctx.requestId,
  });
  return true;
}

function refusal(
  ctx: RequestContext,
  conf: AiAliyunContentModerationConf,
  riskLevel: string | undefined,
  advice: string | undefined,
) {
  return denyAnswer(ctx, {
    plugin: PLUGIN,
    reason: `risk_level_${riskLevel ?? 'unknown'}`,
    text: denyText(conf, advice),
    status: conf.deny_code,
  });
}

/** Code points in `text` (the batch size is counted in characters). */
function characters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    // A low surrogate completes the pair its high surrogate already counted.
    if (code < 0xdc00 || code > 0xdfff) count += 1;
  }
  return count;
}

/** The hook registered for one request. */
export function responseHook(
  conf: AiAliyunContentModerationConf,
  ctx: RequestContext,
  session: ModerationSession,
): AiResponseHook {
  async function onAnswer(answer: AiAnswerBody): Promise<AiAnswerVerdict> {
    if (upstreamFailed(ctx, answer.status)) return undefined;
    const outcome = await moderate(ctx, conf, session, 'response', answer.text);
    if (!outcome.hit) return undefined;
    return { deny: refusal(ctx, conf, outcome.riskLevel, outcome.advice) };
  }

  // final_packet: the text-less chunks after the text, held until the final chunk.
  const tail = new FinalPacketTail();

  async function finalPacket(chunk: AiStreamChunk): Promise<AiChunkVerdict> {
    if (!chunk.last) {
      const now = tail.hold(chunk);
      return now === undefined ? undefined : { replace: now };
    }
    const bytes = tail.release(chunk);
    const outcome = await moderate(ctx, conf, session, 'response', chunk.text);
    if (outcome.riskLevel === undefined) {
      return bytes === chunk.bytes ? undefined : { replace: bytes };
    }
    const protocol = ctx.ai?.protocol ?? 'openai-chat';
    const model = ctx.ai?.model ?? ctx.ai?.requestModel;
    return { replace: annotateFinalChunk(protocol, bytes, outcome.riskLevel, model) };
  }

  // realtime: the text gathered since the last check, and when that check was.
  let batch = '';
  let lastCheck: number | undefined;

  async function realtime(chunk: AiStreamChunk): Promise<AiChunkVerdict> {
    batch += chunk.texts.join('');
    const now = performance.now();
    lastCheck ??= now;
    const due =
      chunk.last ||
      characters(batch) >= conf.stream_check_cache_size ||
      now - lastCheck >= conf.stream_check_interval * 1000;
    if (!due) return undefined;
    lastCheck = now;
    const outcome = await moderate(ctx, conf, session, 'response', batch);
    batch = '';
    if (!outcome.hit) return undefined;
    return { end: refusal(ctx, conf, outcome.riskLevel, outcome.advice).body };
  }

  async function onChunk(chunk: AiStreamChunk): Promise<AiChunkVerdict> {
    if (upstreamFailed(ctx, ctx.ai?.upstreamStatus)) return undefined;
    return conf.stream_check_mode === 'realtime' ? realtime(chunk) : finalPacket(chunk);
  }

  return { plugin: PLUGIN, onAnswer, onChunk };
}
