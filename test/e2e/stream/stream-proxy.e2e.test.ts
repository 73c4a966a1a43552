/**
 * The L4 proxy through a real `tollgate start` (proxy_mode http&stream, 2 workers) on etcd,
 * stream routes written through the Admin API: TCP and UDP bytes both ways by server port, by
 * remote_addr and by SNI (TLS passed through to two backends, each presenting its own
 * certificate), a 20 MB transfer intact, half-close, a dead first node falling over to the
 * second, stream ip-restriction and limit-conn.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import {
  AdminClient,
  freePort,
  makeCa,
  makeCert,
  startTcpCounter,
  startTcpEcho,
  startTlsBackend,
  startTollgate,
  startUdpEcho,
  tcpExchange,
  testEtcdEndpoint,
  udpExchange,
  uniquePrefix,
  waitFor,
  type StreamServer,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(120_000);

const PORTS = ['byPort', 'byAddr', 'failover', 'restricted', 'limited', 'halfClose'] as const;
type PortName = (typeof PORTS)[number];

let node: TollgateNode;
let admin: AdminClient;
const tcp = {} as Record<PortName, number>;
let tlsPort: number;
let udpPort: number;
const servers: StreamServer[] = [];
let echoA: StreamServer;
let echoB: StreamServer;
let echoC: StreamServer;
let udpEcho: StreamServer;
let tls1: StreamServer;
let tls2: StreamServer;
let ca: { cert: string; key: string };

const upstream = (...ports: number[]) => ({
  type: 'roundrobin',
  nodes: Object.fromEntries(ports.map((p) => [`127.0.0.1:${p}`, 1])),
});

async function putStreamRoute(id: string, body: Record<string, unknown>): Promise<void> {
  const reply = await admin.put(`/apisix/admin/stream_routes/${id}`, body);
  if (reply.status !== 201 && reply.status !== 200) {
    throw new Error(`PUT stream route ${id}: ${reply.status} ${reply.text}`);
  }
}

/** The first line a connection to `port` receives. */
async function banner(port: number, localAddress?: string): Promise<string> {
  const data = await tcpExchange(port, { localAddress, end: false, bytes: 2, timeoutMs: 5_000 });
  return data.toString().split('\n')[0] ?? '';
}

/** Waits until `n` connections in a row (spread over the workers) get `expected`. */
async function served(port: number, expected: string, localAddress?: string): Promise<void> {
  await waitFor(`${port} to answer ${expected}`, async () => {
    for (let i = 0; i < 4; i++) if ((await banner(port, localAddress)) !== expected) return false;
    return true;
  });
}

/** A connection that got its greeting, left open; undefined when it was closed instead. */
function holdConnection(port: number): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, 2_000);
    socket.once('data', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    socket.on('error', () => socket.destroy());
  });
}

function tlsHello(servername: string): Promise<{ line: string; cn: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: tlsPort, servername, ca: ca.cert });
    let data = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('TLS exchange timed out')));
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (data += c));
    socket.on('error', reject);
    socket.on('end', () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.destroy();
      resolve({ line: data.trim(), cn });
    });
  });
}

