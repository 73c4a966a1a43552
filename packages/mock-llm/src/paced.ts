/**
 * @module paced
 * Sends a generated reply at the pace of the capacity model: a stream gets its headers at once
 * and each text event when the model emits that token (the events around them with the first
 * and the last); a JSON answer comes in one piece once the last token is out. A client that goes
 * away frees its place in the queue or its slot.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { CapacityModel } from './capacity';
import type { Exchange } from './exchange';
import type { Reply, SseEvent } from './protocols';
import type { Behaviour } from './types';

/** Events grouped by token: group i goes out with token i (the first also takes what precedes). */
function groupByToken(events: SseEvent[]): { groups: SseEvent[][]; tail: SseEvent[] } {
  const groups: SseEvent[][] = [];
  let pending: SseEvent[] = [];
  for (const event of events) {
    if (event.token) {
      const leading = groups.length === 0 ? pending : [];
      if (groups.length > 0) groups[groups.length - 1]?.push(...pending);
      groups.push([...leading, event]);
      pending = [];
    } else pending.push(event);
  }
  return { groups, tail: pending };
}

/**
 * Answer `reply` through `model`. Resolves once the answer is complete or the exchange closed;
 * resolves false, having sent nothing, when the model's queue is full.
 * @param tokens how many tokens a JSON answer stands for (streams count their text events)
 */
export function sendPaced(
  ex: Exchange,
  model: CapacityModel,
  reply: Reply,
  tokens: { output: number; prompt: number },
  behaviour: Behaviour,
  headers: OutgoingHttpHeaders,
): Promise<boolean> {
  const stream = reply.kind === 'sse' ? groupByToken(reply.events) : undefined;
  let sent = 0;
  let headSent = false;
  // The model may emit at once, inside `submit`: the head goes out with the first write if so.
  const head = () => {
    if (headSent || reply.kind !== 'sse') return;
    headSent = true;
    ex.head(reply.status, {
      ...headers,
      'content-type': reply.contentType ?? 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
  };
  const write = (events: SseEvent[]) => {
    if (ex.closed) return;
    head();
    for (const event of events) {
      if (ex.closed) return;
      if (behaviour.cutAfterEvents !== undefined && sent >= behaviour.cutAfterEvents) {
        ex.cut();
        return;
      }
      void ex.write(event.text);
      sent++;
    }
  };
  return new Promise((resolve) => {
    const job = model.submit({
      outputTokens: stream ? stream.groups.length : tokens.output,
      promptTokens: tokens.prompt,
      onToken: (index) => write(stream?.groups[index] ?? []),
      onDone: () => {
        if (reply.kind === 'json') {
          const type = reply.contentType ?? 'application/json';
          ex.send(reply.status, { ...headers, 'content-type': type }, reply.body);
        } else {
          write(stream?.tail ?? []);
          ex.end();
        }
        resolve(true);
      },
    });
    if (!job) return resolve(false);
    if (!ex.closed) head();
    void ex.untilClosed().then(() => {
      model.cancel(job);
      resolve(true);
    });
  });
}
