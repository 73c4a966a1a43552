/**
 * `apisix.proxy_mode: stream` on the embedded store: no HTTP listener is opened, the Admin API
 * manages stream routes, and a TCP stream route serves; a node in the default `http` mode
 * answers every stream_routes method with APISIX's 400.
 */
import net from 'node:net';
import {
  AdminClient,
  freePort,
  startTcpEcho,
  startTollgate,
  tcpExchange,
  waitFor,
  type StreamServer,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(60_000);

const KEY = 'stream-only-e2e-admin-key';

/**
 * Starts a node on the embedded store with `apisix` settings and `node_listen` on `httpPort`;
 * ready once `readyPorts` (and the Admin API) accept. Resolves its Admin API client.
 */
async function startNode(
  httpPort: number,
  apisix: Record<string, unknown>,
  readyPorts: number[],
): Promise<AdminClient> {
  const adminPort = await freePort();
  nodes.push(
    await startTollgate({
      config: {
        apisix: { node_listen: [{ ip: '127.0.0.1', port: httpPort }], ...apisix },
        nginx_config: { worker_processes: 1 },
        deployment: {
          role: 'traditional',
          admin: {
            admin_key: [{ name: 'admin', key: KEY, role: 'admin' }],
            admin_listen: { ip: '127.0.0.1', port: adminPort },
          },
        },
      },
      readyPorts: [adminPort, ...readyPorts],
    }),
  );
  return new AdminClient(`http://127.0.0.1:${adminPort}`, KEY);
}

/** Whether something accepts TCP connections on `port`. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let echo: StreamServer;
const nodes: TollgateNode[] = [];

beforeAll(async () => {
  echo = await startTcpEcho('E');
});

afterAll(async () => {
  for (const node of nodes) await node.destroy();
  await echo.close();
});

it('proxy_mode stream: stream routes serve, no HTTP listener', async () => {
  const [httpPort, tcpPort] = [await freePort(), await freePort()];
  const admin = await startNode(
    httpPort,
    { proxy_mode: 'stream', stream_proxy: { tcp: [`127.0.0.1:${tcpPort}`] } },
    [tcpPort],
  );
  const put = await admin.put('/apisix/admin/stream_routes/1', {
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  expect(put.status).toBe(201);
  const reply = await waitFor('the stream route', async () => {
    const text = (await tcpExchange(tcpPort, { send: 'ping', bytes: 6, end: false })).toString();
    return text === '' ? false : text;
  });
  expect(reply).toBe('E\nping');
  expect(await accepts(httpPort)).toBe(false);
});

it('proxy_mode http: every stream_routes method answers 400', async () => {
  const [httpPort, streamPort] = [await freePort(), await freePort()];
  const admin = await startNode(httpPort, { stream_proxy: { tcp: [`127.0.0.1:${streamPort}`] } }, [
    httpPort,
  ]);
  for (const reply of [
    await admin.get('/apisix/admin/stream_routes'),
    await admin.put('/apisix/admin/stream_routes/1', { server_port: streamPort }),
    await admin.delete('/apisix/admin/stream_routes/1'),
  ]) {
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      error_msg: 'stream mode is disabled, can not add stream routes',
    });
  }
  expect(await accepts(streamPort)).toBe(false);
});
