/**
 * ua-restriction through a real node, configured through the Admin API: APISIX's
 * t/plugin/ua-restriction.t, one route per APISIX configuration.
 */
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(60_000);

let node: AccessNode;

beforeAll(async () => {
  node = await startAccessNode('ua-restriction-e2e');
});

afterAll(async () => {
  await node?.close();
});

const SPIDER = '(Baiduspider)/(\\d+)\\.(\\d+)';
const prefix = 'failed to check the configuration of plugin ua-restriction err: ';

let routes = 0;
async function route(plugins: Record<string, unknown>): Promise<string> {
  routes += 1;
  const uri = `/ua-${routes}/hello`;
  await node.putRoute(`ua-${routes}`, { uri, plugins, upstream: node.upstream });
  return uri;
}

const as = (uri: string, userAgent: string | string[]) =>
  node.request(uri, { headers: { 'User-Agent': userAgent } });

describe('ua-restriction.t: schema through the Admin API', () => {
  const put = (conf: unknown) =>
    node.admin.put('/apisix/admin/routes/ua-admin', {
      uri: '/ua-admin',
      plugins: { 'ua-restriction': conf },
      upstream: node.upstream,
    });

  it('TEST 1: an empty conf is refused', async () => {
    const res = await put({});
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg.startsWith(prefix)).toBe(true);
  });

  it('TEST 2: both lists and a message are accepted', async () => {
    const conf = { allowlist: ['my-bot1'], denylist: ['my-bot2'], message: 'User-Agent Forbidden' };
    expect((await put(conf)).status).toBe(201);
  });

  it.each([
    [
      'TEST 3',
      { allowlist: 'my-bot1' },
      'property "allowlist" validation failed: wrong type: expected array, got string',
    ],
    [
      'TEST 4',
      { denylist: 100 },
      'property "denylist" validation failed: wrong type: expected array, got number',
    ],
    [
      'TEST 5',
      { denylist: ['a'], message: 100 },
      'property "message" validation failed: wrong type: expected string, got number',
    ],
    [
      'TEST 18',
      { denylist: ['a'], message: '' },
      'property "message" validation failed: string too short, expected at least 1, got 0',
    ],
    [
      'TEST 19',
      { denylist: ['my-bot1'], message: '-1Aa#'.repeat(205) },
      'property "message" validation failed: string too long, expected at most 1024, got 1025',
    ],
  ])('%s: refused with APISIX wording', async (_name, conf, message) => {
    const res = await put(conf);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error_msg: `${prefix}${message}` });
  });

  it('a rule that does not compile is refused', async () => {
    const res = await put({ denylist: ['(a'] });
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg).toMatch(/Invalid regular expression/);
  });
});

describe('ua-restriction.t: requests through the gateway', () => {
  it('TEST 6-10: denylist', async () => {
    const uri = await route({ 'ua-restriction': { denylist: ['my-bot1', SPIDER] } });
    expect((await as(uri, 'my-bot1')).status).toBe(403);
    expect((await as(uri, ['my-bot1', 'my-bot2'])).status).toBe(403);
    const spider = await as(uri, 'Baiduspider/3.0');
    expect(spider.status).toBe(403);
    expect(JSON.parse(spider.body)).toEqual({ message: 'Not allowed' });
    const other = await as(uri, 'foo/bar');
    expect(other.status).toBe(200);
    expect(other.body).toBe('hello world\n');
  });

  it('TEST 11-14: an allowlist alone refuses nothing', async () => {
    const uri = await route({ 'ua-restriction': { allowlist: ['my-bot1', SPIDER] } });
    expect((await as(uri, 'my-bot1')).status).toBe(200);
    expect((await as(uri, 'Baiduspider/3.0')).status).toBe(200);
    expect((await as(uri, 'foo/bar')).status).toBe(200);
  });

  it('TEST 15-17: the allowlist wins over the denylist', async () => {
    const uri = await route({
      'ua-restriction': { allowlist: ['foo/bar', SPIDER], denylist: ['foo/bar', SPIDER] },
    });
    expect((await as(uri, 'foo/bar')).status).toBe(200);
    expect((await as(uri, 'Baiduspider/1.0')).status).toBe(200);
  });

  it('TEST 20-21: a custom message', async () => {
    const uri = await route({
      'ua-restriction': { denylist: [SPIDER], message: 'Do you want to do something bad?' },
    });
    const reply = await as(uri, 'Baiduspider/1.0');
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toEqual({ message: 'Do you want to do something bad?' });
  });

  it('TEST 22-25: removing the plugin serves the spider again', async () => {
    const uri = await route({ 'ua-restriction': { denylist: [SPIDER] } });
    expect((await as(uri, 'Baiduspider/1.0')).status).toBe(403);
    const id = `ua-${routes}`;
    await node.admin.put(`/apisix/admin/routes/${id}`, {
      uri,
      plugins: {},
      upstream: node.upstream,
    });
    await waitFor(
      'the plugin to be removed',
      async () => (await as(uri, 'Baiduspider/1.0')).status === 200,
    );
    expect((await as(uri, 'Baiduspider/1.0')).body).toBe('hello world\n');
  });

  it('a request without User-Agent is refused unless bypass_missing', async () => {
    const strict = await route({ 'ua-restriction': { denylist: ['x'] } });
    expect((await node.request(strict)).status).toBe(403);
    const lax = await route({ 'ua-restriction': { denylist: ['x'], bypass_missing: true } });
    expect((await node.request(lax)).status).toBe(200);
  });
});
