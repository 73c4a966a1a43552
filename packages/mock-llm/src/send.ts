/**
 * @module send
 * Writes a `Reply` with the behaviour's timing and faults: JSON in one piece; SSE event by event
 * as produced (headers flushed first, `ttftMs` before the first event, `tokensPerSecond` between
 * text events, the socket cut after `cutAfterEvents`; a looping reply's text for ever), stopping
 * when the client goes away.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from './exchange';
import type { Reply } from './protocols';
import type { Behaviour } from './types';

/** Headers every answer carries besides its content type. */
export function commonHeaders(name: string, behaviour: Behaviour): OutgoingHttpHeaders {
  return {
    'x-mock-name': name,
    ...(behaviour.retryAfter !== undefined ? { 'retry-after': String(behaviour.retryAfter) } : {}),
  };
}

async function sendEvents(
  ex: Exchange,
  reply: Extract<Reply, { kind: 'sse' }>,
  behaviour: Behaviour,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  ex.head(reply.status, {
    ...headers,
    'content-type': reply.contentType ?? 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  await ex.sleep(behaviour.ttftMs);
  const gapMs = behaviour.tokensPerSecond > 0 ? 1000 / behaviour.tokensPerSecond : 0;
  let sent = 0;
  let tokens = 0;
  for (const event of reply.events) {
    if (ex.closed) return;
    if (behaviour.cutAfterEvents !== undefined && sent >= behaviour.cutAfterEvents) {
      ex.cut();
      return;
    }
    if (event.token && tokens++ > 0) await ex.sleep(gapMs);
    if (ex.closed) return;
    await ex.write(event.text);
    sent++;
  }
  if (!reply.loop) return ex.end();
  for (let n = 0; !ex.closed; n++) {
    if (behaviour.cutAfterEvents !== undefined && sent >= behaviour.cutAfterEvents) {
      ex.cut();
      return;
    }
    // Unpaced, still yield to the event loop: an endless stream must not starve the server.
    if (gapMs > 0) await ex.sleep(gapMs);
    else await new Promise((resolve) => setImmediate(resolve));
    if (ex.closed) return;
    await ex.write(reply.loop(n).text);
    sent++;
  }
}

/** Send `reply` on `ex`; resolves when it is fully written or the exchange closed. */
export async function sendReply(
  ex: Exchange,
  reply: Reply,
  behaviour: Behaviour,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  if (ex.closed) return;
  if (reply.kind === 'json') {
    ex.send(
      reply.status,
      { ...headers, 'content-type': reply.contentType ?? 'application/json' },
      reply.body,
    );
    return;
  }
  await sendEvents(ex, reply, behaviour, headers);
}
