/**
 * Issue 10, the plugin runtime every plugin shares, through a real `tollgate start` on etcd:
 * config.yaml's `plugins` allow list (Admin API listings and refusals, a data plane that ignores
 * plugins left out), and the `_meta` fields APISIX injects into every plugin schema: `disable`,
 * `priority`, `filter`, `error_response` and `pre_function`.
 */
import {
  AdminClient,
  freePort,
  httpRequest,
  startEchoServer,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type EchoServer,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(60_000);

const ENABLED = ['key-auth', 'uri-blocker', 'fault-injection', 'request-id'];
const KEY = 'plugin-runtime-e2e-admin-key';

let echo: EchoServer;
let node: TollgateNode;
let admin: AdminClient;
let gateway: number;
let prefix: string;

beforeAll(async () => {
  echo = await startEchoServer('upstream');
  prefix = uniquePrefix('plugin-runtime');
  gateway = await freePort();
  const adminPort = await freePort();
  node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: gateway }] },
      nginx_config: { worker_processes: 1 },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix, timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
      plugins: ENABLED,
    },
    readyPorts: [gateway, adminPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, KEY);
});

afterAll(async () => {
  await node?.destroy();
  await echo?.close();
});

const upstream = () => ({ type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } });
const get = (uri: string, headers: Record<string, string> = {}) =>
  httpRequest('GET', `http://127.0.0.1:${gateway}${uri}`, { headers });

/** Waits until `uri` is routed (anything but the 404 of no route). */
async function routed(uri: string): Promise<void> {
  await waitFor(`${uri} routed`, async () => {
    const res = await get(uri);
    return !(res.status === 404 && res.text.includes('404 Route Not Found'));
  });
}

async function putRoute(id: string, plugins: Record<string, unknown>): Promise<void> {
  const uri = `/runtime/${id}`;
  const res = await admin.put(`/apisix/admin/routes/${id}`, { uri, plugins, upstream: upstream() });
  expect([200, 201]).toContain(res.status);
  await routed(uri);
}

/** Writes a route straight into etcd, as an APISIX control plane stores it. */
async function putEtcdRoute(id: string, plugins: Record<string, unknown>): Promise<void> {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const value = {
    id,
    uri: `/runtime/${id}`,
    plugins,
    upstream: { ...upstream(), scheme: 'http', pass_host: 'pass', hash_on: 'vars' },
    status: 1,
    priority: 0,
    create_time: 1_700_000_000,
    update_time: 1_700_000_000,
  };
  const res = await httpRequest('POST', `${testEtcdEndpoint()}/v3/kv/put`, {
    body: { key: b64(`${prefix}/routes/${id}`), value: b64(JSON.stringify(value)) },
  });
  expect(res.status).toBe(200);
  await routed(`/runtime/${id}`);
}

const abort418 = { abort: { http_status: 418, body: 'teapot' } };

