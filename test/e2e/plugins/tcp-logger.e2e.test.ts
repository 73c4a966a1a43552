/**
 * tcp-logger through a real `tollgate start` on the suite's etcd, configured through the Admin
 * API, logging to TCP and TLS receivers on loopback: APISIX's t/plugin/tcp-logger.t cases that
 * define behaviour (schema, delivery, a refused connection retried, a configuration update
 * switching the server, metadata and route log_format, TLS, request and response bodies), and
 * one route written straight into etcd as APISIX writes it.
 */
import { freePort, waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';
import { startTcpReceiver, type TcpReceiver } from './support/net-receivers';

jest.setTimeout(60_000);

let node: AccessNode;
let plain: TcpReceiver;
let secure: TcpReceiver;
const extra: TcpReceiver[] = [];

beforeAll(async () => {
  node = await startAccessNode('tcp-logger');
  plain = await startTcpReceiver();
  secure = await startTcpReceiver({ tls: true });
});

afterAll(async () => {
  await node?.close();
  for (const r of [plain, secure, ...extra]) await r?.close();
});

type Entry = Record<string, unknown>;

/** PUT route `id` at `uri` with a tcp-logger conf, and wait until it is served. */
async function logRoute(id: string, uri: string, conf: Record<string, unknown>) {
  await node.putRoute(id, { uri, plugins: { 'tcp-logger': conf }, upstream: node.upstream }, uri);
}

/** Every entry `receiver` got (a connection holds one object, or an array of them). */
function allEntries(receiver: TcpReceiver, from = 0): Entry[] {
  return receiver.closed.slice(from).flatMap((text) => {
    const value = JSON.parse(text) as Entry | Entry[];
    return Array.isArray(value) ? value : [value];
  });
}

/**
 * The first entry of route `routeId` logged for the test's own requests (from 127.0.0.1; the
 * node's readiness probes come from 127.0.0.2), after the first `from` connections.
 */
function waitEntry(receiver: TcpReceiver, routeId: string, from = 0): Promise<Entry> {
  return waitFor(`an entry of ${routeId}`, () =>
    allEntries(receiver, from).find(
      (e) => e.route_id === routeId && (e.client_ip ?? e.vip) === '127.0.0.1',
    ),
  );
}

const putConf = (conf: unknown) =>
  node.admin.put('/apisix/admin/routes/tcp-schema', {
    uri: '/tcp-schema',
    plugins: { 'tcp-logger': conf },
    upstream: node.upstream,
  });

const errorOf = (res: { json: unknown }) => (res.json as { error_msg: string }).error_msg;

describe('tcp-logger (APISIX t/plugin/tcp-logger.t)', () => {
  it('TEST 1: sanity — host and port are enough', async () => {
    expect((await putConf({ host: '127.0.0.1', port: 3000 })).status).toBeLessThan(300);
    const got = await node.admin.get('/apisix/admin/routes/tcp-schema');
    const conf = (got.json as { value: { plugins: Record<string, Entry> } }).value.plugins[
      'tcp-logger'
    ];
    expect(conf).toMatchObject({ host: '127.0.0.1', port: 3000 });
  });

  it('TEST 2: missing host is refused', async () => {
    const res = await putConf({ port: 3000 });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toContain('"host" is required');
  });

  it('TEST 3: timeout of the wrong type is refused', async () => {
    const res = await putConf({
      host: '127.0.0.1',
      port: 2000,
      timeout: '10',
      tls: false,
      tls_options: 'tls options',
    });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatch(/timeout/);
  });

  it('schema: port below 0, batch_max_size 0 and a non-object log_format are refused', async () => {
    for (const bad of [
      { host: '127.0.0.1', port: -1 },
      { host: '127.0.0.1', port: 3000, batch_max_size: 0 },
      { host: '127.0.0.1', port: 3000, log_format: 'x' },
      { host: '127.0.0.1', port: 3000, timeout: 0 },
    ]) {
      expect((await putConf(bad)).status).toBe(400);
    }
  });

  it('TEST 4-5: add plugin, access — the entry reaches the server as one JSON object', async () => {
    const from = plain.closed.length;
    await logRoute('tcp1', '/tcp1/hello', {
      host: '127.0.0.1',
      port: plain.port,
      tls: false,
      batch_max_size: 1,
    });
    const res = await node.request('/tcp1/hello');
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello world\n');
    const entry = await waitEntry(plain, 'tcp1', from);
    expect(entry).toMatchObject({
      route_id: 'tcp1',
      request: { method: 'GET', uri: '/tcp1/hello' },
      response: { status: 200 },
      client_ip: '127.0.0.1',
    });
  });

  it('batches of more than one entry are one JSON array per connection', async () => {
    const from = plain.closed.length;
    await logRoute('tcp-batch', '/tcp-batch/hello', {
      host: '127.0.0.1',
      port: plain.port,
      batch_max_size: 3,
      inactive_timeout: 1,
    });
    for (let i = 0; i < 3; i++) expect((await node.request('/tcp-batch/hello')).status).toBe(200);
    await waitFor('a batch of 3', () =>
      plain.closed.slice(from).some((t) => t.startsWith('[') && JSON.parse(t).length === 3),
    );
  });

  it('TEST 6: a refused connection fails the batch, which is retried (max_retry_count)', async () => {
    const port = await freePort();
    await logRoute('tcp-retry', '/tcp-retry/hello', {
      host: '127.0.0.1',
      port,
      batch_max_size: 1,
      max_retry_count: 5,
      retry_delay: 1,
    });
    expect((await node.request('/tcp-retry/hello')).status).toBe(200);
    // The first attempt finds nothing listening; a server started now gets a retry.
    const late = await startTcpReceiver({ port });
    extra.push(late);
    const entry = await waitEntry(late, 'tcp-retry');
    expect(entry).toMatchObject({ response: { status: 200 } });
  });

  it('TEST 7: updating the configuration sends to the new server', async () => {
    const other = await startTcpReceiver();
    extra.push(other);
    await logRoute('tcp7', '/tcp7/hello', {
      host: '127.0.0.1',
      port: plain.port,
      batch_max_size: 1,
    });
    expect((await node.request('/tcp7/hello')).status).toBe(200);
    await waitEntry(plain, 'tcp7');
    await logRoute('tcp7', '/tcp7/hello', {
      host: '127.0.0.1',
      port: other.port,
      batch_max_size: 1,
    });
    expect((await node.request('/tcp7/hello')).status).toBe(200);
    const entry = await waitEntry(other, 'tcp7');
    expect(entry).toMatchObject({ request: { uri: '/tcp7/hello' } });
  });

  it('TEST 8: a log_format that is not an object is refused in the metadata', async () => {
    const res = await node.admin.put('/apisix/admin/plugin_metadata/tcp-logger', {
      log_format: "'$host' '$time_iso8601'",
    });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toContain('log_format');
  });

  it('TEST 9-11: log_format from the plugin metadata, then removed', async () => {
    await logRoute('tcp9', '/tcp9/hello', {
      host: '127.0.0.1',
      port: plain.port,
      batch_max_size: 1,
      inactive_timeout: 1,
    });
    const meta = await node.admin.put('/apisix/admin/plugin_metadata/tcp-logger', {
      log_format: {
        'case name': 'plugin_metadata',
        host: '$host',
        '@timestamp': '$time_iso8601',
        client_ip: '$remote_addr',
      },
    });
    expect(meta.status).toBeLessThan(300);
    const entry = await waitFor('an entry in the metadata format', async () => {
      const from = plain.closed.length;
      await node.request('/tcp9/hello');
      const e = await waitEntry(plain, 'tcp9', from);
      return e['case name'] === 'plugin_metadata' ? e : undefined;
    });
    expect(entry).toMatchObject({ client_ip: '127.0.0.1', route_id: 'tcp9' });
    expect(typeof entry['@timestamp']).toBe('string');
    expect(entry.request).toBeUndefined();

    expect(
      (await node.admin.put('/apisix/admin/plugin_metadata/tcp-logger', { log_format: {} })).status,
    ).toBeLessThan(300);
    await waitFor('the default entry again', async () => {
      const from = plain.closed.length;
      await node.request('/tcp9/hello');
      const e = await waitEntry(plain, 'tcp9', from);
      return e.request !== undefined;
    });
  });

  it('TEST 12-13: log_format in the plugin conf', async () => {
    const from = plain.closed.length;
    await logRoute('tcp12', '/tcp12/hello', {
      host: '127.0.0.1',
      port: plain.port,
      tls: false,
      log_format: { 'case name': 'logger format in plugin', vip: '$remote_addr' },
      batch_max_size: 1,
      inactive_timeout: 1,
    });
    await node.request('/tcp12/hello');
    expect(await waitEntry(plain, 'tcp12', from)).toMatchObject({
      'case name': 'logger format in plugin',
      vip: '127.0.0.1',
      route_id: 'tcp12',
    });
  });

  it('TEST 14: tls — the entry goes over TLS, tls_options as the server name', async () => {
    await logRoute('tcp14', '/tcp14/hello', {
      host: '127.0.0.1',
      port: secure.port,
      tls: true,
      tls_options: 'logs.test',
      batch_max_size: 1,
    });
    expect((await node.request('/tcp14/hello')).status).toBe(200);
    const entry = await waitEntry(secure, 'tcp14');
    expect(entry).toMatchObject({ request: { uri: '/tcp14/hello' } });
    expect(secure.serverNames[0]).toBe('logs.test');
  });

  it('TEST 15: include_req_body puts the request body in the entry', async () => {
    const from = secure.closed.length;
    await logRoute('tcp15', '/tcp15/hello', {
      host: '127.0.0.1',
      port: secure.port,
      tls: true,
      batch_max_size: 1,
      include_req_body: true,
    });
    await node.request('/tcp15/hello', { method: 'POST', body: '{"sample_payload":"hello"}' });
    const entry = (await waitEntry(secure, 'tcp15', from)) as { request: Entry };
    expect(entry.request.body).toBe('{"sample_payload":"hello"}');
  });

  it('TEST 16: include_resp_body puts the response body in the entry', async () => {
    const from = plain.closed.length;
    await logRoute('tcp16', '/tcp16/hello', {
      host: '127.0.0.1',
      port: plain.port,
      batch_max_size: 1,
      include_resp_body: true,
    });
    await node.request('/tcp16/hello', { method: 'POST', body: '{"sample_payload":"hello"}' });
    const entry = (await waitEntry(plain, 'tcp16', from)) as { response: Entry };
    expect(entry.response.body).toBe('hello world\n');
  });

  it('include_req_body_expr: the body is logged only when the condition holds', async () => {
    const bad = await putConf({
      host: '127.0.0.1',
      port: 3000,
      include_req_body: true,
      include_req_body_expr: [['arg_log_body', 'no-such-op', 'yes']],
    });
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toContain("failed to validate the 'include_req_body_expr' expression");
    const from = plain.closed.length;
    await logRoute('tcp-expr', '/tcp-expr/hello', {
      host: '127.0.0.1',
      port: plain.port,
      batch_max_size: 1,
      include_req_body: true,
      include_req_body_expr: [['arg_log_body', '==', 'yes']],
    });
    await node.request('/tcp-expr/hello?log_body=yes', { method: 'POST', body: '{"env":"dev"}' });
    await node.request('/tcp-expr/hello', { method: 'POST', body: '{"env":"prod"}' });
    const logged = await waitFor('both entries', () => {
      const mine = allEntries(plain, from).filter(
        (e) => e.route_id === 'tcp-expr' && e.client_ip === '127.0.0.1',
      ) as { request: Entry }[];
      return mine.length >= 2 ? mine : undefined;
    });
    const byUri = new Map(logged.map((e) => [String(e.request.uri), e.request]));
    expect(byUri.get('/tcp-expr/hello?log_body=yes')?.body).toBe('{"env":"dev"}');
    expect(byUri.get('/tcp-expr/hello')?.body).toBeUndefined();
  });

  it('a route written into etcd as APISIX 3.x writes it is served and logs', async () => {
    const from = plain.closed.length;
    await node.putEtcd('routes/tcp-apisix', {
      id: 'tcp-apisix',
      uri: '/tcp-apisix/hello',
      plugins: {
        'tcp-logger': {
          host: '127.0.0.1',
          port: plain.port,
          tls: false,
          timeout: 1000,
          name: 'tcp logger',
          batch_max_size: 1,
          inactive_timeout: 5,
          buffer_duration: 60,
          max_retry_count: 0,
          retry_delay: 1,
          include_req_body: false,
          include_resp_body: false,
          max_req_body_bytes: 524288,
          max_resp_body_bytes: 524288,
        },
      },
      upstream: { ...node.upstream, hash_on: 'vars', scheme: 'http', pass_host: 'pass' },
      status: 1,
      priority: 0,
      create_time: 1_700_000_000,
      update_time: 1_700_000_000,
    });
    await waitFor('the APISIX-written route', async () => {
      return (await node.request('/tcp-apisix/hello')).status === 200;
    });
    const entry = await waitEntry(plain, 'tcp-apisix', from);
    expect(entry).toMatchObject({
      request: { uri: '/tcp-apisix/hello' },
      response: { status: 200 },
    });
  });
});
