/**
 * The benchmark's client: one streamed OpenAI chat request through the gateway, timed as a user
 * sees it. TTFT is measured client-side, from sending the request to the first event that
 * carries content (the role-only first chunk does not count), because that is what queueing on
 * a saturated instance delays. A request counts as failed unless it answers 200 and its stream
 * ends with `data: [DONE]` within the timeout.
 */
import { request, type Dispatcher } from 'undici';
import type { Outcome } from './open-loop';

/** Whether the SSE `data:` payload is a chat chunk with non-empty content. */
function hasContent(payload: string): boolean {
  if (payload === '[DONE]') return false;
  try {
    const chunk = JSON.parse(payload) as { choices?: { delta?: { content?: unknown } }[] };
    const content = chunk.choices?.[0]?.delta?.content;
    return typeof content === 'string' && content.length > 0;
  } catch {
    return false;
  }
}

export interface StreamChatOptions {
  url: string;
  body: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
}

/** Sends the request and reads the whole stream; never rejects. */
export async function streamChat(options: StreamChatOptions): Promise<Outcome> {
  const started = performance.now();
  let ttftMs: number | undefined;
  try {
    const res = await request(options.url, {
      method: 'POST',
      body: options.body,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      dispatcher: options.dispatcher,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (res.statusCode !== 200) {
      const text = await res.body.text();
      return { ok: false, error: `${res.statusCode} ${text.slice(0, 120)}` };
    }
    let buffered = '';
    let done = false;
    for await (const chunk of res.body) {
      buffered += (chunk as Buffer).toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        for (const line of event.split('\n')) {
          if (!line.startsWith('data:')) continue;
          const payload = line.slice(5).trim();
          if (payload === '[DONE]') done = true;
          else if (ttftMs === undefined && hasContent(payload)) {
            ttftMs = performance.now() - started;
          }
        }
      }
    }
    if (!done) return { ok: false, ttftMs, error: 'stream ended without [DONE]' };
    if (ttftMs === undefined) return { ok: false, error: 'no content event' };
    return { ok: true, ttftMs };
  } catch (err) {
    return { ok: false, ttftMs, error: (err as Error).message };
  }
}
