/**
 * uri-blocker through a real node, configured through the Admin API: APISIX's
 * t/plugin/uri-blocker.t, one route per APISIX configuration.
 */
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(60_000);

let node: AccessNode;

beforeAll(async () => {
  node = await startAccessNode('uri-blocker-e2e');
});

afterAll(async () => {
  await node?.close();
});

const prefix = 'failed to check the configuration of plugin uri-blocker err: ';

let routes = 0;
async function route(conf: Record<string, unknown>): Promise<string> {
  routes += 1;
  const base = `/blocker-${routes}/hello`;
  await node.admin.put(`/apisix/admin/routes/blocker-${routes}`, {
    uri: base,
    plugins: { 'uri-blocker': conf },
    upstream: node.upstream,
  });
  await node.waitRouted(base);
  return base;
}

const status = async (path: string) => (await node.request(path)).status;

describe('uri-blocker.t: schema through the Admin API', () => {
  const put = (conf: unknown) =>
    node.admin.put('/apisix/admin/routes/blocker-admin', {
      uri: '/blocker-admin',
      plugins: { 'uri-blocker': conf },
      upstream: node.upstream,
    });

  it.each([
    ['TEST 1', ['.+(']],
    ['TEST 3', ['^a', '^b(']],
  ])('%s: a rule that does not compile is refused', async (_name, rules) => {
    const res = await put({ block_rules: rules });
    expect(res.status).toBe(400);
    expect((res.json as { error_msg: string }).error_msg).toMatch(
      new RegExp(`^${prefix}Invalid regular expression`),
    );
  });

  it('TEST 2: several valid rules are accepted', async () => {
    expect((await put({ block_rules: ['^a', '^b'] })).status).toBe(201);
  });

  it('TEST 16: rejected_msg must be a non-empty string', async () => {
    const empty = await put({ block_rules: ['^a'], rejected_msg: '' });
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual({
      error_msg: `${prefix}property "rejected_msg" validation failed: string too short, expected at least 1, got 0`,
    });
    const bool = await put({ block_rules: ['^a'], rejected_msg: true });
    expect(bool.status).toBe(400);
    expect(bool.json).toEqual({
      error_msg: `${prefix}property "rejected_msg" validation failed: wrong type: expected string, got boolean`,
    });
  });
});

describe('uri-blocker.t: requests through the gateway', () => {
  it('TEST 4-6: one rule, searched in the query string', async () => {
    const uri = await route({ block_rules: ['aa'] });
    const hit = await node.request(`${uri}?aa=1`);
    expect(hit.status).toBe(403);
    expect(hit.headers['content-type']).toBe('text/html');
    expect(hit.body).toContain('403 Forbidden');
    const miss = await node.request(`${uri}?bb=2`);
    expect(miss.status).toBe(200);
    expect(miss.body).toBe('hello world\n');
  });

  it('TEST 7-11: several rules', async () => {
    const uri = await route({ block_rules: ['aa', 'bb', 'c\\d+'] });
    expect(await status(`${uri}?x=bb`)).toBe(403);
    expect(await status(`${uri}?bb=2`)).toBe(403);
    expect(await status(`${uri}?c1=2`)).toBe(403);
    expect(await status(`${uri}?cc=2`)).toBe(200);
  });

  it('TEST 12-15: SQL injection', async () => {
    const uri = await route({ block_rules: ['select.+(from|limit)', '(?:(union(.*?)select))'] });
    expect(await status(`${uri}?name=;select%20from%20sys`)).toBe(403);
    expect(await status(`${uri}?name=;union%20select%20`)).toBe(403);
    expect(await status(`${uri}?cc=2`)).toBe(200);
  });

  it('TEST 17-18: rejected_msg', async () => {
    const uri = await route({ block_rules: ['aa'], rejected_msg: 'access is not allowed' });
    const reply = await node.request(`${uri}?aa=1`);
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toEqual({ error_msg: 'access is not allowed' });
  });

  it('TEST 19-20: case_insensitive', async () => {
    const uri = await route({
      block_rules: ['AA'],
      rejected_msg: 'access is not allowed',
      case_insensitive: true,
    });
    const reply = await node.request(`${uri}?aa=1`);
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toEqual({ error_msg: 'access is not allowed' });
  });

  it('TEST 21-22: a rule anchored on the path cannot be bypassed with /./', async () => {
    routes += 1;
    const host = 'blocker-internal.test';
    await node.admin.put(`/apisix/admin/routes/blocker-${routes}`, {
      uri: '/*',
      host,
      plugins: { 'uri-blocker': { block_rules: ['^/internal/'] } },
      upstream: node.upstream,
    });
    const get = (path: string) => node.request(path, { headers: { Host: host } });
    await waitFor('the catch-all route', async () => (await get('/internal/x')).status === 403);
    expect((await get('/./internal/x?aa=1')).status).toBe(403);
    expect((await get('//internal/x')).status).toBe(403);
    expect((await get('/public/hello')).status).toBe(200);
  });

  it('a rejected_code other than 403', async () => {
    const uri = await route({ block_rules: ['secret'], rejected_code: 410 });
    const reply = await node.request(`${uri}?secret=1`);
    expect(reply.status).toBe(410);
    expect(reply.body).toContain('410 Gone');
  });
});
