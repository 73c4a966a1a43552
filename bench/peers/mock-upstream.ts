/**
 * The peers benchmark's upstream: an OpenAI-compatible chat completions responder that does as
 * little as it can, so that it is never what limits a target. Every POST gets the same small
 * `chat.completion` with usage; a body with `"stream": true` gets a short SSE stream (role chunk,
 * three content chunks, finish chunk, usage chunk, `[DONE]`). It runs in its own processes
 * (`node:cluster`, sharing one port) and listens on 127.0.0.1 only.
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

const STREAM = [
  chunk({ role: 'assistant', content: '' }, null),
  chunk({ content: 'Hello' }, null),
  chunk({ content: '! How can I' }, null),
  chunk({ content: ' help?' }, null),
  chunk({}, 'stop'),
  chunk({}, null, { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 }),
  'data: [DONE]\n\n',
];

function serve(): void {
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString('utf8');
      // A cheap look for the flag instead of a JSON parse: the mock should cost little.
      if (/"stream"\s*:\s*true/.test(body)) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (const event of STREAM) res.write(event);
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
