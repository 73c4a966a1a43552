/**
 * fault-injection through a real `tollgate start` on the suite's etcd, configured through the
 * Admin API: APISIX's t/plugin/fault-injection*.t cases that define behaviour (schema, abort with
 * status, body with variables and headers, percentage 0 and 100, delay then proxy, delay with
 * abort, vars hit and miss with `!AND` and negation, an invalid vars rule answering 500).
 */
import {
  waitFor,
  type AdminClient,
  type Echo,
  type EchoServer,
  type HttpReply,
} from '@tollgate/testkit';
import { usePluginNodes } from './support/plugin-nodes';

jest.setTimeout(60_000);

const nodes = usePluginNodes({ name: 'fault-injection', nodes: 1, workers: 1 });
let admin: AdminClient;
let echo: EchoServer;

beforeAll(() => {
  ({ admin, echo } = nodes);
});

const { get } = nodes;

async function putConf(conf: unknown): Promise<HttpReply> {
  return admin.put('/apisix/admin/routes/fi-schema', {
    uri: '/fi-schema',
    plugins: { 'fault-injection': conf },
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
}

/** PUT route `id` at `uri` with `conf`; wait until `probe` answers `status`. */
async function faultRoute(id: string, uri: string, conf: unknown, status: number, probe = uri) {
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    plugins: { 'fault-injection': conf },
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  expect(res.status).toBeLessThan(300);
  await waitFor(`route ${id}`, async () => (await get(probe)).status === status);
}

describe('fault-injection (APISIX t/plugin/fault-injection*.t)', () => {
  it('schema: accepts APISIX configurations', async () => {
    for (const ok of [
      { abort: { http_status: 200, body: 'Fault Injection!\n' } },
      { abort: { http_status: 405, percentage: 50, headers: { 'X-A': '$remote_addr', 'X-N': 1 } } },
      { delay: { duration: 0.5, percentage: 100 } },
      { abort: { http_status: 403, vars: [[['arg_name', '==', 'jack']]] } },
      {
        abort: {
          http_status: 403,
          vars: [['!AND', ['arg_name', '==', 'jack'], ['arg_age', '!', '<', 18]]],
        },
      },
    ]) {
      expect((await putConf(ok)).status).toBeLessThan(300);
    }
  });

  it('schema: refuses what APISIX refuses', async () => {
    for (const bad of [
      {},
      { abort: {} },
      { abort: { http_status: 100 } },
      { abort: { http_status: 200, percentage: 101 } },
      { abort: { http_status: 200, headers: {} } },
      { delay: {} },
      { delay: { duration: -1 } },
      { delay: { duration: 1, percentage: -1 } },
      { abort: { http_status: 200, vars: ['arg_name'] } },
    ]) {
      const res = await putConf(bad);
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin fault-injection err: /,
      );
    }
  });

  it('abort: status and body (with variables) instead of the upstream', async () => {
    await faultRoute(
      'fi-1',
      '/fi-1',
      { abort: { http_status: 200, body: 'client addr: $remote_addr\n' } },
      200,
    );
    const reply = await get('/fi-1');
    expect(reply.text).toBe('client addr: 127.0.0.1\n');
    expect(echo.count).toBe(0);
  });

  it('abort without a body: the status with nginx’s page; abort.headers', async () => {
    await faultRoute(
      'fi-2',
      '/fi-2',
      { abort: { http_status: 405, headers: { 'X-Fault': 'on', 'X-Client': '$remote_addr' } } },
      405,
    );
    const reply = await get('/fi-2');
    expect(reply.text).toContain('405 Not Allowed');
    expect(reply.headers.get('x-fault')).toBe('on');
    expect(reply.headers.get('x-client')).toBe('127.0.0.1');
  });

  it('percentage 0 never aborts, 100 always does', async () => {
    await faultRoute('fi-3', '/fi-3', { abort: { http_status: 403, percentage: 0 } }, 200);
    for (let i = 0; i < 10; i++) expect((await get('/fi-3')).status).toBe(200);
    await faultRoute('fi-4', '/fi-4', { abort: { http_status: 403, percentage: 100 } }, 403);
    for (let i = 0; i < 10; i++) expect((await get('/fi-4')).status).toBe(403);
  });

  it('delay holds the request, then it is proxied; with abort, the delay comes first', async () => {
    await faultRoute('fi-5', '/fi-5', { delay: { duration: 0.5 } }, 200);
    let started = performance.now();
    const reply = await get('/fi-5');
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect((reply.json as Echo).url).toBe('/fi-5');

    await faultRoute(
      'fi-6',
      '/fi-6',
      { delay: { duration: 0.5 }, abort: { http_status: 503, body: 'x' } },
      503,
    );
    started = performance.now();
    expect((await get('/fi-6')).text).toBe('x');
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('vars: abort only matching requests (nested rules, !AND and negation)', async () => {
    await faultRoute(
      'fi-7',
      '/fi-7',
      {
        abort: {
          http_status: 403,
          body: 'Fault Injection!\n',
          vars: [[['arg_name', '==', 'jack']]],
        },
      },
      200,
    );
    expect((await get('/fi-7?name=jack')).text).toBe('Fault Injection!\n');
    expect((await get('/fi-7?name=rose')).status).toBe(200);

    await faultRoute(
      'fi-8',
      '/fi-8',
      {
        abort: {
          http_status: 403,
          body: 'Fault Injection!\n',
          vars: [['!AND', ['arg_name', '==', 'jack'], ['arg_age', '!', '<', 18]]],
        },
      },
      403,
    );
    expect((await get('/fi-8?name=jack&age=17')).status).toBe(403);
    expect((await get('/fi-8?name=jack&age=18')).status).toBe(200);
  });

  it('a vars rule that does not compile answers 500', async () => {
    await faultRoute('fi-9', '/fi-9', { abort: { http_status: 403, vars: [['arg_name']] } }, 500);
    expect((await get('/fi-9')).status).toBe(500);
  });
});