describe('config.yaml plugins: the allow list', () => {
  it('lists only the enabled plugins, by descending priority', async () => {
    const list = await admin.get('/apisix/admin/plugins/list');
    expect(list.status).toBe(200);
    expect(list.json).toEqual(['request-id', 'fault-injection', 'uri-blocker', 'key-auth']);

    const all = await admin.get('/apisix/admin/plugins?all=true');
    const body = all.json as Record<string, { priority: number; schema: unknown }>;
    expect(Object.keys(body).sort()).toEqual([...ENABLED].sort());
    expect(body['key-auth']?.priority).toBe(2500);
    expect(body['key-auth']?.schema).toEqual(expect.objectContaining({ type: 'object' }));
  });

  it('treats a plugin left out as unknown', async () => {
    const schema = await admin.get('/apisix/admin/plugins/ip-restriction');
    expect(schema.status).toBe(404);
    expect(schema.json).toEqual({ error_msg: 'plugin not found in subsystem http' });

    const route = await admin.put('/apisix/admin/routes/off', {
      uri: '/runtime/off',
      plugins: { 'ip-restriction': { blacklist: ['127.0.0.1'] } },
      upstream: upstream(),
    });
    expect(route.status).toBe(400);
    expect(route.json).toEqual({ error_msg: 'unknown plugin [ip-restriction]' });

    const metadata = await admin.put('/apisix/admin/plugin_metadata/cors', {
      allow_origins: { a: 'http://a.example.com' },
    });
    expect(metadata.status).toBe(400);
    expect(metadata.json).toEqual({ error_msg: 'invalid plugin name' });
  });

  it('serves a route another control plane wrote with a disabled plugin, without that plugin', async () => {
    await putEtcdRoute('etcd-off', {
      'ip-restriction': { blacklist: ['127.0.0.1'] },
      'request-id': {},
    });
    const res = await get('/runtime/etcd-off');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('_meta', () => {
  it('error_response replaces the body of a refusal, object or string, and nothing else', async () => {
    await admin.put('/apisix/admin/consumers', {
      username: 'jack',
      plugins: { 'key-auth': { key: 'jack-key' } },
    });
    await putRoute('err-obj', {
      'key-auth': { _meta: { error_response: { message: 'Missing credential in request' } } },
    });
    const refused = await get('/runtime/err-obj');
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({ message: 'Missing credential in request' });
    const wrongKey = await get('/runtime/err-obj', { apikey: 'nope' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.json).toEqual({ message: 'Missing credential in request' });
    await waitFor('consumer jack loaded', async () => {
      return (await get('/runtime/err-obj', { apikey: 'jack-key' })).status === 200;
    });

    await putRoute('err-str', {
      'uri-blocker': { block_rules: ['forbidden'], _meta: { error_response: 'go away' } },
    });
    const blocked = await get('/runtime/err-str?forbidden=1');
    expect(blocked.status).toBe(403);
    expect(blocked.text).toBe('go away');
    expect((await get('/runtime/err-str')).status).toBe(200);
  });

  it('filter runs the plugin only for matching requests; a bad filter is refused', async () => {
    await putRoute('filter', {
      'fault-injection': { ...abort418, _meta: { filter: [['arg_x', '==', '1']] } },
    });
    expect((await get('/runtime/filter?x=1')).status).toBe(418);
    expect((await get('/runtime/filter?x=2')).status).toBe(200);
    expect((await get('/runtime/filter')).status).toBe(200);

    const bad = await admin.put('/apisix/admin/routes/bad-filter', {
      uri: '/runtime/bad-filter',
      plugins: { 'fault-injection': { ...abort418, _meta: { filter: [['arg_x', 'bogus', '1']] } } },
      upstream: upstream(),
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      error_msg: "failed to validate the 'vars' expression: invalid operator 'bogus'",
    });
  });

  it('priority reorders plugins within a phase; disable skips one', async () => {
    // fault-injection (11000) answers before uri-blocker (2900) by default.
    await putRoute('order', { 'fault-injection': abort418, 'uri-blocker': { block_rules: ['x'] } });
    expect((await get('/runtime/order?x')).status).toBe(418);
    await putRoute('reorder', {
      'fault-injection': { ...abort418, _meta: { priority: 1 } },
      'uri-blocker': { block_rules: ['x'] },
    });
    expect((await get('/runtime/reorder?x')).status).toBe(403);

    await putRoute('disabled', { 'fault-injection': { ...abort418, _meta: { disable: true } } });
    expect((await get('/runtime/disabled')).status).toBe(200);
  });

  it('pre_function (Lua) is refused by the Admin API; one APISIX wrote is served without it', async () => {
    const conf = { ...abort418, _meta: { pre_function: 'return function(conf, ctx) end' } };
    const refused = await admin.put('/apisix/admin/routes/pre', {
      uri: '/runtime/pre',
      plugins: { 'fault-injection': conf },
      upstream: upstream(),
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      error_msg:
        'failed to load _meta.pre_function in plugin fault-injection: Tollgate does not run Lua code',
    });

    await putEtcdRoute('etcd-pre', { 'fault-injection': conf });
    const res = await get('/runtime/etcd-pre');
    expect(res.status).toBe(418);
    expect(res.text).toBe('teapot');
  });
});
