/**
 * API-driven standalone mode through `tollgate start` (issue 15): `role: traditional` with
 * `config_provider: yaml` takes its whole configuration from `PUT /apisix/admin/configs`. 1,000
 * routes reach every worker in one store revision (timed here); the same push again, with the
 * same digest, is a no-op; per-resource reads work and writes are refused.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  listenerPorts,
  startTollgate,
  waitFor,
  workersCaughtUp,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(90_000);

const KEY = 'standalone-api-admin-key-0123456789';
const WORKERS = 2;

let llm: MockLlm;
let node: TollgateNode;
let admin: AdminClient;
let port: number;

beforeAll(async () => {
  llm = await startMockLlm({ name: 'standalone-api' });
  port = await freePort();
  const adminPort = await freePort();
  node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port }] },
      nginx_config: { worker_processes: WORKERS },
      deployment: {
        role: 'traditional',
        role_traditional: { config_provider: 'yaml' },
        admin: {
          admin_key: [{ name: 'admin', key: KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [port, adminPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, KEY);
});
afterAll(async () => {
  await node?.destroy();
  await llm?.close();
});

/** A request on a new connection. */
const fresh = (path: string) =>
  httpRequest('GET', `http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } });

it('1,000 routes from one PUT serve on every worker; the same digest again changes nothing', async () => {
  const upstream = { type: 'roundrobin', nodes: { [`127.0.0.1:${llm.port}`]: 1 } };
  const routes = Array.from({ length: 1000 }, (_, i) => ({
    id: `r${i}`,
    uri: `/r${i}`,
    upstream,
    plugins: { 'proxy-rewrite': { uri: '/v1/models' } },
  }));
  const started = performance.now();
  const put = await admin.put(
    '/apisix/admin/configs',
    { routes },
    { headers: { 'X-Digest': 'v1' } },
  );
  const accepted = performance.now() - started;
  expect(put.status).toBe(202);
  // Every worker serves the last route (and, the revision being one, every other).
  await waitFor(
    'r999 on every worker',
    async () => {
      if ((await fresh('/r999')).status !== 200) return false;
      return workersCaughtUp(listenerPorts(node).control);
    },
    20_000,
    5,
  );
  const served = performance.now() - started;
  process.stdout.write(
    `standalone API: 1000 routes accepted in ${accepted.toFixed(0)} ms, served by every worker ${served.toFixed(0)} ms after the PUT\n`,
  );
  expect((await fresh('/r0')).status).toBe(200);

  const same = await admin.put(
    '/apisix/admin/configs',
    { routes },
    { headers: { 'X-Digest': 'v1' } },
  );
  expect(same.status).toBe(204);
  const read = await admin.get('/apisix/admin/routes/r500');
  expect(read.status).toBe(200);
  expect(read.text).toContain('"/r500"');
  expect((await admin.delete('/apisix/admin/routes/r500')).status).toBe(405);
  expect((await fresh('/r500')).status).toBe(200);

  // The next configuration replaces the whole set.
  const next = await admin.put('/apisix/admin/configs', { routes: routes.slice(0, 1) });
  expect(next.status).toBe(202);
  await waitFor('r999 gone', async () => (await fresh('/r999')).status === 404, 20_000);
  expect((await fresh('/r0')).status).toBe(200);
});
