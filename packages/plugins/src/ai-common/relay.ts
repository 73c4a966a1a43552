/**
 * @module ai-common/relay
 * Sends an LLM's successful answer to the client. Non-streamed bodies are read whole (bounded by
 * `max_response_bytes`) and passed on unchanged; streams are passed through byte for byte as they
 * arrive, with back-pressure, while being parsed for usage. A stream cut short ends with the
 * client protocol's own error event and no terminator (decision D4): `data: {"error":…}` for
 * OpenAI chat, `event: error` for Anthropic, `response.failed` for the Responses API. An OpenAI
 * chat client that did not ask for usage does not get the usage-only chunk the gateway asked
 * for (the stream is then cut into whole events, holding at most one). When the instance's
 * provider speaks another protocol than the client (protocol conversion, docs/protocol-conversion.md),
 * the answer is converted first, a stream event by event, and everything after (usage, hooks, the
 * error event of a cut) works on the client protocol's bytes.
 */
import {
  clientAskedUsage,
  conversionFor,
  convertResponseBody,
  createAwsEventStreamParser,
  createSseParser,
  createStreamReframer,
  isAwsEventStream,
  formatStreamError,
  nextEventEnd,
  readBodyUpTo,
  SSE_MAX_CARRY_BYTES,
  getProtocol,
  type AiUpstreamResponse,
  type ProtocolConverter,
  type ProtocolName,
} from '@tollgate/ai';
import type { OutgoingHeaders, RequestContext } from '@tollgate/core';
import { answerHooks, checkAnswer, chunkHooks, HookedStream, lastEventEnd } from './answer-hooks';
import type { AiTransportSettings } from './settings';

/** The empty buffer every relay starts from (a zero-length buffer cannot be written to). */
const NO_BYTES = Buffer.alloc(0);

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

/** The converter of this attempt, when its provider does not speak the client protocol. */
function conversionOf(ctx: RequestContext): ProtocolConverter | undefined {
  const instance = ctx.ai?.instance;
  const protocol = ctx.ai?.protocol;
  if (!instance || !protocol) return undefined;
  return conversionFor(instance.provider, instance.conf, protocol as ProtocolName);
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
  let whole = readBodyUpTo(upstream, settings.maxResponseBytes);
  if (whole instanceof Promise) whole = await whole;
  if (!whole) return { sent: false, status: 502, message: 'max_response_bytes exceeded' };
  let body: Buffer = whole;
  let status = upstream.status;
  let contentType = contentTypeOf(upstream.headers);
  const converter = conversionOf(ctx);
  if (converter) {
    const converted = convertResponseBody(converter, status, body, {
      model: ai?.model,
      clientBody: ai?.body,
    });
    if (converted.body !== body) contentType = 'application/json';
    status = converted.status;
    body = converted.body;
  }
  if (ai?.protocol) {
    const protocol = getProtocol(ai.protocol as ProtocolName);
    try {
      const json: unknown = JSON.parse(body.toString('utf8'));
      const { usage, raw } = protocol.usageFromResponse(json);
      if (usage) {
        ai.usage = usage;
        ai.rawUsage = raw;
      }
      // The text's length only estimates an answer without usage (finishAiRequest).
      if (!usage || settings.logPayloads) {
        const text = protocol.responseText(json);
        ai.completionChars += text.length;
        if (settings.logPayloads) ai.responseText = text;
      }
    } catch {
      // Not JSON: passed through unchanged, usage estimated from its size (decision D5).
      ai.completionChars += body.length;
    }
  }
  let answer: Buffer = body;
  const hooks = answerHooks(ctx);
  if (hooks.length > 0) {
    const checked = await checkAnswer(ctx, hooks, status, body);
    if (ctx.response.clientGone) return { sent: true };
    status = checked.status;
    contentType = checked.contentType ?? contentType;
    answer = checked.body;
  }
  // The whole answer is known, so it goes with its length rather than chunked: no framing per
  // answer, and an HTTP/1.0 keep-alive client keeps its connection (a head filter that changes
  // the body drops the length, as for a proxied answer). A 204 or 304 has none (RFC 9110 §8.6).
  // The body is held for the end, which the caller sends once the request is settled (quota
  // charges, settleAiRequest): a client that reads by the length has the whole answer with its
  // last byte and may send its next request at once, which must see the charge wherever it lands.
  const head: OutgoingHeaders =
    status === 204 || status === 304 ? {} : { 'content-length': answer.length };
  if (contentType) head['content-type'] = contentType;
  ctx.response.begin(status, head);
  ctx.response.hold(answer);
  return { sent: true };
}

/** Where the last whole event in `bytes` starts: 0 when it is the only one, or began earlier. */
function lastEventStart(bytes: Buffer): number {
  let start = 0;
  let end = nextEventEnd(bytes, 0);
  while (end !== -1) {
    const next = nextEventEnd(bytes, end);
    if (next === -1) break;
    start = end;
    end = next;
  }
  return start;
}

