/**
 * referer-restriction through a real node, configured through the Admin API: APISIX's
 * t/plugin/referer-restriction.t, one route per APISIX configuration.
 */
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(60_000);

let node: AccessNode;

beforeAll(async () => {
  node = await startAccessNode('referer-restriction-e2e');
});

afterAll(async () => {
  await node?.close();
});

const REFUSED = { message: 'Your referer host is not allowed' };

let routes = 0;
async function route(conf: Record<string, unknown>): Promise<string> {
  routes += 1;
  const uri = `/referer-${routes}/hello`;
  await node.putRoute(`referer-${routes}`, {
    uri,
    plugins: { 'referer-restriction': conf },
    upstream: node.upstream,
  });
  return uri;
}

const from = (uri: string, referer?: string) =>
  node.request(uri, { headers: referer === undefined ? {} : { Referer: referer } });

async function served(reply: Promise<{ status: number; body: string }>) {
  const r = await reply;
  expect(r.status).toBe(200);
  expect(r.body).toBe('hello world\n');
}

async function refused(reply: Promise<{ status: number; body: string }>, body: unknown = REFUSED) {
  const r = await reply;
  expect(r.status).toBe(403);
  expect(JSON.parse(r.body)).toEqual(body);
}

describe('referer-restriction.t', () => {
  it('TEST 1-5: whitelist', async () => {
    const uri = await route({ whitelist: ['*.xx.com', 'yy.com'] });
    await served(from(uri, 'http://www.xx.com'));
    await served(from(uri, 'https://yy.com/am'));
    await refused(from(uri, 'https://www.yy.com/am'));
    await refused(from(uri));
  });

  it('TEST 6-8: bypass_missing serves a missing or malformed Referer', async () => {
    const uri = await route({ bypass_missing: true, whitelist: ['*.xx.com', 'yy.com'] });
    await served(from(uri));
    await served(from(uri, 'www.yy.com'));
  });

  it('TEST 9: hosts that are not host names are refused by the Admin API', async () => {
    for (const host of ['x.*', '~y.xn', '::1']) {
      const res = await node.admin.put('/apisix/admin/routes/referer-admin', {
        uri: '/referer-admin',
        plugins: { 'referer-restriction': { whitelist: [host] } },
        upstream: node.upstream,
      });
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin referer-restriction err: /,
      );
    }
  });

  it('blacklist with a custom message (doc example)', async () => {
    const uri = await route({
      blacklist: ['*.xx.com'],
      message: 'Do you want to do something bad?',
    });
    await refused(from(uri, 'https://a.xx.com/page'), {
      message: 'Do you want to do something bad?',
    });
    await served(from(uri, 'https://yy.com/page'));
  });
});
