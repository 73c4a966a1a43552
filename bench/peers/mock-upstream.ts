/**
 * The peers benchmark's upstream: an OpenAI-compatible chat completions responder that does as
 * little as it can, so that it is never what limits a target. Every POST gets the same small
 * `chat.completion` with usage; a body with `"stream": true` gets a short SSE stream (role chunk,
 * three content chunks, finish chunk, usage chunk, `[DONE]`), or, when its `max_tokens` is above
 * {@link SHORT_MAX_TOKENS}, a long one with that many one-word content chunks (at most
 * {@link LONG_MAX_EVENTS}). It runs in its own processes (`node:cluster`, sharing one port) and
 * listens on 127.0.0.1 only.
 *
 *   node --import tsx bench/peers/mock-upstream.ts <port> <processes>
 */
import cluster from 'node:cluster';
import http from 'node:http';

const port = Number(process.argv[2]);
const processes = Math.max(1, Number(process.argv[3] ?? 1));

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello! How can I help you today?' },
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 },
});

const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: unknown) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  })}\n\n`;

/**
 * A stream's events (role chunk, `words`, finish chunk, usage chunk, `[DONE]`), each framed as
 * its own HTTP/1.1 chunk, as a provider flushes them, and joined: the whole stream goes out in
 * one socket write instead of one `res.write` per event, which kept the mock's core busy for
 * the bare proxy's long streams.
 */
const streamOf = (words: string[]): Buffer =>
  Buffer.from(
    [
      chunk({ role: 'assistant', content: '' }, null),
      ...words.map((content) => chunk({ content }, null)),
      chunk({}, 'stop'),
      chunk({}, null, {
        prompt_tokens: 9,
        completion_tokens: words.length,
        total_tokens: 9 + words.length,
      }),
      'data: [DONE]\n\n',
    ]
      .map((event) => `${Buffer.byteLength(event).toString(16)}\r\n${event}\r\n`)
      .join(''),
  );

/** `max_tokens` up to this gets the short stream; above it, one content chunk per token. */
const SHORT_MAX_TOKENS = 16;
const LONG_MAX_EVENTS = 1024;
const SHORT_STREAM = streamOf(['Hello', '! How can I', ' help?']);
/** Long streams by length, built once each (at most LONG_MAX_EVENTS of them). */
const longStreams = new Map<number, Buffer>();

function streamFor(body: string): Buffer {
  // A cheap look for the field instead of a JSON parse: the mock should cost little.
  const maxTokens = Number(/"max_tokens"\s*:\s*(\d{1,7})/.exec(body)?.[1] ?? 0);
  if (maxTokens <= SHORT_MAX_TOKENS) return SHORT_STREAM;
  const length = Math.min(maxTokens, LONG_MAX_EVENTS);
  let events = longStreams.get(length);
  if (!events) {
    events = streamOf(Array.from({ length }, (_, i) => ` word${i}`));
    longStreams.set(length, events);
  }
  return events;
}

function serve(): void {
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      if (/"stream"\s*:\s*true/.test(body)) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        // The head (chunked transfer encoding), the pre-framed events on the same socket, then
        // node's own last chunk from res.end().
        res.flushHeaders();
        res.socket?.write(streamFor(body));
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(COMPLETION),
      });
      res.end(COMPLETION);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
}

if (processes > 1 && cluster.isPrimary) {
  for (let i = 0; i < processes; i++) cluster.fork();
  cluster.on('exit', () => process.exit(1));
} else {
  serve();
}