/** True when `tail` (the last bytes sent) ends where an event ends, or nothing was sent. */
function atEventBoundary(tail: Buffer): boolean {
  return tail.length === 0 || lastEventEnd(tail) === tail.length;
}

/** Relay a stream (text/event-stream, or Bedrock's application/vnd.amazon.eventstream). */
async function relayStream(
  ctx: RequestContext,
  upstream: AiUpstreamResponse,
  settings: AiTransportSettings,
  startedAt: number,
): Promise<RelayResult> {
  const ai = ctx.ai;
  const protocolName = (ai?.protocol ?? 'passthrough') as ProtocolName;
  const reader = getProtocol(protocolName).createStreamReader();
  const errorEvent = (message: string, type = 'upstream_error'): string =>
    reader.errorEvent?.(message) ?? formatStreamError(protocolName, message, type);
  // The usage chunk the gateway asked for (include_usage) is recorded but kept from a client
  // that did not ask for it (issue 16 item 7); the stream is then cut into whole events.
  const dropUsageChunk = protocolName === 'openai-chat' && !clientAskedUsage(ai?.body);
  const converter = conversionOf(ctx);
  // Upstream bytes → the client protocol's events, one upstream event at a time; a converted
  // Bedrock ConverseStream is AWS event-stream, decoded frame by frame.
  const upstreamBinary = isAwsEventStream(contentTypeOf(upstream.headers));
  const reframer =
    converter &&
    createStreamReframer(
      converter,
      { model: ai?.model },
      upstreamBinary ? createAwsEventStreamParser : undefined,
    );
  const contentType = reframer
    ? 'text/event-stream'
    : (contentTypeOf(upstream.headers) ?? 'text/event-stream');
  const begin = () => {
    if (ctx.response.headersSent) return;
    if (ai) ai.ttftMs = performance.now() - startedAt;
    ctx.response.begin(upstream.status, {
      'content-type': contentType,
      'cache-control': 'no-cache',
    });
  };
  // The last bytes sent, to tell whether a cut lands between events.
  let tail: Buffer = NO_BYTES;
  // Once the stream is over (its terminator parsed, or the upstream done), what is left is held
  // for the end, which the caller sends once the request is settled, as a whole answer's body
  // is (relayBody): a client that stops reading at [DONE] and sends its next request at once
  // must find this one charged.
  let holding = false;
  const send = (bytes: Buffer): Promise<void> | undefined => {
    begin();
    if (bytes.length >= 4) tail = bytes.subarray(bytes.length - 4);
    else if (bytes.length > 0) tail = Buffer.concat([tail, bytes]).subarray(-4);
    if (!holding) return ctx.response.write(bytes);
    ctx.response.hold(bytes);
    return undefined;
  };
  const hooks = chunkHooks(ctx);
  const hooked =
    hooks.length === 0
      ? undefined
      : new HookedStream(ctx, hooks, { write: send }, SSE_MAX_CARRY_BYTES, errorEvent);
  let done = false;
  // Until its terminator, a stream counts as cut: a client that leaves is settled by the log
  // phase (on close) before the relay learns that it left, and must be charged what it got (D5).
  if (ai && TERMINATED.has(protocolName)) ai.streamCut = true;
  // Whether the event the parser dispatched last is one to keep from the client.
  let dropEvent = false;
  // Bedrock's ConverseStream is AWS binary event-stream, passed on as it is to a Converse
  // client (converted streams are SSE by then): its frames are decoded for usage and text.
  const binary = !reframer && upstreamBinary;
  // Nothing needs the text itself: an event that carries only text adds its length, read
  // without parsing it when the reader can (issue 14).
  const lengthOnly = ai !== undefined && hooked === undefined && !settings.logPayloads;
  const parser = (binary ? createAwsEventStreamParser : createSseParser)((event) => {
    if (lengthOnly) {
      const length = reader.textLength?.(event);
      if (length !== undefined) {
        ai.completionChars += length;
        return;
      }
    }
    const seen = reader.onEvent(event);
    if (seen.usageOnly && dropUsageChunk) dropEvent = true;
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
    if (seen.done) {
      done = true;
      ai.streamCut = false;
    }
  });
  const parse = (bytes: Buffer): void => {
    try {
      parser.push(bytes);
    } catch {
      // An oversized event is skipped by the parser; the bytes still reach the client.
    }
  };
  // Filtering: the bytes of an event not yet whole (at most one event, then passed on as is).
  let held: Buffer = NO_BYTES;
  /** Parse `chunk` event by event; the bytes to send, without the events to drop. */
  const filter = (chunk: Buffer): Buffer => {
    const joined = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    const kept: Buffer[] = [];
    let from = 0;
    let keptFrom = 0;
    for (let end = nextEventEnd(joined, 0); end !== -1; end = nextEventEnd(joined, from)) {
      dropEvent = false;
      parse(joined.subarray(from, end));
      if (dropEvent) {
        if (from > keptFrom) kept.push(joined.subarray(keptFrom, from));
        keptFrom = end;
      }
      from = end;
    }
    held = joined.subarray(from);
    if (held.length > SSE_MAX_CARRY_BYTES) {
      parse(held);
      from = joined.length;
      held = NO_BYTES;
    }
    if (from > keptFrom) kept.push(joined.subarray(keptFrom, from));
    return kept.length === 1 ? (kept[0] as Buffer) : Buffer.concat(kept);
  };
  /** The upstream ended: the last event, if it lacked its blank line, unless it is dropped. */
  const flushHeld = (): Buffer => {
    const rest = held;
    held = NO_BYTES;
    dropEvent = false;
    parse(rest);
    parser.end();
    return dropEvent ? NO_BYTES : rest;
  };
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
  /** Send what the upstream gave (through the hooks, if any); false once a hook ended it. */
  const forward = async (bytes: Buffer): Promise<boolean> => {
    if (hooked) {
      if ((await hooked.feed(bytes, done)) === 'end') {
        endedByHook = true;
        upstream.abort();
        return false;
      }
    } else if (bytes.length > 0) {
      const sending = send(bytes);
      if (sending) await sending;
    }
    return true;
  };
  /**
   * Send `bytes`, parsed already, with what completes the stream held: when the terminator was
   * parsed in them, the events before its own go now (all of them with hooks, which may still
   * hold text back) and the rest is held.
   */
  const forwardParsed = async (bytes: Buffer, wasDone: boolean): Promise<boolean> => {
    if (done && !wasDone) {
      const cut = hooked || binary ? 0 : lastEventStart(bytes);
      if (cut > 0 && !(await forward(bytes.subarray(0, cut)))) return false;
      holding = true;
      return forward(bytes.subarray(cut));
    }
    return forward(bytes);
  };
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
      const wasDone = done;
      let bytes: Buffer = reframer ? reframer.push(chunk) : chunk;
      if (dropUsageChunk) bytes = filter(bytes);
      else parse(bytes);
      if (!(await forwardParsed(bytes, wasDone))) break;
      if (endedWith !== undefined) break;
      if (ctx.response.clientGone) {
        upstream.abort();
        break;
      }
    }
    const ended = cutReason === undefined && !endedByHook && endedWith === undefined;
    // Whatever is sent from here on ends the stream: its last events, a hook's or a plugin's
    // ending, or the error event of a cut.
    holding = true;
    if (ended && reframer && !ctx.response.clientGone) {
      // What the converter held back (the last event, completed by the upstream's end).
      let last = reframer.end();
      if (dropUsageChunk) last = filter(last);
      else parse(last);
      if (last.length > 0) await forward(last);
    }
    if (ended && dropUsageChunk && !ctx.response.clientGone) {
      // An event that lacked only its blank line still counts (and is still sent).
      const rest = flushHeld();
      if (rest.length > 0) await forward(rest);
    } else parser.end();
    // A cut leaves the held part of an event unsent: it could never be whole.
  } catch (err) {
    holding = true;
    if (endedWith === undefined) cutReason ??= `upstream stream failed: ${(err as Error).message}`;
  } finally {
    if (timer) clearTimeout(timer);
    if (ai) ai.endStream = undefined;
  }
  if (endedWith !== undefined && !ctx.response.clientGone) {
    await send(endedWith);
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
    if (ai) ai.streamCut = false;
    // Nothing reached the client: answer like APISIX (504 on duration, 502 otherwise).
    const status = cutReason?.startsWith('max_stream_duration') ? 504 : 502;
    return { sent: false, status, message: cutReason ?? 'upstream closed the stream without data' };
  }
  // A binary stream cannot take a text error event: its client sees it end short.
  if (!done && !binary && (cutReason !== undefined || TERMINATED.has(protocolName))) {
    if (ai) ai.streamCut = true;
    // The client protocol's own error event (decision D4), on an event of its own: a cut in
    // the middle of an event first ends that event.
    const frame = errorEvent(cutReason ?? 'upstream closed the stream before it finished');
    await send(Buffer.from(atEventBoundary(tail) ? frame : `\n\n${frame}`));
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
  if (contentType.toLowerCase().startsWith('text/event-stream') || isAwsEventStream(contentType))
    return relayStream(ctx, upstream, settings, startedAt);
  if (ctx.ai) ctx.ai.ttftMs = upstream.ttfbMs;
  return relayBody(ctx, upstream, settings);
}
