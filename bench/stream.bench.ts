/**
 * The L4 proxy (issue 11, item 5): one `tollgate start` (proxy_mode http&stream, 1 worker, on a
 * private etcd) in front of a TCP and a UDP echo, measured in one run against the same echoes
 * reached directly:
 * - bulk TCP throughput (MB/s of payload echoed back, one connection and 4 in parallel) and the
 *   gateway's CPU per MB;
 * - added latency of small request/response round trips: 64 bytes on a kept connection, a new
 *   connection per exchange (connect, 64 bytes, close), and a UDP datagram.
 * Gateway and client are pinned to different CPUs when taskset exists.
 */
import net from 'node:net';
import {
  AdminClient,
  freePort,
  startEtcd,
  startTcpEcho,
  startTollgate,
  startUdpEcho,
  tcpExchange,
  udpExchange,
  waitFor,
} from '@tollgate/testkit';
import { cpuMicros, pin, printTable, processTree } from './lib';

const BULK_MB = Number(process.env.BENCH_STREAM_MB ?? 200);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 3000);
const CONNECTS = Number(process.env.BENCH_CONNECTS ?? 1000);
const GATEWAY_CPUS = process.env.BENCH_GATEWAY_CPUS ?? '0';
const CLIENT_CPUS = process.env.BENCH_CLIENT_CPUS ?? '1';
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** Sends `bytes` on one connection and resolves when all came back (seconds). */
function bulk(port: number, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const started = process.hrtime.bigint();
    let received = 0;
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += CHUNK.length;
        if (!socket.write(CHUNK)) return void socket.once('drain', pump);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= bytes) {
        socket.destroy();
        resolve(Number(process.hrtime.bigint() - started) / 1e9);
      }
    });
    socket.on('error', reject);
    socket.once('connect', pump);
  });
}

/** Median and p99 (ms) of `n` 64-byte round trips on one kept connection. */
async function keptRoundTrips(port: number, n: number): Promise<number[]> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.setNoDelay(true);
  const message = Buffer.alloc(64, 0x62);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    let got = 0;
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        got += chunk.length;
        if (got >= message.length) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
      socket.write(message);
    });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  socket.destroy();
  return times;
}

async function timedEach(n: number, op: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await op();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

function pct(times: number[], p: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main() {
  const clientPinned = pin([process.pid], CLIENT_CPUS);
  const etcd = await startEtcd();
  const echo = await startTcpEcho();
  const udpEcho = await startUdpEcho('');
  const [httpPort, adminPort, tcpPort, udpPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const key = 'bench-stream-admin-key';
  const node = await startTollgate({
    config: {
      apisix: {
        node_listen: [{ ip: '127.0.0.1', port: httpPort }],
        proxy_mode: 'http&stream',
        stream_proxy: { tcp: [`127.0.0.1:${tcpPort}`], udp: [`127.0.0.1:${udpPort}`] },
      },
      nginx_config: { worker_processes: 1 },
      deployment: {
        role: 'traditional',
        etcd: { host: [etcd.endpoint], prefix: '/apisix', timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    readyPorts: [httpPort, adminPort, tcpPort],
  });
  const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, key);
  const gatewayPid = node.process.pid;
  if (gatewayPid === undefined) throw new Error('no gateway pid');
  const gatewayPids = () => processTree(gatewayPid);
  const gatewayPinned = pin(gatewayPids(), GATEWAY_CPUS);
  for (const [id, port, target] of [
    ['tcp', tcpPort, echo.port],
    ['udp', udpPort, udpEcho.port],
  ] as const) {
    await admin.put(`/apisix/admin/stream_routes/${id}`, {
      server_port: port,
      upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${target}`]: 1 } },
    });
  }
  await waitFor('the TCP route', async () => {
    const back = await tcpExchange(tcpPort, { send: 'x', bytes: 1, end: false });
    return back.toString() === 'x';
  });
  await waitFor('the UDP route', async () => (await udpExchange(udpPort, 'x')) === 'x');

  const bytes = BULK_MB * 1024 * 1024;
  const rows: Record<string, string | number>[] = [];
  for (const [label, port] of [
    ['direct', echo.port],
    ['gateway', tcpPort],
  ] as const) {
    const cpu0 = cpuMicros(gatewayPids());
    const one = await bulk(port, bytes);
    const four = await Promise.all(Array.from({ length: 4 }, () => bulk(port, bytes / 4)));
    const cpuMs = (cpuMicros(gatewayPids()) - cpu0) / 1000;
    rows.push({
      path: label,
      'MB/s 1 conn': BULK_MB / one,
      'MB/s 4 conns': BULK_MB / Math.max(...four),
      'gateway CPU ms/MB': label === 'gateway' ? cpuMs / (2 * BULK_MB) : 0,
    });
  }
  process.stdout.write(`\nbulk TCP echo, ${BULK_MB} MB each way\n`);
  printTable(rows);

  const latency: Record<string, string | number>[] = [];
  const measure = async (
    label: string,
    direct: () => Promise<number[]>,
    via: () => Promise<number[]>,
  ) => {
    const d = await direct();
    const g = await via();
    latency.push({
      exchange: label,
      'direct p50 ms': pct(d, 50),
      'gateway p50 ms': pct(g, 50),
      'added p50 ms': pct(g, 50) - pct(d, 50),
      'direct p99 ms': pct(d, 99),
      'gateway p99 ms': pct(g, 99),
    });
  };
  await measure(
    `64 B kept conn x${ROUND_TRIPS}`,
    () => keptRoundTrips(echo.port, ROUND_TRIPS),
    () => keptRoundTrips(tcpPort, ROUND_TRIPS),
  );
  const message = Buffer.alloc(64, 0x63);
  const connectOnce = (port: number) => () =>
    tcpExchange(port, { send: message, bytes: message.length, end: false });
  await measure(
    `connect+64 B x${CONNECTS}`,
    () => timedEach(CONNECTS, connectOnce(echo.port)),
    () => timedEach(CONNECTS, connectOnce(tcpPort)),
  );
  await measure(
    `UDP 64 B x${CONNECTS}`,
    () => timedEach(CONNECTS, () => udpExchange(udpEcho.port, message.toString())),
    () => timedEach(CONNECTS, () => udpExchange(udpPort, message.toString())),
  );
  process.stdout.write('\nsmall request/response round trips\n');
  printTable(latency);
  process.stdout.write(
    `\npinned: gateway ${gatewayPinned ? GATEWAY_CPUS : 'no'}, client ${clientPinned ? CLIENT_CPUS : 'no'}\n`,
  );

  await node.destroy();
  await echo.close();
  await udpEcho.close();
  await etcd.destroy();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
