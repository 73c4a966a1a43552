/**
 * @module ai-common/relay
 * Sends an LLM's successful answer to the client. Non-streamed bodies are read whole (bounded by
 * `max_response_bytes`) and passed on unchanged; streams are passed through byte for byte as they
 * arrive, with back-pressure, while being parsed for usage. A stream cut short ends with an SSE
 * error event and no terminator (decision D4).
 */
import {
  createSseParser,
  formatSseError,
  SSE_MAX_CARRY_BYTES,
  getProtocol,
  type AiUpstreamResponse,
  type ProtocolName,
} from '@tollgate/ai';
import type { RequestContext } from '@tollgate/core';
import { answerHooks, checkAnswer, chunkHooks, HookedStream } from './answer-hooks';
import type { AiTransportSettings } from './settings';

/** Protocols whose streams end with a terminator event ([DONE], message_stop, response.completed). */
const TERMINATED: ReadonlySet<ProtocolName> = new Set([
  'openai-chat',
  'openai-responses',
  'anthropic-messages',
]);

function contentTypeOf(headers: AiUpstreamResponse['headers']): string | undefined {
  const value = headers['content-type'];
  return Array.isArray(value) ? value[0] : value;
}

/** What happened to a relayed answer. */
export type RelayResult = { sent: true } | { sent: false; status: number; message: string };

