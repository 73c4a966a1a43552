/**
 * real-ip through a real `tollgate start` on the suite's etcd, configured through the Admin API:
 * APISIX's t/plugin/real-ip.t cases that define behaviour (schema, the address from a query
 * argument and from headers, a port, bad addresses ignored, trusted_addresses, X-Forwarded-For's
 * last entry and `recursive`). What the gateway then takes as `remote_addr` is read where the
 * upstream sees it: X-Real-IP and X-Forwarded-For.
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

const nodes = usePluginNodes({ name: 'real-ip', nodes: 1, workers: 1 });
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
function realIpSeen(reply: HttpReply): unknown {
  return upstreamSaw(reply).headers['x-real-ip'];
}

describe('real-ip (APISIX t/plugin/real-ip.t)', () => {
  it('schema: source is required; trusted_addresses are IPs or CIDRs', async () => {
    const put = (conf: unknown) =>
      admin.put('/apisix/admin/routes/rip-schema', {
        uri: '/rip-schema',
        plugins: { 'real-ip': conf },
        upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
      });
    expect(
      (await put({ source: 'http_xff', trusted_addresses: ['::1', '10.0.0.0/8'] })).status,
    ).toBeLessThan(300);
    for (const bad of [
      {},
      { source: '' },
      { source: 'http_xff', trusted_addresses: [] },
      { source: 'http_xff', trusted_addresses: ['127.0.0.0/33'] },
      { source: 'http_xff', trusted_addresses: ['not-an-ip'] },
      { source: 'http_xff', recursive: 'yes' },
    ]) {
      const res = await put(bad);
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin real-ip err: /,
      );
    }
  });

  it('takes the address from a query argument, with or without a port', async () => {
    await route('rip-1', '/rip-1', { 'real-ip': { source: 'arg_realip' } });
    expect(realIpSeen(await get('/rip-1?realip=1.2.3.4'))).toBe('1.2.3.4');
    expect(realIpSeen(await get('/rip-1?realip=1.2.3.4:9080'))).toBe('1.2.3.4');
    const ipv6 = await get('/rip-1?realip=%5B::2%5D:8080');
    expect(realIpSeen(ipv6)).toBe('::2');
    expect(upstreamSaw(ipv6).headers['x-forwarded-for']).toBe('::2');
  });

  it('remote_addr and remote_port as later plugins see them (response-rewrite)', async () => {
    await route('rip-7', '/rip-7', {
      'real-ip': { source: 'arg_realip', trusted_addresses: ['127.0.0.0/24'] },
      'response-rewrite': { headers: { remote_addr: '$remote_addr', remote_port: '$remote_port' } },
    });
    const reply = await get('/rip-7?realip=1.2.3.4:9080');
    expect(reply.headers.get('remote_addr')).toBe('1.2.3.4');
    expect(reply.headers.get('remote_port')).toBe('9080');
  });

  it('ignores a missing or bad address', async () => {
    expect(realIpSeen(await get('/rip-1'))).toBe('127.0.0.1');
    for (const bad of ['1.2.3.4:0', '1.2.3.4:65536', 'example.com', '1.2.3']) {
      expect(realIpSeen(await get(`/rip-1?realip=${bad}`))).toBe('127.0.0.1');
    }
  });

  it('takes the address from a header', async () => {
    await route('rip-2', '/rip-2', { 'real-ip': { source: 'http_x_real_ip' } });
    expect(realIpSeen(await get('/rip-2', { 'X-Real-IP': '1.2.3.4' }))).toBe('1.2.3.4');
  });

  it('trusted_addresses: only a trusted peer may supply the address', async () => {
    await route('rip-3', '/rip-3', {
      'real-ip': { source: 'arg_realip', trusted_addresses: ['1.1.1.1', '::1'] },
    });
    expect(realIpSeen(await get('/rip-3?realip=1.2.3.4'))).toBe('127.0.0.1');
    await route('rip-4', '/rip-4', {
      'real-ip': { source: 'arg_realip', trusted_addresses: ['127.0.0.0/24'] },
    });
    expect(realIpSeen(await get('/rip-4?realip=1.2.3.4'))).toBe('1.2.3.4');
  });

  it('http_x_forwarded_for: the last address, or recursively the last untrusted one', async () => {
    await route('rip-5', '/rip-5', { 'real-ip': { source: 'http_x_forwarded_for' } });
    const last = await get('/rip-5', { 'X-Forwarded-For': '1.1.1.1, 2.2.2.2' });
    expect(realIpSeen(last)).toBe('2.2.2.2');
    expect(upstreamSaw(last).headers['x-forwarded-for']).toBe('1.1.1.1, 2.2.2.2, 2.2.2.2');

    await route('rip-6', '/rip-6', {
      'real-ip': {
        source: 'http_x_forwarded_for',
        trusted_addresses: ['127.0.0.0/24', '2.2.2.2'],
        recursive: true,
      },
    });
    expect(realIpSeen(await get('/rip-6', { 'X-Forwarded-For': '1.1.1.1, 2.2.2.2' }))).toBe(
      '1.1.1.1',
    );
    expect(realIpSeen(await get('/rip-6', { 'X-Forwarded-For': '2.2.2.2' }))).toBe('2.2.2.2');
  });
});
