/**
 * request-id through a real `tollgate start` on the suite's etcd, configured through the Admin
 * API: APISIX's t/plugin/request-id.t, request-id2.t and request-id3.t cases that define
 * behaviour (schema, the header to the upstream and the client, a client ID kept, custom header
 * name, include_in_response off, each algorithm, IDs unique across concurrent requests).
 */
import {
  waitFor,
  type AdminClient,
  type Echo,
  type EchoServer,
  type HttpReply,
} from '@tollgate/testkit';
import { usePluginNodes } from './support/plugin-nodes';

jest.setTimeout(60_000);

const nodes = usePluginNodes({ name: 'request-id', nodes: 1, workers: 1 });
let admin: AdminClient;
let echo: EchoServer;

beforeAll(() => {
  ({ admin, echo } = nodes);
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

function upstreamSaw(reply: HttpReply): Echo {
  return reply.json as Echo;
}

describe('request-id (APISIX t/plugin/request-id*.t)', () => {
  it('schema: accepts APISIX configurations and refuses bad ones', async () => {
    const ok = await admin.put('/apisix/admin/routes/rid-schema', {
      uri: '/rid-schema',
      plugins: {
        'request-id': { algorithm: 'range_id', range_id: { length: 6, char_set: 'abcdef' } },
      },
      upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
    });
    expect(ok.status).toBeLessThan(300);
    for (const bad of [
      { algorithm: 'snowflake' },
      { include_in_response: 'yes' },
      { range_id: { length: 5 } },
      { range_id: { char_set: 'abc' } },
      { header_name: 1 },
    ]) {
      const res = await admin.put('/apisix/admin/routes/rid-schema', {
        uri: '/rid-schema',
        plugins: { 'request-id': bad },
        upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
      });
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin request-id err: /,
      );
    }
  });

  it('adds X-Request-Id to the upstream request and the response (uuid)', async () => {
    await route('rid-1', '/rid-1', { 'request-id': {} });
    const reply = await get('/rid-1');
    const id = reply.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(upstreamSaw(reply).headers['x-request-id']).toBe(id);
  });

  it('keeps the ID the client sent', async () => {
    const reply = await get('/rid-1', { 'X-Request-Id': '123' });
    expect(reply.headers.get('x-request-id')).toBe('123');
    expect(upstreamSaw(reply).headers['x-request-id']).toBe('123');
  });

  it('IDs are unique across concurrent requests', async () => {
    const replies = await Promise.all(Array.from({ length: 60 }, () => get('/rid-1')));
    const ids = new Set(replies.map((r) => r.headers.get('x-request-id')));
    expect(ids.size).toBe(60);
  });

  it('uses a custom header_name', async () => {
    await route('rid-2', '/rid-2', { 'request-id': { header_name: 'Custom-Header-Name' } });
    const reply = await get('/rid-2');
    const id = reply.headers.get('custom-header-name');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers.get('x-request-id')).toBeNull();
    expect(upstreamSaw(reply).headers['custom-header-name']).toBe(id);
  });

  it('include_in_response false: upstream gets the ID, the client does not', async () => {
    await route('rid-3', '/rid-3', { 'request-id': { include_in_response: false } });
    const reply = await get('/rid-3');
    expect(reply.headers.get('x-request-id')).toBeNull();
    expect(upstreamSaw(reply).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('algorithm nanoid', async () => {
    await route('rid-4', '/rid-4', { 'request-id': { algorithm: 'nanoid' } });
    expect((await get('/rid-4')).headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });

  it('algorithm range_id with its defaults and with a char_set and length', async () => {
    await route('rid-5', '/rid-5', { 'request-id': { algorithm: 'range_id' } });
    expect((await get('/rid-5')).headers.get('x-request-id')).toMatch(/^[a-zA-Z0-9]{16}$/);
    await route('rid-6', '/rid-6', {
      'request-id': { algorithm: 'range_id', range_id: { char_set: 'abcdefg', length: 10 } },
    });
    expect((await get('/rid-6')).headers.get('x-request-id')).toMatch(/^[a-g]{10}$/);
  });

  it('algorithm ksuid (request-id3.t)', async () => {
    await route('rid-7', '/rid-7', { 'request-id': { algorithm: 'ksuid' } });
    expect((await get('/rid-7')).headers.get('x-request-id')).toMatch(/^[0-9A-Za-z]{27}$/);
  });
});
