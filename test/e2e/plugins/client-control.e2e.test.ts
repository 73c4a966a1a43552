/**
 * client-control through a real `tollgate start` on the suite's etcd, configured through the
 * Admin API: APISIX's t/plugin/client-control.t cases that define behaviour (schema, a body over
 * max_body_size answered 413 with or without Content-Length, one at the limit proxied whole,
 * 0 as no limit).
 */
import http from 'node:http';
import {
  httpRequest,
  waitFor,
  type AdminClient,
  type Echo,
  type EchoServer,
  type HttpReply,
} from '@tollgate/testkit';
import { usePluginNodes } from './support/plugin-nodes';

jest.setTimeout(60_000);

const nodes = usePluginNodes({ name: 'client-control', nodes: 1, workers: 1 });
let admin: AdminClient;
let echo: EchoServer;
let gatewayPort: number;

beforeAll(() => {
  ({ admin, echo } = nodes);
  gatewayPort = nodes.ports[0] ?? 0;
});

const { get } = nodes;

/** PUT route `id` at `uri` with `plugins`, then wait until the gateway serves it. */
async function route(id: string, uri: string, plugins: Record<string, unknown>): Promise<void> {
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    plugins,
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  expect(res.status).toBeLessThan(300);
  await waitFor(`route ${id}`, async () => (await get(uri)).status === 200);
}

function post(uri: string, body: string): Promise<HttpReply> {
  return httpRequest('POST', `http://127.0.0.1:${gatewayPort}${uri}`, { raw: body });
}

/** POST `chunks` with chunked transfer encoding (no Content-Length). */
function postChunked(uri: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: gatewayPort, path: uri, method: 'POST', timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('client-control (APISIX t/plugin/client-control.t)', () => {
  it('schema: max_body_size is an integer ≥ 0', async () => {
    const put = (conf: unknown) =>
      admin.put('/apisix/admin/routes/cc-schema', {
        uri: '/cc-schema',
        plugins: { 'client-control': conf },
        upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
      });
    for (const ok of [{}, { max_body_size: 0 }, { max_body_size: 1024 }]) {
      expect((await put(ok)).status).toBeLessThan(300);
    }
    for (const bad of [{ max_body_size: -1 }, { max_body_size: '1' }, { max_body_size: 1.5 }]) {
      const res = await put(bad);
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin client-control err: /,
      );
    }
  });

  it('a body over max_body_size is 413; one at the limit is proxied whole', async () => {
    await route('cc-1', '/cc-1', { 'client-control': { max_body_size: 5 } });
    const over = await post('/cc-1', '123456');
    expect(over.status).toBe(413);
    expect(over.text).toContain('413 Request Entity Too Large');
    const ok = await post('/cc-1', '12345');
    expect(ok.status).toBe(200);
    expect((ok.json as Echo).body).toBe('12345');
  });

  it('a chunked body is checked as it is read', async () => {
    const over = await postChunked('/cc-1', ['123', '456']);
    expect(over.status).toBe(413);
    const ok = await postChunked('/cc-1', ['12', '345']);
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.body) as Echo).body).toBe('12345');
  });

  it('max_body_size 0 sets no limit', async () => {
    await route('cc-2', '/cc-2', { 'client-control': { max_body_size: 0 } });
    const big = 'x'.repeat(100_000);
    const reply = await post('/cc-2', big);
    expect(reply.status).toBe(200);
    expect((reply.json as Echo).body).toBe(big);
  });
});
