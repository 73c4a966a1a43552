/**
 * Issue 9, item 6 on the gateway port: oversized requests get their status and JSON body, never
 * a connection reset, even from a client that sends its whole request before reading anything.
 * Through the worker's HTTP server (`createGatewayServer`) and the real ai-proxy plugin.
 * On a kept-alive connection, a refusal node:http makes (431) right after a big body refused
 * early (413, the body discarded after it) gets its JSON, as on the Admin API where the fuzz
 * tier saw it lost 10 times in 10.
 */
import { Client } from 'undici';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import { DataPlane } from './harness';
import { rawRequest, type RawReply, type RawRequest } from './raw-client';

jest.setTimeout(120_000);

const MB = 1024 * 1024;
const LIMIT = MB;
const RUNS = 20;
const TOO_LARGE_MESSAGE = `request size is greater than the maximum size ${LIMIT} allowed`;
/** APISIX's body, plus OpenAI's error object on an AI route (issue 16). */
const TOO_LARGE = {
  message: TOO_LARGE_MESSAGE,
  error: { message: TOO_LARGE_MESSAGE, type: 'invalid_request_error', code: null },
};
const HEADERS_TOO_LARGE = { error_msg: '431 Request Header Fields Too Large' };

let plane: DataPlane;
let llm: MockLlm;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'big', apiKeys: ['sk-test'] });
  plane = await new DataPlane().start();
  plane.load({
    'routes/small': {
      uri: '/small',
      plugins: {
        'ai-proxy': {
          provider: 'openai',
          max_req_body_size: LIMIT,
          auth: { header: { Authorization: 'Bearer sk-test' } },
          override: { endpoint: `${llm.url}/v1/chat/completions` },
        },
      },
    },
  });
});

afterAll(async () => {
  await plane?.close();
  await llm?.close();
});

/** Sends `request` up to `runs` times, one after the other, stopping at the first failure. */
async function repeat(request: RawRequest, runs = RUNS): Promise<RawReply[]> {
  const replies: RawReply[] = [];
  for (let i = 0; i < runs; i++) {
    const reply = await rawRequest(plane.port, request);
    replies.push(reply);
    // One failure is enough to show; the rest would only wait for their timeouts.
    if (reply.outcome !== 'response') break;
  }
  return replies;
}

function expectAll(replies: RawReply[], status: number, body: unknown): void {
  const outcomes = replies.map((r) => `${r.outcome} ${r.error ?? r.status}`);
  expect(outcomes).toEqual(replies.map(() => `response ${status}`));
  for (const reply of replies) {
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body)).toEqual(body);
  }
}

const chat = { method: 'POST', path: '/small', headers: { 'content-type': 'application/json' } };

describe('issue 9 item 6: oversized requests to the gateway', () => {
  it('a 50 MB body with Content-Length gets 413 JSON every time, read after sending', async () => {
    const replies = await repeat({ ...chat, bodyBytes: 50 * MB, readAfterSend: true });
    expectAll(replies, 413, TOO_LARGE);
    // The whole body was taken (and discarded) before the connection was closed.
    expect(replies.every((r) => r.sentBytes === 50 * MB)).toBe(true);
  });

  it('a chunked 50 MB body gets 413 JSON every time, read after sending', async () => {
    const replies = await repeat({
      ...chat,
      bodyBytes: 50 * MB,
      chunked: true,
      readAfterSend: true,
    });
    expectAll(replies, 413, TOO_LARGE);
  });

  it('a body sent slowly past the limit gets 413 JSON', async () => {
    const slow = { ...chat, bodyBytes: 3 * MB, chunkBytes: 64 * 1024, paceMs: 5 };
    expectAll(await repeat({ ...slow, readAfterSend: true }, 3), 413, TOO_LARGE);
    expectAll(await repeat({ ...slow, chunked: true, readAfterSend: true }, 3), 413, TOO_LARGE);
  });

  it('a 70 KB header gets 431 JSON every time, with or without a 5 MB body behind it', async () => {
    const big = { ...chat, headers: { ...chat.headers, 'x-api-key': 'k'.repeat(70_000) } };
    expectAll(
      await repeat({ ...big, bodyBytes: 5 * MB, readAfterSend: true }),
      431,
      HEADERS_TOO_LARGE,
    );
    const bare = await repeat(big);
    expectAll(bare, 431, HEADERS_TOO_LARGE);
    expect(bare[0]?.headers.connection).toBe('close');
  });

  it('a malformed request gets 400 JSON', async () => {
    const replies = await repeat(
      { ...chat, headers: { 'bad header': 'x' }, bodyBytes: MB, readAfterSend: true },
      3,
    );
    expectAll(replies, 400, { error_msg: '400 Bad Request' });
  });

  it('the connection stays usable once the refused body has been discarded', async () => {
    const client = new Client(`http://127.0.0.1:${plane.port}`);
    let connects = 0;
    client.on('connect', () => connects++);
    try {
      const refused = await client.request({
        ...chat,
        body: Buffer.alloc(5 * MB, 'a'),
      });
      expect(refused.statusCode).toBe(413);
      expect(await refused.body.json()).toEqual(TOO_LARGE);
      const served = await client.request({
        ...chat,
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(served.statusCode).toBe(200);
      await served.body.dump();
      expect(connects).toBe(1);
    } finally {
      await client.close();
    }
  });
});

describe('issue 9 item 6: a big body refused early, then more on the same connection', () => {
  it('a header section over the limit next gets 431 JSON, 10 times in 10', async () => {
    const outcomes = [];
    for (let i = 0; i < 10; i++) {
      const client = new Client(`http://127.0.0.1:${plane.port}`);
      let connects = 0;
      client.on('connect', () => connects++);
      try {
        const refused = await client.request({ ...chat, body: Buffer.alloc(6 * MB, 'a') });
        const first = { status: refused.statusCode, body: await refused.body.json() };
        const next = await client
          .request({ ...chat, headers: { ...chat.headers, 'x-big': 'k'.repeat(20_000) } })
          .then(async (r) => ({
            status: r.statusCode,
            type: r.headers['content-type'],
            body: await r.body.json(),
          }))
          .catch((err: Error & { code?: string }) => ({ status: err.code ?? err.message }));
        outcomes.push({ first, next, connects });
      } finally {
        await client.destroy();
      }
    }
    const expected = {
      first: { status: 413, body: TOO_LARGE },
      next: { status: 431, type: 'application/json', body: HEADERS_TOO_LARGE },
      connects: 1,
    };
    expect(outcomes).toEqual(outcomes.map(() => expected));
  });
});
