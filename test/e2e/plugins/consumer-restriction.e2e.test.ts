/**
 * consumer-restriction through a real node, configured through the Admin API: APISIX's
 * t/plugin/consumer-restriction.t (consumers authenticated by basic-auth as there; the
 * service_id/route_id cases, which APISIX runs with hmac-auth, use key-auth) plus consumer
 * groups.
 */
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(60_000);

let node: AccessNode;

const JACK1 = { Authorization: `Basic ${Buffer.from('jack2019:123456').toString('base64')}` };
const JACK2 = { Authorization: `Basic ${Buffer.from('jack2020:123456').toString('base64')}` };

beforeAll(async () => {
  node = await startAccessNode('consumer-restriction-e2e');
  for (const [username, user] of [
    ['jack1', 'jack2019'],
    ['jack2', 'jack2020'],
  ]) {
    const res = await node.admin.put('/apisix/admin/consumers', {
      username,
      plugins: { 'basic-auth': { username: user, password: '123456' } },
    });
    expect(res.status).toBeLessThan(300);
  }
});

afterAll(async () => {
  await node?.close();
});

const FORBIDDEN = { message: 'The consumer_name is forbidden.' };
const rejected = (type: string) => ({
  message: `The request is rejected, please check the ${type} for this request`,
});

let routes = 0;
async function route(plugins: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  routes += 1;
  const uri = `/cr-${routes}/hello`;
  await node.admin.put(`/apisix/admin/routes/cr-${routes}`, {
    uri,
    plugins,
    upstream: node.upstream,
    ...extra,
  });
  await node.waitRouted(uri);
  return uri;
}

async function expectReply(
  reply: Promise<{ status: number; body: string }>,
  status: number,
  body?: unknown,
) {
  const r = await reply;
  expect(r.status).toBe(status);
  if (status === 200) expect(r.body).toBe('hello world\n');
  else if (body !== undefined) expect(JSON.parse(r.body)).toEqual(body);
}

const get = (uri: string, headers: Record<string, string> = {}, method = 'GET') =>
  node.request(uri, { headers, method });

describe('consumer-restriction.t: schema through the Admin API', () => {
  const put = (conf: unknown) =>
    node.admin.put('/apisix/admin/routes/cr-admin', {
      uri: '/cr-admin',
      plugins: { 'consumer-restriction': conf },
      upstream: node.upstream,
    });

  it('TEST 1-2: lists, extra fields and all three together are accepted', async () => {
    expect((await put({ title: 'whitelist', whitelist: ['jack1', 'jack2'] })).status).toBe(201);
    const all = { whitelist: ['jack1'], blacklist: ['jack2'], allowed_by_methods: [] };
    expect((await put(all)).status).toBe(200);
    const stored = await node.admin.get('/apisix/admin/routes/cr-admin');
    expect(stored.status).toBe(200);
  });

  it('refuses a conf without a list, and an unknown type', async () => {
    for (const conf of [{}, { type: 'consumer', whitelist: ['a'] }]) {
      const res = await put(conf);
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin consumer-restriction err: /,
      );
    }
  });
});

describe('consumer-restriction.t: requests through the gateway', () => {
  it('TEST 5-8: whitelist after basic-auth', async () => {
    const uri = await route({
      'basic-auth': {},
      'consumer-restriction': { whitelist: ['jack1'] },
    });
    await expectReply(get(uri), 401, { message: 'Missing authorization in request' });
    await expectReply(get(uri, JACK1), 200);
    await expectReply(get(uri, JACK2), 403, FORBIDDEN);
  });

  it('TEST 9-12: blacklist with rejected_msg', async () => {
    const uri = await route({
      'basic-auth': {},
      'consumer-restriction': { blacklist: ['jack1'], rejected_msg: 'request is forbidden' },
    });
    await expectReply(get(uri), 401, { message: 'Missing authorization in request' });
    await expectReply(get(uri, JACK1), 403, { message: 'request is forbidden' });
    await expectReply(get(uri, JACK2), 200);
  });

  it('TEST 13-20: without an auth plugin every request is 401', async () => {
    for (const list of ['whitelist', 'blacklist']) {
      const uri = await route({ 'consumer-restriction': { [list]: ['jack1'] } });
      for (const headers of [{}, JACK1, JACK2]) {
        await expectReply(get(uri, headers), 401, rejected('consumer_name'));
      }
    }
  });

  it('TEST 21-24: allowed_by_methods', async () => {
    const post = await route({
      'basic-auth': {},
      'consumer-restriction': { allowed_by_methods: [{ user: 'jack1', methods: ['POST'] }] },
    });
    await expectReply(get(post, JACK1), 403, FORBIDDEN);
    await expectReply(get(post, JACK1, 'POST'), 200);
    await expectReply(get(post, JACK2), 200);
    const both = await route({
      'basic-auth': {},
      'consumer-restriction': {
        allowed_by_methods: [{ user: 'jack1', methods: ['POST', 'GET'] }],
      },
    });
    await expectReply(get(both, JACK1), 200);
  });

  it('TEST 25-27: the blacklist wins over allowed_by_methods', async () => {
    const uri = await route({
      'basic-auth': {},
      'consumer-restriction': {
        blacklist: ['jack1'],
        allowed_by_methods: [{ user: 'jack1', methods: ['POST', 'GET'] }],
      },
    });
    await expectReply(get(uri, JACK1), 403, FORBIDDEN);
    await expectReply(get(uri, JACK2), 200);
  });

  it('TEST 28-30: a whitelisted consumer skips allowed_by_methods', async () => {
    const uri = await route({
      'basic-auth': {},
      'consumer-restriction': {
        whitelist: ['jack1'],
        allowed_by_methods: [{ user: 'jack1', methods: ['POST'] }],
      },
    });
    await expectReply(get(uri, JACK1), 200);
    await expectReply(get(uri, JACK2), 403, FORBIDDEN);
  });

  it('TEST 31-34: without the plugin everyone is served', async () => {
    const uri = await route({});
    for (const headers of [{}, JACK1, JACK2]) await expectReply(get(uri, headers), 200);
  });
});

