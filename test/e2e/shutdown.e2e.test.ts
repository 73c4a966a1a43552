/**
 * Graceful shutdown: on SIGTERM a node stops accepting, lets in-flight requests finish (here a
 * slow LLM answer through a plain upstream route), then exits.
 */
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  sleep,
  startTollgate,
  waitFor,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(60_000);

let mock: MockLlm;
let node: TollgateNode;
let gatewayPort: number;
let admin: AdminClient;

beforeAll(async () => {
  mock = await startMockLlm({ name: 'slow' });
  gatewayPort = await freePort();
  const adminPort = await freePort();
  node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port: gatewayPort }] },
      nginx_config: { worker_processes: 2 },
      deployment: {
        admin: {
          admin_key: [{ name: 'admin', key: 'shutdown-key', role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [adminPort, gatewayPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, 'shutdown-key');
});

afterAll(async () => {
  await node?.destroy();
  await mock?.close();
});

it('finishes in-flight requests after SIGTERM, refuses new ones, then exits', async () => {
  const route = {
    uri: '/v1/chat/completions',
    upstream: { nodes: { [`127.0.0.1:${mock.port}`]: 1 }, type: 'roundrobin' },
  };
  expect((await admin.put('/apisix/admin/routes/slow', route)).status).toBe(201);
  const url = `http://127.0.0.1:${gatewayPort}/v1/chat/completions`;
  const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
  await waitFor(
    'the route',
    async () => (await httpRequest('POST', url, { body })).status === 200,
    10_000,
  );

  const inFlight = [1, 2, 3].map(() =>
    httpRequest('POST', url, { body, headers: { 'X-Mock-Delay-Ms': '2000' } }),
  );
  await waitFor(
    'the slow requests to reach the LLM',
    () => mock.requests.filter((r) => r.headers['x-mock-delay-ms']).length === 3,
    5_000,
  );
  const pid = node.process.pid;
  if (pid === undefined) throw new Error('node not running');
  const stoppedAt = Date.now();
  process.kill(pid, 'SIGTERM');
  await sleep(300);
  await expect(httpRequest('POST', url, { body, timeoutMs: 2000 })).rejects.toThrow();

  const answers = await Promise.all(inFlight);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  await waitFor('the node to exit', () => !node.process.running || undefined, 20_000).catch(
    () => undefined,
  );
  await waitFor(
    'the process to be gone',
    () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    20_000,
  );
  process.stdout.write(
    `node exited ${Date.now() - stoppedAt} ms after SIGTERM, 3 in-flight requests answered\n`,
  );
});
