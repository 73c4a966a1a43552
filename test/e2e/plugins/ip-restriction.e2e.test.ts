/**
 * ip-restriction through a real node, configured through the Admin API: APISIX's
 * t/plugin/ip-restriction.t. APISIX's tests take the client address from X-Forwarded-For
 * (`set_real_ip_from 127.0.0.1; real_ip_header X-Forwarded-For;`); here the real-ip plugin does
 * the same on the route, and other loopback client addresses come from binding 127.0.0.x.
 */
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(60_000);

let node: AccessNode;

beforeAll(async () => {
  node = await startAccessNode('ip-restriction-e2e');
});

afterAll(async () => {
  await node?.close();
});

const REFUSED = { message: 'Your IP address is not allowed' };
const realIp = { source: 'http_x_forwarded_for', trusted_addresses: ['127.0.0.1'] };

let routes = 0;
async function route(restriction: Record<string, unknown>): Promise<string> {
  routes += 1;
  const uri = `/ip-${routes}/hello`;
  await node.admin.put(`/apisix/admin/routes/ip-${routes}`, {
    uri,
    plugins: { 'real-ip': realIp, 'ip-restriction': restriction },
    upstream: node.upstream,
  });
  // Served from 127.0.0.2, which no list below names: refused or passed, but routed.
  await node.waitRouted(uri);
  return uri;
}

const get = (uri: string, forwardedFor?: string, localAddress?: string) =>
  node.request(uri, {
    headers: forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor },
    localAddress,
  });

async function expectRefused(reply: Promise<{ status: number; body: string }>, status = 403) {
  const r = await reply;
  expect(r.status).toBe(status);
  return JSON.parse(r.body) as unknown;
}

async function expectServed(reply: Promise<{ status: number; body: string }>) {
  const r = await reply;
  expect(r.status).toBe(200);
  expect(r.body).toBe('hello world\n');
}

describe('ip-restriction.t: schema through the Admin API', () => {
  const put = (conf: unknown) =>
    node.admin.put('/apisix/admin/routes/ip-admin', {
      uri: '/ip-admin',
      plugins: { 'ip-restriction': conf },
      upstream: node.upstream,
    });
  const prefix = 'failed to check the configuration of plugin ip-restriction err: ';

  it('TEST 1, 19: v4 and v6 addresses and ranges are accepted', async () => {
    expect((await put({ whitelist: ['10.255.254.0/24', '192.168.0.0/16'] })).status).toBe(201);
    const v6 = ['::1', 'fe80::/32', '2001:DB8:0:23:8:800:200C:417A'];
    expect((await put({ whitelist: v6 })).status).toBe(200);
  });

  it.each([
    ['TEST 2', { whitelist: ['10.255.256.0/24', '192.168.0.0/16'] }],
    ['TEST 3', { whitelist: ['10.255.254.0/38', '192.168.0.0/16'] }],
    ['TEST 24 (::ffgg)', { whitelist: ['::ffgg'] }],
    ['TEST 5', { blacklist: [] }],
    ['response_code 401', { whitelist: ['::1'], response_code: 401 }],
  ])('%s: a malformed entry is refused', async (_name, conf) => {
    const res = await put(conf);
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg.startsWith(prefix)).toBe(true);
  });

  it.each([
    ['TEST 4', {}],
    ['TEST 6', { whitelist: ['172.17.40.0/24'], blacklist: ['10.255.0.0/16'] }],
  ])('%s: not exactly one non-empty list is refused', async (_name, conf) => {
    const res = await put(conf);
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg).toMatch(
      /^failed to check the configuration of plugin ip-restriction err: .*value should match only one schema/,
    );
  });

  it('TEST 24: a v6 mask past 128 is an invalid ip address', async () => {
    const res = await put({ whitelist: ['::1/129'] });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error_msg: `${prefix}invalid ip address: ::1/129` });
  });
});

describe('ip-restriction.t: requests through the gateway', () => {
  it('TEST 7-11: whitelist', async () => {
    const uri = await route({ whitelist: ['127.0.0.0/24', '113.74.26.106'] });
    await expectServed(get(uri));
    await expectServed(get(uri, '113.74.26.106'));
    expect(await expectRefused(get(uri, '114.114.114.114'))).toEqual(REFUSED);
    expect(await expectRefused(get(uri, '2001:db8::2'))).toEqual(REFUSED);
  });

  it('TEST 12-16: blacklist', async () => {
    const uri = await route({ blacklist: ['127.0.0.0/24', '113.74.26.106'] });
    expect(await expectRefused(get(uri))).toEqual(REFUSED);
    expect(await expectRefused(get(uri, '113.74.26.106'))).toEqual(REFUSED);
    await expectServed(get(uri, '114.114.114.114'));
    await expectServed(get(uri, '2001:db8::2'));
  });

  it('TEST 17-18: without the plugin the route serves everyone', async () => {
    routes += 1;
    const uri = `/ip-${routes}/hello`;
    await node.putRoute(`ip-${routes}`, { uri, upstream: node.upstream });
    await expectServed(get(uri, '114.114.114.114'));
  });

  it('TEST 20-23: IPv6 blacklist', async () => {
    const uri = await route({ blacklist: ['::1', 'fe80::/32'] });
    await expectServed(get(uri));
    expect(await expectRefused(get(uri, '::1'))).toEqual(REFUSED);
    expect(await expectRefused(get(uri, 'fe80::1:1'))).toEqual(REFUSED);
  });

  it('a custom message and response_code, on the peer address', async () => {
    const uri = await route({
      whitelist: ['127.0.0.3'],
      message: 'Do you want to do something bad?',
      response_code: 404,
    });
    await expectServed(get(uri, undefined, '127.0.0.3'));
    expect(await expectRefused(get(uri, undefined, '127.0.0.4'), 404)).toEqual({
      message: 'Do you want to do something bad?',
    });
  });
});
