/**
 * Issue 9 item 7: upstream nodes without a port. APISIX's node schema requires only `host` and
 * `weight`; the data plane connects to the scheme's default port (80 for http, 443 for https).
 *
 * One real `tollgate start` (Admin API and gateway) on the suite's etcd. Nothing may listen on
 * 127.0.0.1:80 or :443 in a test, so where the gateway connected is read from its access log
 * (`upstream_addr`), whatever the upstream answered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AdminClient,
  freePort,
  freshGet,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(60_000);

const ADMIN_KEY = 'issue-9-node-port-admin-key';

let node: TollgateNode;
let admin: AdminClient;
let gatewayPort: number;
let logDir: string;
let accessLog: string;

beforeAll(async () => {
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'issue-9-node-port-'));
  accessLog = path.join(logDir, 'access.log');
  gatewayPort = await freePort();
  const adminPort = await freePort();
  node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
      nginx_config: { worker_processes: 1, http: { access_log: accessLog } },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix('issue9-port'), timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [gatewayPort, adminPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
});

afterAll(async () => {
  await node?.destroy();
  fs.rmSync(logDir, { recursive: true, force: true });
});

const gatewayUrl = (uri: string) => `http://127.0.0.1:${gatewayPort}${uri}`;

/** `upstream_addr` of the first access-log line for `uri`, once the log has it. */
function upstreamAddrOf(uri: string): Promise<string> {
  return waitFor(`the access log line of ${uri}`, () => {
    const text = fs.existsSync(accessLog) ? fs.readFileSync(accessLog, 'utf8') : '';
    const line = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { uri?: string; upstream_addr?: string })
      .find((l) => l.uri === uri && l.upstream_addr !== undefined);
    return line?.upstream_addr;
  });
}

/** Request `uri` until the route is loaded (anything but 404), then where it went. */
async function servedAt(uri: string): Promise<string> {
  await waitFor(
    `${uri} to be routed`,
    async () => (await freshGet(gatewayUrl(uri))).status !== 404,
  );
  return upstreamAddrOf(uri);
}

describe('issue 9 item 7: upstream nodes without a port', () => {
  it('the Admin API stores an array node without port as sent, and the gateway uses port 80', async () => {
    const nodes = [{ host: '127.0.0.1', weight: 1 }];
    const put = await admin.put('/apisix/admin/upstreams/no-port', { type: 'roundrobin', nodes });
    expect(put.status).toBe(201);
    const got = await admin.get('/apisix/admin/upstreams/no-port');
    expect(got.status).toBe(200);
    expect((got.json as { value: { nodes: unknown } }).value.nodes).toEqual(nodes);

    const route = await admin.put('/apisix/admin/routes/no-port-http', {
      uri: '/no-port/http',
      upstream_id: 'no-port',
    });
    expect(route.status).toBe(201);
    expect(await servedAt('/no-port/http')).toBe('127.0.0.1:80');
  });

  it('an https upstream sends port-less nodes, array and hash forms, to port 443', async () => {
    const array = await admin.put('/apisix/admin/routes/no-port-https', {
      uri: '/no-port/https',
      upstream: { type: 'roundrobin', scheme: 'https', nodes: [{ host: '127.0.0.1', weight: 1 }] },
    });
    expect(array.status).toBe(201);
    const hash = await admin.put('/apisix/admin/routes/no-port-hash', {
      uri: '/no-port/hash',
      upstream: { type: 'roundrobin', scheme: 'https', nodes: { '127.0.0.1': 1 } },
    });
    expect(hash.status).toBe(201);
    expect(await servedAt('/no-port/https')).toBe('127.0.0.1:443');
    expect(await servedAt('/no-port/hash')).toBe('127.0.0.1:443');
  });

  it('still refuses a node without host or weight, and a port out of range', async () => {
    for (const node of [{ host: '127.0.0.1' }, { weight: 1 }, { host: 'a', port: 0, weight: 1 }]) {
      const res = await admin.put('/apisix/admin/upstreams/bad-node', {
        type: 'roundrobin',
        nodes: [node],
      });
      expect(res.status).toBe(400);
      expect((res.json as { error_msg?: unknown }).error_msg).toEqual(expect.any(String));
    }
  });
});