/** Relay a non-streamed answer. */
async function relayBody(
  ctx: RequestContext,
  upstream: AiUpstreamResponse,
  settings: AiTransportSettings,
): Promise<RelayResult> {
  const ai = ctx.ai;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of upstream.body) {
    size += chunk.length;
    if (settings.maxResponseBytes !== undefined && size > settings.maxResponseBytes) {
      upstream.abort();
      return { sent: false, status: 502, message: 'max_response_bytes exceeded' };
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  if (ai?.protocol) {
    const protocol = getProtocol(ai.protocol as ProtocolName);
    try {
      const json: unknown = JSON.parse(body.toString('utf8'));
      const { usage, raw } = protocol.usageFromResponse(json);
      if (usage) {
        ai.usage = usage;
        ai.rawUsage = raw;
      }
      const text = protocol.responseText(json);
      ai.completionChars += text.length;
      if (settings.logPayloads) ai.responseText = text;
    } catch {
      // Not JSON: passed through unchanged, usage estimated from its size (decision D5).
      ai.completionChars += body.length;
    }
  }
  let status = upstream.status;
  let contentType = contentTypeOf(upstream.headers);
  let answer: Buffer = body;
  const hooks = answerHooks(ctx);
  if (hooks.length > 0) {
    const checked = await checkAnswer(ctx, hooks, status, body);
    if (ctx.response.clientGone) return { sent: true };
    status = checked.status;
    contentType = checked.contentType ?? contentType;
    answer = checked.body;
  }
  // The caller ends the response once the request is settled (quota charges), see settleAiRequest.
  ctx.response.begin(status, contentType ? { 'content-type': contentType } : {});
  await ctx.response.write(answer);
  return { sent: true };
}

/** Relay a stream (text/event-stream). */
async function relayStream(
  ctx: RequestContext,
  upstream: AiUpstreamResponse,
  settings: AiTransportSettings,
  startedAt: number,
): Promise<RelayResult> {
  const ai = ctx.ai;
  const protocolName = (ai?.protocol ?? 'passthrough') as ProtocolName;
  const reader = getProtocol(protocolName).createStreamReader();
  const contentType = contentTypeOf(upstream.headers) ?? 'text/event-stream';
  const begin = () => {
    if (ctx.response.headersSent) return;
    if (ai) ai.ttftMs = performance.now() - startedAt;
    ctx.response.begin(upstream.status, {
      'content-type': contentType,
      'cache-control': 'no-cache',
    });
  };
  const hooks = chunkHooks(ctx);
  const hooked =
    hooks.length === 0
      ? undefined
      : new HookedStream(
          ctx,
          hooks,
          {
            write: (bytes) => {
              begin();
              return ctx.response.write(bytes);
            },
          },
          SSE_MAX_CARRY_BYTES,
        );
  let done = false;
  const parser = createSseParser((event) => {
    const seen = reader.onEvent(event);
    if (!ai) return;
    if (seen.text) {
      hooked?.noteText(seen.text);
      ai.completionChars += seen.text.length;
      if (settings.logPayloads) ai.responseText = (ai.responseText ?? '') + seen.text;
    }
    if (seen.usage) {
      ai.usage = seen.usage;
      ai.rawUsage = seen.raw;
    }
    if (seen.toolCalls !== undefined) {
      ai.hasToolCalls = true;
      ai.toolCount += seen.toolCalls;
    }
    if (seen.done) done = true;
  });
  let cutReason: string | undefined;
  // A plugin may end the stream between chunks (ai.endStream): the bytes to end it with.
  let endedWith: Buffer | undefined;
  if (ai) {
    ai.endStream = (bytes) => {
      if (endedWith !== undefined) return;
      endedWith = bytes;
      upstream.abort();
    };
  }
  const timer =
    settings.maxStreamDurationMs === undefined
      ? undefined
      : setTimeout(() => {
          cutReason = 'max_stream_duration_ms exceeded';
          upstream.abort();
        }, settings.maxStreamDurationMs);
  let size = 0;
  let endedByHook = false;
  try {
    for await (const chunk of upstream.body) {
      // The limit is checked before the head goes out: a first chunk already over it means
      // nothing was sent, and the client gets a 502 instead of an empty 200 stream.
      size += chunk.length;
      if (settings.maxResponseBytes !== undefined && size > settings.maxResponseBytes) {
        cutReason = 'max_response_bytes exceeded';
        upstream.abort();
        break;
      }
      begin();
      try {
        parser.push(chunk);
      } catch {
        // An oversized event is skipped by the parser; the bytes still reach the client.
      }
      if (hooked) {
        if ((await hooked.feed(chunk, done)) === 'end') {
          endedByHook = true;
          upstream.abort();
          break;
        }
      } else await ctx.response.write(chunk);
      if (endedWith !== undefined) break;
      if (ctx.response.clientGone) {
        upstream.abort();
        break;
      }
    }
    parser.end();
  } catch (err) {
    if (endedWith === undefined) cutReason ??= `upstream stream failed: ${(err as Error).message}`;
  } finally {
    if (timer) clearTimeout(timer);
    if (ai) ai.endStream = undefined;
  }
  if (endedWith !== undefined && !ctx.response.clientGone) {
    begin();
    await ctx.response.write(endedWith);
    return { sent: true };
  }
  if (hooked && !endedByHook && !ctx.response.clientGone && ctx.response.headersSent) {
    endedByHook = (await hooked.finish(done && cutReason === undefined)) === 'end';
  }
  if (endedByHook) return { sent: true };
  if (ctx.response.clientGone) {
    if (ai) ai.streamCut = !done;
    return { sent: true };
  }
  if (!ctx.response.headersSent) {
    // Nothing reached the client: answer like APISIX (504 on duration, 502 otherwise).
    const status = cutReason?.startsWith('max_stream_duration') ? 504 : 502;
    return { sent: false, status, message: cutReason ?? 'upstream closed the stream without data' };
  }
  if (!done && (cutReason !== undefined || TERMINATED.has(protocolName))) {
    if (ai) ai.streamCut = true;
    await ctx.response.write(
      Buffer.from(
        formatSseError(
          cutReason ?? 'upstream closed the stream before it finished',
          'upstream_error',
        ),
      ),
    );
  }
  return { sent: true };
}

/** Relay an answer the client should get as is (2xx, or a status no fallback applies to). */
export function relayAnswer(
  ctx: RequestContext,
  upstream: AiUpstreamResponse,
  settings: AiTransportSettings,
  startedAt: number,
): Promise<RelayResult> {
  const contentType = contentTypeOf(upstream.headers) ?? '';
  if (ctx.ai) ctx.ai.upstreamStatus = upstream.status;
  if (contentType.toLowerCase().startsWith('text/event-stream'))
    return relayStream(ctx, upstream, settings, startedAt);
  if (ctx.ai) ctx.ai.ttftMs = upstream.ttfbMs;
  return relayBody(ctx, upstream, settings);
}