describe('consumer-restriction.t: on a consumer, by service_id and route_id', () => {
  const KEY = { apikey: 'cr-jack-key' };

  async function jack(restriction: Record<string, unknown>) {
    const res = await node.admin.put('/apisix/admin/consumers', {
      username: 'jack',
      plugins: { 'key-auth': { key: 'cr-jack-key' }, 'consumer-restriction': restriction },
    });
    expect(res.status).toBeLessThan(300);
  }

  beforeAll(async () => {
    for (const id of ['cr-svc-1', 'cr-svc-2']) {
      const res = await node.admin.put(`/apisix/admin/services/${id}`, {
        upstream: node.upstream,
        desc: id,
      });
      expect(res.status).toBeLessThan(300);
    }
  });

  /** Wait until `uri` answers `status` for jack (the consumer change is applied). */
  const until = (uri: string, status: number) =>
    waitFor(`${uri} → ${status}`, async () => (await get(uri, KEY)).status === status);

  it('TEST 35-41: whitelist of services, rejected_code 401', async () => {
    await jack({ type: 'service_id', whitelist: ['cr-svc-1'], rejected_code: 401 });
    const allowed = await route(
      { 'key-auth': {} },
      { service_id: 'cr-svc-1', upstream: undefined },
    );
    const other = await route({ 'key-auth': {} }, { service_id: 'cr-svc-2', upstream: undefined });
    await until(other, 401);
    await expectReply(get(allowed, KEY), 200);
    await expectReply(get(other, KEY), 401, { message: 'The service_id is forbidden.' });
  });

  it('TEST 42-46: blacklist of services', async () => {
    await jack({ type: 'service_id', blacklist: ['cr-svc-1'], rejected_code: 401 });
    const blocked = await route(
      { 'key-auth': {} },
      { service_id: 'cr-svc-1', upstream: undefined },
    );
    const other = await route({ 'key-auth': {} }, { service_id: 'cr-svc-2', upstream: undefined });
    await until(blocked, 401);
    await expectReply(get(blocked, KEY), 401, { message: 'The service_id is forbidden.' });
    await expectReply(get(other, KEY), 200);
  });

  it('TEST 49-50: blacklist of routes', async () => {
    const blocked = await route({ 'key-auth': {} });
    const other = await route({ 'key-auth': {} });
    await jack({ type: 'route_id', blacklist: [`cr-${routes - 1}`], rejected_code: 401 });
    await until(blocked, 401);
    await expectReply(get(blocked, KEY), 401, { message: 'The route_id is forbidden.' });
    await expectReply(get(other, KEY), 200);
  });

  it('TEST 47-48: whitelist of routes; a route without service has no service_id', async () => {
    const allowed = await route({ 'key-auth': {} });
    const other = await route({ 'key-auth': {} });
    await jack({ type: 'route_id', whitelist: [`cr-${routes - 1}`], rejected_code: 401 });
    await until(other, 401);
    await expectReply(get(allowed, KEY), 200);
    await expectReply(get(other, KEY), 401, { message: 'The route_id is forbidden.' });
    await jack({ type: 'service_id', whitelist: ['cr-svc-1'] });
    await until(allowed, 401);
    await expectReply(get(allowed, KEY), 401, rejected('service_id'));
  });
});

describe('consumer-restriction: consumer groups', () => {
  it('whitelists a consumer group; a consumer outside any group gets 401', async () => {
    for (const id of ['cr-staff', 'cr-guests']) {
      const res = await node.admin.put(`/apisix/admin/consumer_groups/${id}`, { plugins: {} });
      expect(res.status).toBeLessThan(300);
    }
    const consumers: [string, string | undefined][] = [
      ['staff1', 'cr-staff'],
      ['guest1', 'cr-guests'],
      ['loner', undefined],
    ];
    for (const [username, group] of consumers) {
      const res = await node.admin.put('/apisix/admin/consumers', {
        username,
        ...(group ? { group_id: group } : {}),
        plugins: { 'key-auth': { key: `cr-${username}` } },
      });
      expect(res.status).toBeLessThan(300);
    }
    const uri = await route({
      'key-auth': {},
      'consumer-restriction': { type: 'consumer_group_id', whitelist: ['cr-staff'] },
    });
    await waitFor(
      'the consumers',
      async () => (await get(uri, { apikey: 'cr-loner' })).status === 401,
    );
    await expectReply(get(uri, { apikey: 'cr-staff1' }), 200);
    await expectReply(get(uri, { apikey: 'cr-guest1' }), 403, {
      message: 'The consumer_group_id is forbidden.',
    });
    await expectReply(get(uri, { apikey: 'cr-loner' }), 401, rejected('consumer_group_id'));
  });
});
