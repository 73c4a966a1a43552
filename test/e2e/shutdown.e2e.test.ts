/**
 * Graceful shutdown: on SIGTERM a node stops accepting, lets in-flight requests finish (here a
 * slow LLM answer through a plain upstream route), then exits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
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
  let answeredAt = Number.POSITIVE_INFINITY;
  const answered = Promise.all(inFlight).then((answers) => {
    answeredAt = Date.now();
    return answers;
  });
  await waitFor(
    'the slow requests to reach the LLM',
    () => mock.requests.filter((r) => r.headers['x-mock-delay-ms']).length === 3,
    5_000,
  );
  const pid = node.process.pid;
  if (pid === undefined) throw new Error('node not running');
  const stoppedAt = Date.now();
  process.kill(pid, 'SIGTERM');
  // New requests are refused while the slow ones are still in flight. Waited for, not slept on:
  // on a loaded CI machine the primary and its workers may take longer than a fixed pause to be
  // scheduled (a 300 ms sleep once fell short there). A request accepted and left hanging is not
  // a refusal: it is recorded, and fails the test below.
  const hung: string[] = [];
  await waitFor(
    'new requests to be refused',
    () =>
      httpRequest('POST', url, { body, timeoutMs: 2000 }).then(
        () => false,
        (err: { code?: string }) => {
          const timedOut =
            err.code === 'UND_ERR_HEADERS_TIMEOUT' || err.code === 'UND_ERR_BODY_TIMEOUT';
          if (timedOut) hung.push(err.code ?? '');
          return !timedOut;
        },
      ),
    10_000,
  );
  expect(hung).toEqual([]);
  const refusedAt = Date.now();

  const answers = await answered;
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  expect(refusedAt).toBeLessThan(answeredAt);
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

it('a SIGTERM while the node is still starting its workers drains what the first ones serve', async () => {
  // The node's store already holds the route (the embedded store of a previous run), so the
  // first worker serves it as soon as the gateway port accepts; with 4 workers the others are
  // still starting when the signal below arrives.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-shutdown-'));
  const config = (port: number, adminPort: number, workers: number) => ({
    apisix: { node_listen: [{ ip: '127.0.0.1', port }] },
    nginx_config: { worker_processes: workers },
    deployment: {
      admin: {
        admin_key: [{ name: 'admin', key: 'shutdown-key', role: 'admin' }],
        admin_listen: { ip: '127.0.0.1', port: adminPort },
      },
    },
  });
  const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
  try {
    const firstAdmin = await freePort();
    const first = await startTollgate({
      config: config(await freePort(), firstAdmin, 1),
      dataDir,
      readyPorts: [firstAdmin],
    });
    const route = {
      uri: '/v1/chat/completions',
      upstream: { nodes: { [`127.0.0.1:${mock.port}`]: 1 }, type: 'roundrobin' },
    };
    const put = await new AdminClient(`http://127.0.0.1:${firstAdmin}`, 'shutdown-key').put(
      '/apisix/admin/routes/early',
      route,
    );
    expect(put.status).toBe(201);
    await first.destroy();

    const port = await freePort();
    const starting = await startTollgate({
      config: config(port, await freePort(), 4),
      dataDir,
      readyPorts: [port],
    });
    mock.clear();
    const slow = httpRequest('POST', `http://127.0.0.1:${port}/v1/chat/completions`, {
      body,
      headers: { 'X-Mock-Delay-Ms': '1500' },
    });
    await waitFor('the slow request to reach the LLM', () => mock.requests.length === 1, 5_000);
    const pid = starting.process.pid;
    if (pid === undefined) throw new Error('node not running');
    process.kill(pid, 'SIGTERM');
    expect((await slow).status).toBe(200);
    await waitFor('the node to exit', () => !starting.process.running || undefined, 20_000);
    await starting.destroy();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
