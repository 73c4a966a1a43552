/**
 * Issue 9, item 6 on the Admin API port: oversized requests (5 MB and 50 MB bodies, a 70 KB
 * X-API-KEY) get their status and JSON body, never a connection reset, even from a client that
 * sends its whole request before reading anything; nothing is written, and valid writes still
 * work. The real server (`startAdminServer`) on a real etcd.
 * On a kept-alive connection, a big body refused before it arrived (a 400 for a malformed
 * percent-encoding, the body discarded after it) leaves the connection usable, and a refusal
 * node:http makes next (431) still gets its JSON: it was lost 10 times in 10 (fuzz tier).
 */
import { Client } from 'undici';
import { EtcdStore } from '@tollgate/config-store';
import { AdminClient, testEtcdEndpoint, uniquePrefix } from '@tollgate/testkit';
import { startAdminServer, type RunningAdminServer } from '../src';
import { rawRequest, type RawReply, type RawRequest } from '../../gateway/test/http/raw-client';

jest.setTimeout(120_000);

const MB = 1024 * 1024;
const RUNS = 20;
const ADMIN_KEY = 'issue-9-oversized-admin-key';
const TOO_LARGE = {
  error_msg: `invalid request body: request size is greater than the maximum size ${1.5 * MB} allowed`,
};
const HEADERS_TOO_LARGE = { error_msg: '431 Request Header Fields Too Large' };

let store: EtcdStore;
let prefix: string;
let server: RunningAdminServer;

beforeAll(async () => {
  store = new EtcdStore({ hosts: [testEtcdEndpoint()] });
  prefix = uniquePrefix('oversized');
  server = await startAdminServer({
    store,
    prefix,
    adminKeys: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
    host: '127.0.0.1',
    port: 0,
  });
});

afterAll(async () => {
  await server?.close();
  for (const item of (await store.range(`${prefix}/`)).items) await store.delete(item.key);
  await store?.close();
});

const put: RawRequest = {
  method: 'PUT',
  path: '/apisix/admin/routes/big',
  headers: { 'X-API-KEY': ADMIN_KEY, 'content-type': 'application/json' },
  readAfterSend: true,
};

async function repeat(request: RawRequest): Promise<RawReply[]> {
  const replies: RawReply[] = [];
  for (let i = 0; i < RUNS; i++) {
    const reply = await rawRequest(server.port, request);
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
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(reply.body)).toEqual(body);
  }
}

describe('issue 9 item 6: oversized requests to the Admin API', () => {
  it.each([
    ['5 MB', 5 * MB, false],
    ['50 MB', 50 * MB, false],
    ['50 MB chunked', 50 * MB, true],
  ])('a %s body gets 400 JSON every time, read after sending', async (_name, size, chunked) => {
    const replies = await repeat({ ...put, bodyBytes: size, chunked });
    expectAll(replies, 400, TOO_LARGE);
    expect(replies.every((r) => r.sentBytes === size)).toBe(true);
  });

  it('a 70 KB X-API-KEY gets 431 JSON every time, with or without a 5 MB body', async () => {
    const big = { ...put, headers: { ...put.headers, 'X-API-KEY': 'k'.repeat(70_000) } };
    expectAll(await repeat({ ...big, bodyBytes: 5 * MB }), 431, HEADERS_TOO_LARGE);
    expectAll(await repeat({ ...big, readAfterSend: false }), 431, HEADERS_TOO_LARGE);
  });

  it('nothing was written, and a valid write still succeeds', async () => {
    expect((await store.range(`${prefix}/routes/`)).items).toEqual([]);
    const admin = new AdminClient(`http://127.0.0.1:${server.port}`, ADMIN_KEY);
    const res = await admin.put('/apisix/admin/routes/ok', {
      uri: '/ok',
      upstream: { type: 'roundrobin', nodes: { '127.0.0.1:1980': 1 } },
    });
    expect(res.status).toBe(201);
  });
});

describe('issue 9 item 6: a big body refused early, then more on the same connection', () => {
  const BIG = 6 * MB;
  const MALFORMED = { error_msg: 'invalid URI: malformed percent-encoding' };

  /** Sends the refused big body, then `next`, on one connection; both answers and the connects. */
  async function afterRefusedBody(next: { headers: Record<string, string> }) {
    const client = new Client(`http://127.0.0.1:${server.port}`);
    let connects = 0;
    client.on('connect', () => connects++);
    try {
      const refused = await client.request({
        method: 'POST',
        path: '/apisix/admin/x/%ff',
        headers: { 'X-API-KEY': ADMIN_KEY, 'content-type': 'application/json' },
        body: Buffer.alloc(BIG, 'a'),
      });
      const first = { status: refused.statusCode, body: await refused.body.json() };
      const res = await client
        .request({ method: 'GET', path: '/apisix/admin/routes', ...next })
        .then(async (r) => ({
          status: r.statusCode,
          type: r.headers['content-type'],
          body: await r.body.json(),
        }))
        .catch((err: Error & { code?: string }) => ({ status: err.code ?? err.message }));
      return { first, next: res, connects };
    } finally {
      await client.destroy();
    }
  }

  it('a header section over the limit next gets 431 JSON, 10 times in 10', async () => {
    const headers = { 'X-API-KEY': ADMIN_KEY, 'X-Big': 'k'.repeat(20_000) };
    for (let i = 0; i < 10; i++) {
      expect(await afterRefusedBody({ headers })).toEqual({
        first: { status: 400, body: MALFORMED },
        next: {
          status: 431,
          type: expect.stringMatching(/^application\/json/),
          body: HEADERS_TOO_LARGE,
        },
        connects: 1,
      });
    }
  });

  it('a valid request next is served on the same connection', async () => {
    expect(await afterRefusedBody({ headers: { 'X-API-KEY': ADMIN_KEY } })).toEqual({
      first: { status: 400, body: MALFORMED },
      next: {
        status: 200,
        type: expect.stringMatching(/^application\/json/),
        body: expect.objectContaining({ list: expect.any(Array) }),
      },
      connects: 1,
    });
  });
});
