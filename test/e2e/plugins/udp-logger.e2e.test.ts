/**
 * udp-logger through a real `tollgate start` on the suite's etcd, configured through the Admin
 * API, logging to a UDP receiver on loopback: APISIX's t/plugin/udp-logger.t cases that define
 * behaviour (schema, delivery as one datagram per batch, an unresolvable host not affecting the
 * client, a configuration update, metadata and route log_format, request and response bodies),
 * and one route written straight into etcd as APISIX writes it.
 */
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';
import { startUdpReceiver, type UdpReceiver } from './support/net-receivers';

jest.setTimeout(60_000);

let node: AccessNode;
let udp: UdpReceiver;
let other: UdpReceiver;

beforeAll(async () => {
  node = await startAccessNode('udp-logger');
  udp = await startUdpReceiver();
  other = await startUdpReceiver();
});

afterAll(async () => {
  await node?.close();
  await udp?.close();
  await other?.close();
});

type Entry = Record<string, unknown>;

async function logRoute(id: string, uri: string, conf: Record<string, unknown>) {
  await node.putRoute(id, { uri, plugins: { 'udp-logger': conf }, upstream: node.upstream }, uri);
}

/** Every entry `receiver` got (a datagram holds one object, or an array of them). */
function allEntries(receiver: UdpReceiver, from = 0): Entry[] {
  return receiver.datagrams.slice(from).flatMap((text) => {
    const value = JSON.parse(text) as Entry | Entry[];
    return Array.isArray(value) ? value : [value];
  });
}

/** The first entry of route `routeId` for the test's own requests (from 127.0.0.1). */
function waitEntry(receiver: UdpReceiver, routeId: string, from = 0): Promise<Entry> {
  return waitFor(`an entry of ${routeId}`, () =>
    allEntries(receiver, from).find(
      (e) => e.route_id === routeId && (e.client_ip ?? e.vip) === '127.0.0.1',
    ),
  );
}

const putConf = (conf: unknown) =>
  node.admin.put('/apisix/admin/routes/udp-schema', {
    uri: '/udp-schema',
    plugins: { 'udp-logger': conf },
    upstream: node.upstream,
  });

const errorOf = (res: { json: unknown }) => (res.json as { error_msg: string }).error_msg;

