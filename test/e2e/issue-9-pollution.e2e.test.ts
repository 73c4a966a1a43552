/**
 * Issue 9, the reproduction end to end: `tollgate start` (traditional role: Admin API, config
 * sync and gateway workers of one node) receives the PATCH that used to pollute Object.prototype
 * in the process that also validates and applies config. Afterwards valid writes still get 201
 * and reach the data plane within a second, on etcd and on the embedded store.
 */
import {
  AdminClient,
  freePort,
  freshGet,
  runCommand,
  startEchoServer,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type EchoServer,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(90_000);

const ADMIN_KEY = 'e2e-issue-9-admin-key';
/** What the issue asks of a valid write after the attack. */
const REACH_WITHIN_MS = 1_000;

let echo: EchoServer;
beforeAll(async () => {
  echo = await startEchoServer('echo');
});
afterAll(async () => {
  await echo?.close();
});

const route = (uri: string) => ({
  uri,
  upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
});

describe.each([
  ['etcd', true],
  ['the embedded store', false],
])('a traditional node on %s', (_name, onEtcd) => {
  let node: TollgateNode;
  let admin: AdminClient;
  let gatewayPort: number;
  const prefix = onEtcd ? uniquePrefix('issue9') : '/apisix';

  beforeAll(async () => {
    const adminPort = await freePort();
    gatewayPort = await freePort();
    node = await startTollgate({
      config: {
        apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
        nginx_config: { worker_processes: 1 },
        deployment: {
          role: 'traditional',
          ...(onEtcd ? { etcd: { host: [testEtcdEndpoint()], prefix, timeout: 5 } } : {}),
          admin: {
            admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
            admin_listen: { ip: '127.0.0.1', port: adminPort },
          },
        },
      },
      readyPorts: [adminPort, gatewayPort],
    });
    admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
  });

  afterAll(async () => {
    await node?.destroy();
    if (onEtcd) {
      await runCommand('etcdctl', [
        '--endpoints',
        testEtcdEndpoint(),
        'del',
        '--prefix',
        `${prefix}/`,
      ]);
    }
  });

  /** Milliseconds until the gateway answers `path` from the echo upstream. */
  async function timeToServe(path: string): Promise<number> {
    const started = Date.now();
    await waitFor(
      `${path} to be served`,
      async () => (await freshGet(`http://127.0.0.1:${gatewayPort}${path}`)).status === 200,
      REACH_WITHIN_MS,
      10,
    );
    return Date.now() - started;
  }

  it('refuses the PATCH, then still stores and serves valid config within 1 s', async () => {
    expect((await admin.put('/apisix/admin/routes/base', route('/base'))).status).toBe(201);
    await timeToServe('/base');

    const attack = await admin.request(
      'PATCH',
      '/apisix/admin/routes/base/__proto__/polluted_marker',
      { raw: '"PWNED"' },
    );
    expect(attack.status).toBe(400);

    const r2 = await admin.put('/apisix/admin/routes/r2', route('/r2'));
    expect(r2.status).toBe(201);
    expect(await timeToServe('/r2')).toBeLessThan(REACH_WITHIN_MS);
    expect((await admin.put('/apisix/admin/consumers', { username: 'bob' })).status).toBe(201);
    expect(attack.json).toEqual({ error_msg: 'invalid sub-path: forbidden key "__proto__"' });
    // The base route is as it was before the attack.
    expect((await admin.get('/apisix/admin/routes/base')).json).toMatchObject({
      value: route('/base'),
    });

    if (onEtcd) {
      // A value written straight to etcd is validated and applied by the same process too.
      const put = await runCommand('etcdctl', [
        '--endpoints',
        testEtcdEndpoint(),
        'put',
        `${prefix}/routes/r3`,
        JSON.stringify({ ...route('/r3'), id: 'r3' }),
      ]);
      expect(put.code).toBe(0);
      expect(await timeToServe('/r3')).toBeLessThan(REACH_WITHIN_MS);
    }
  });
});