beforeAll(async () => {
  ca = makeCa();
  echoA = await startTcpEcho('A');
  echoB = await startTcpEcho('B');
  echoC = await startTcpEcho('C');
  udpEcho = await startUdpEcho('U:');
  tls1 = await startTlsBackend(makeCert(ca, { cn: 'a.test.com' }), 'backend-a');
  tls2 = await startTlsBackend(makeCert(ca, { cn: 'b.test.com' }), 'backend-b');
  servers.push(echoA, echoB, echoC, udpEcho, tls1, tls2);
  for (const name of PORTS) tcp[name] = await freePort();
  tlsPort = await freePort();
  udpPort = await freePort();
  const httpPort = await freePort();
  const adminPort = await freePort();
  const key = 'stream-e2e-admin-key';
  node = await startTollgate({
    config: {
      apisix: {
        node_listen: [{ ip: '127.0.0.1', port: httpPort }],
        proxy_mode: 'http&stream',
        stream_proxy: {
          tcp: [
            ...PORTS.map((name) => `127.0.0.1:${tcp[name]}`),
            { addr: `127.0.0.1:${tlsPort}`, tls_passthrough: true },
          ],
          udp: [`127.0.0.1:${udpPort}`],
        },
      },
      nginx_config: { worker_processes: 2 },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix('stream'), timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [httpPort, adminPort, tcp.byPort, tlsPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, key);
});

afterAll(async () => {
  await node?.destroy();
  for (const server of servers) await server.close();
});

describe('TCP stream routes', () => {
  it('route by server_port: bytes both ways, a 20 MB transfer intact', async () => {
    await putStreamRoute('1', { server_port: tcp.byPort, upstream: upstream(echoA.port) });
    await served(tcp.byPort, 'A');
    const payload = crypto.randomBytes(20 * 1024 * 1024);
    const started = performance.now();
    const back = await tcpExchange(tcp.byPort, {
      send: payload,
      bytes: payload.length + 2,
      end: false,
      timeoutMs: 60_000,
    });
    const ms = performance.now() - started;
    expect(back.subarray(0, 2).toString()).toBe('A\n');
    const digest = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
    expect(back.length).toBe(payload.length + 2);
    expect(digest(back.subarray(2))).toBe(digest(payload));
    process.stdout.write(`20 MB echoed through the gateway in ${ms.toFixed(0)} ms\n`);
  });

  it('half-close: the client FIN reaches the upstream, whose answer still comes back', async () => {
    const counter = await startTcpCounter();
    servers.push(counter);
    await putStreamRoute('hc', { server_port: tcp.halfClose, upstream: upstream(counter.port) });
    const data = Buffer.alloc(100_000, 7);
    const reply = await waitFor('the counter behind the gateway', async () => {
      const text = (await tcpExchange(tcp.halfClose, { send: data, end: true })).toString();
      return text === '' ? false : text;
    });
    expect(reply).toBe('100000\n');
  });

  it('route by remote_addr: 127.0.0.2 reaches its own upstream, others the port route', async () => {
    await putStreamRoute('2', {
      server_port: tcp.byAddr,
      remote_addr: '127.0.0.2/32',
      upstream: upstream(echoC.port),
    });
    await putStreamRoute('3', { server_port: tcp.byAddr, upstream: upstream(echoB.port) });
    await served(tcp.byAddr, 'C', '127.0.0.2');
    await served(tcp.byAddr, 'B', '127.0.0.1');
  });

  it('route by SNI: two TLS backends through one port, TLS not terminated', async () => {
    await putStreamRoute('4', {
      server_port: tlsPort,
      sni: 'a.test.com',
      upstream: upstream(tls1.port),
    });
    await putStreamRoute('5', { sni: '*.test.com', upstream: upstream(tls2.port) });
    await waitFor('both SNI routes', async () => {
      const a = await tlsHello('a.test.com').catch(() => undefined);
      const b = await tlsHello('b.test.com').catch(() => undefined);
      return a?.line === 'backend-a' && b?.line === 'backend-b';
    });
    // Each backend's own certificate reaches the client: the gateway holds none of them.
    expect(await tlsHello('a.test.com')).toEqual({ line: 'backend-a', cn: 'a.test.com' });
    expect(await tlsHello('b.test.com')).toEqual({ line: 'backend-b', cn: 'b.test.com' });
  });

  it('a dead first node falls over to the second (retries)', async () => {
    const dead = await freePort();
    await putStreamRoute('6', {
      server_port: tcp.failover,
      upstream: {
        type: 'roundrobin',
        retries: 1,
        timeout: { connect: 1, send: 5, read: 5 },
        nodes: [
          { host: '127.0.0.1', port: dead, weight: 1, priority: 1 },
          { host: '127.0.0.1', port: echoA.port, weight: 1, priority: 0 },
        ],
      },
    });
    await served(tcp.failover, 'A');
  });

  it('ip-restriction refuses a client outside the whitelist', async () => {
    await putStreamRoute('7', {
      server_port: tcp.restricted,
      plugins: { 'ip-restriction': { whitelist: ['127.0.0.2'] } },
      upstream: upstream(echoB.port),
    });
    await served(tcp.restricted, 'B', '127.0.0.2');
    const before = echoB.hits;
    expect(await tcpExchange(tcp.restricted, { localAddress: '127.0.0.1', end: false })).toEqual(
      Buffer.alloc(0),
    );
    expect(echoB.hits).toBe(before);
  });

  it('limit-conn caps concurrent connections per client address', async () => {
    await putStreamRoute('8', {
      server_port: tcp.limited,
      plugins: {
        'limit-conn': { conn: 1, burst: 0, default_conn_delay: 0.1, key: 'remote_addr' },
      },
      upstream: upstream(echoC.port),
    });
    // Readiness from addresses of their own, one connection each: back-to-back connections from one
    // address would race the limit itself (a closed connection is counted until its worker sees
    // the close).
    await waitFor('the limited route on every worker', async () => {
      for (const last of [4, 5, 6, 7])
        if ((await banner(tcp.limited, `127.0.0.${last}`)) !== 'C') return false;
      return true;
    });
    const held = await waitFor('a connection admitted and held', () => holdConnection(tcp.limited));
    // The second concurrent connection from the same address is closed unanswered.
    expect(await tcpExchange(tcp.limited, { end: false })).toEqual(Buffer.alloc(0));
    // Another address has its own count.
    expect(await banner(tcp.limited, '127.0.0.3')).toBe('C');
    held.destroy();
    // Once the close is counted, the address is admitted again.
    await waitFor('the held connection released', async () => (await banner(tcp.limited)) === 'C');
  });
});

describe('UDP stream routes', () => {
  it('datagrams reach the upstream and replies come back, per client session', async () => {
    await putStreamRoute('9', { server_port: udpPort, upstream: upstream(udpEcho.port) });
    await waitFor('the UDP route', async () => (await udpExchange(udpPort, 'ping')) === 'U:ping');
    const replies = await Promise.all(['one', 'two', 'three'].map((m) => udpExchange(udpPort, m)));
    expect(replies).toEqual(['U:one', 'U:two', 'U:three']);
  });
});