describe('udp-logger (APISIX t/plugin/udp-logger.t)', () => {
  it('TEST 1: sanity — host and port are enough', async () => {
    expect((await putConf({ host: '127.0.0.1', port: 3000 })).status).toBeLessThan(300);
  });

  it('TEST 2: missing host is refused', async () => {
    const res = await putConf({ port: 3000 });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toContain('"host" is required');
  });

  it('TEST 3: timeout of the wrong type is refused', async () => {
    const res = await putConf({ host: '127.0.0.1', port: 3000, timeout: '10' });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatch(/timeout/);
  });

  it('schema: port below 0, timeout 0 and a bad include_req_body_expr are refused', async () => {
    for (const bad of [
      { host: '127.0.0.1', port: -1 },
      { host: '127.0.0.1', port: 3000, timeout: 0 },
      { host: '127.0.0.1', port: 3000, include_req_body_expr: [] },
    ]) {
      expect((await putConf(bad)).status).toBe(400);
    }
  });

  it('TEST 4-5: add plugin, access — one datagram holding the entry', async () => {
    await logRoute('udp4', '/udp4/hello', { host: '127.0.0.1', port: udp.port, batch_max_size: 1 });
    const res = await node.request('/udp4/hello');
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello world\n');
    const entry = await waitEntry(udp, 'udp4');
    expect(entry).toMatchObject({
      request: { method: 'GET', uri: '/udp4/hello' },
      response: { status: 200 },
    });
  });

  it('batches of more than one entry are one JSON array per datagram', async () => {
    const from = udp.datagrams.length;
    await logRoute('udp-batch', '/udp-batch/hello', {
      host: '127.0.0.1',
      port: udp.port,
      batch_max_size: 3,
      inactive_timeout: 1,
    });
    for (let i = 0; i < 3; i++) expect((await node.request('/udp-batch/hello')).status).toBe(200);
    await waitFor('a datagram of 3 entries', () =>
      udp.datagrams.slice(from).some((t) => t.startsWith('[') && JSON.parse(t).length === 3),
    );
  });

  it('TEST 6: an unresolvable host fails the batch; the client gets its answer', async () => {
    await logRoute('udp6', '/udp6/hello', {
      host: '312.0.0.1',
      port: 2000,
      batch_max_size: 1,
      timeout: 1,
    });
    const res = await node.request('/udp6/hello');
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello world\n');
  });

  it('updating the configuration sends to the new server', async () => {
    await logRoute('udp7', '/udp7/hello', { host: '127.0.0.1', port: udp.port, batch_max_size: 1 });
    await node.request('/udp7/hello');
    await waitEntry(udp, 'udp7');
    await logRoute('udp7', '/udp7/hello', {
      host: '127.0.0.1',
      port: other.port,
      batch_max_size: 1,
    });
    await node.request('/udp7/hello');
    expect(await waitEntry(other, 'udp7')).toMatchObject({ request: { uri: '/udp7/hello' } });
  });

  it('metadata: a log_format that is not an object is refused', async () => {
    const res = await node.admin.put('/apisix/admin/plugin_metadata/udp-logger', {
      log_format: "'$host' '$time_iso8601'",
    });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toContain('log_format');
  });

  it('log_format from the plugin metadata, then the route log_format wins', async () => {
    await logRoute('udp9', '/udp9/hello', { host: '127.0.0.1', port: udp.port, batch_max_size: 1 });
    const meta = await node.admin.put('/apisix/admin/plugin_metadata/udp-logger', {
      log_format: { 'case name': 'plugin_metadata', host: '$host', client_ip: '$remote_addr' },
    });
    expect(meta.status).toBeLessThan(300);
    const entry = await waitFor('an entry in the metadata format', async () => {
      const from = udp.datagrams.length;
      await node.request('/udp9/hello');
      const e = await waitEntry(udp, 'udp9', from);
      return e['case name'] === 'plugin_metadata' ? e : undefined;
    });
    expect(entry.request).toBeUndefined();

    const from = udp.datagrams.length;
    await logRoute('udp10', '/udp10/hello', {
      host: '127.0.0.1',
      port: udp.port,
      batch_max_size: 1,
      log_format: { 'case name': 'logger format in plugin', vip: '$remote_addr' },
    });
    await node.request('/udp10/hello');
    expect(await waitEntry(udp, 'udp10', from)).toMatchObject({
      'case name': 'logger format in plugin',
    });
    await node.admin.delete('/apisix/admin/plugin_metadata/udp-logger');
  });

  it('include_req_body and include_resp_body put the bodies in the entry', async () => {
    const from = udp.datagrams.length;
    await logRoute('udp11', '/udp11/hello', {
      host: '127.0.0.1',
      port: udp.port,
      batch_max_size: 1,
      include_req_body: true,
      include_resp_body: true,
    });
    await node.request('/udp11/hello', { method: 'POST', body: '{"sample_payload":"hello"}' });
    const entry = (await waitEntry(udp, 'udp11', from)) as {
      request: Entry;
      response: Entry;
    };
    expect(entry.request.body).toBe('{"sample_payload":"hello"}');
    expect(entry.response.body).toBe('hello world\n');
  });

  it('a route written into etcd as APISIX 3.x writes it is served and logs', async () => {
    await node.putEtcd('routes/udp-apisix', {
      id: 'udp-apisix',
      uri: '/udp-apisix/hello',
      plugins: {
        'udp-logger': {
          host: '127.0.0.1',
          port: udp.port,
          timeout: 3,
          name: 'udp logger',
          batch_max_size: 1,
          inactive_timeout: 5,
          buffer_duration: 60,
          max_retry_count: 0,
          retry_delay: 1,
          include_req_body: false,
          include_resp_body: false,
        },
      },
      upstream: { ...node.upstream, hash_on: 'vars', scheme: 'http', pass_host: 'pass' },
      status: 1,
      priority: 0,
      create_time: 1_700_000_000,
      update_time: 1_700_000_000,
    });
    await waitFor(
      'the APISIX-written route',
      async () => (await node.request('/udp-apisix/hello')).status === 200,
    );
    expect(await waitEntry(udp, 'udp-apisix')).toMatchObject({ response: { status: 200 } });
  });
});
