/**
 * syslog through a real `tollgate start` on the suite's etcd, configured through the Admin API,
 * logging to TCP and UDP receivers on loopback: APISIX's t/plugin/syslog.t cases that define
 * behaviour (schema, delivery, messages buffered below flush_limit, an instant flush with
 * flush_limit 1), the RFC 5424 framing, sock_type udp, metadata log_format, and one route
 * written straight into etcd as APISIX writes it.
 */
import { waitFor } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';
import {
  startTcpReceiver,
  startUdpReceiver,
  type TcpReceiver,
  type UdpReceiver,
} from './support/net-receivers';

jest.setTimeout(60_000);

let node: AccessNode;
let tcp: TcpReceiver;
let udp: UdpReceiver;

beforeAll(async () => {
  node = await startAccessNode('syslog');
  tcp = await startTcpReceiver();
  udp = await startUdpReceiver();
});

afterAll(async () => {
  await node?.close();
  await tcp?.close();
  await udp?.close();
});

type Entry = Record<string, unknown>;

/** `<46>1 TIMESTAMP HOST apisix PID - - JSON` */
const FRAME = /^<46>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+) apisix (\d+) - - (.*)$/;

interface Message {
  host: string;
  pid: number;
  entry: Entry;
}

/** The syslog messages in `text` (one per line). */
function messages(text: string): Message[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const m = FRAME.exec(line);
      if (!m) throw new Error(`not an RFC 5424 message: ${line}`);
      return { host: m[2] ?? '', pid: Number(m[3]), entry: JSON.parse(m[4] ?? '') as Entry };
    });
}

function waitMessage(text: () => string, routeId: string): Promise<Message> {
  return waitFor(`a syslog message of ${routeId}`, () =>
    messages(text()).find(
      (m) => m.entry.route_id === routeId && (m.entry.client_ip ?? m.entry.ip) === '127.0.0.1',
    ),
  );
}

async function logRoute(id: string, uri: string, conf: Record<string, unknown>) {
  await node.putRoute(id, { uri, plugins: { syslog: conf }, upstream: node.upstream }, uri);
}

const putConf = (conf: unknown) =>
  node.admin.put('/apisix/admin/routes/syslog-schema', {
    uri: '/syslog-schema',
    plugins: { syslog: conf },
    upstream: node.upstream,
  });

const errorOf = (res: { json: unknown }) => (res.json as { error_msg: string }).error_msg;

describe('syslog (APISIX t/plugin/syslog.t)', () => {
  it('TEST 1: sanity — host and port are enough', async () => {
    expect((await putConf({ host: '127.0.0.1', port: 3000 })).status).toBeLessThan(300);
  });

  it('TEST 2: missing port is refused', async () => {
    const res = await putConf({ host: '127.0.0.1' });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toContain('"port" is required');
  });

  it('TEST 3: port of the wrong type is refused', async () => {
    const res = await putConf({ host: '127.0.0.1', port: '3000' });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatch(/port/);
  });

  it('schema: sock_type, pool_size and flush_limit bounds', async () => {
    for (const bad of [
      { host: '127.0.0.1', port: 3000, sock_type: 'http' },
      { host: '127.0.0.1', port: 3000, pool_size: 4 },
      { host: '127.0.0.1', port: 3000, flush_limit: 0 },
      { host: '127.0.0.1', port: 3000, timeout: 0 },
    ]) {
      expect((await putConf(bad)).status).toBe(400);
    }
    expect(
      (await putConf({ host: '127.0.0.1', port: 3000, sock_type: 'udp', pool_size: 5 })).status,
    ).toBeLessThan(300);
  });

  it('TEST 4-6: with the default flush_limit, messages wait in the buffer until it is reached', async () => {
    const before = tcp.text().length;
    await logRoute('sys4', '/sys4/hello', { host: '127.0.0.1', port: tcp.port, batch_max_size: 1 });
    const res = await node.request('/sys4/hello');
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello world\n');
    // One entry (well under 4096 bytes) stays buffered; more traffic pushes the buffer out.
    let sent = 1;
    const message = await waitFor('the buffer written at flush_limit', async () => {
      if (tcp.text().length === before) {
        sent += 1;
        expect(sent).toBeLessThan(60);
        await node.request('/sys4/hello');
        return undefined;
      }
      return waitMessage(() => tcp.text(), 'sys4');
    });
    expect(sent).toBeGreaterThan(1);
    expect(tcp.text().length - before).toBeGreaterThanOrEqual(4096);
    expect(message.host).toBe('127.0.0.1');
    expect(message.entry).toMatchObject({ request: { uri: '/sys4/hello' } });
  });

  it('TEST 7: small flush_limit, instant flush; the RFC 5424 frame', async () => {
    await logRoute('sys7', '/sys7/hello', {
      host: '127.0.0.1',
      port: tcp.port,
      flush_limit: 1,
      batch_max_size: 1,
    });
    expect((await node.request('/sys7/hello', { headers: { host: 'logs.example' } })).status).toBe(
      200,
    );
    const message = await waitMessage(() => tcp.text(), 'sys7');
    expect(message.host).toBe('logs.example');
    expect(message.pid).toBeGreaterThan(0);
    expect(message.entry).toMatchObject({ response: { status: 200 } });
  });

  it('sock_type udp: the buffer goes out as one datagram', async () => {
    await logRoute('sys-udp', '/sys-udp/hello', {
      host: '127.0.0.1',
      port: udp.port,
      sock_type: 'udp',
      flush_limit: 1,
      batch_max_size: 1,
    });
    await node.request('/sys-udp/hello');
    const message = await waitMessage(() => udp.datagrams.join(''), 'sys-udp');
    expect(message.entry).toMatchObject({ request: { method: 'GET' } });
  });

  it('log_format from the plugin metadata', async () => {
    await logRoute('sys-meta', '/sys-meta/hello', {
      host: '127.0.0.1',
      port: tcp.port,
      flush_limit: 1,
      batch_max_size: 1,
    });
    const meta = await node.admin.put('/apisix/admin/plugin_metadata/syslog', {
      log_format: { host: '$host', '@timestamp': '$time_iso8601', ip: '$remote_addr' },
    });
    expect(meta.status).toBeLessThan(300);
    const found = await waitFor('an entry in the metadata format', async () => {
      await node.request('/sys-meta/hello');
      return messages(tcp.text()).find(
        (m) => m.entry.route_id === 'sys-meta' && m.entry.ip === '127.0.0.1',
      );
    });
    expect(found.entry.request).toBeUndefined();
    expect(typeof found.entry['@timestamp']).toBe('string');
    await node.admin.delete('/apisix/admin/plugin_metadata/syslog');
  });

  it('a route written into etcd as APISIX 3.x writes it is served and logs', async () => {
    await node.putEtcd('routes/sys-apisix', {
      id: 'sys-apisix',
      uri: '/sys-apisix/hello',
      plugins: {
        syslog: {
          host: '127.0.0.1',
          port: tcp.port,
          flush_limit: 1,
          drop_limit: 1048576,
          timeout: 3000,
          sock_type: 'tcp',
          pool_size: 5,
          tls: false,
          name: 'sys logger',
          batch_max_size: 1,
          inactive_timeout: 5,
          buffer_duration: 60,
          max_retry_count: 0,
          retry_delay: 1,
          include_req_body: false,
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
      async () => (await node.request('/sys-apisix/hello')).status === 200,
    );
    expect((await waitMessage(() => tcp.text(), 'sys-apisix')).entry).toMatchObject({
      response: { status: 200 },
    });
  });
});
