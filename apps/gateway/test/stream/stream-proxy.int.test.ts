/**
 * The stream proxy in one process, on loopback: what the e2e tests cannot wait for cheaply —
 * the idle timeout of TCP connections and UDP sessions (the upstream's `timeout.read`), a route
 * whose every node is down, and limit-conn's `burst` (delayed, then refused).
 */
import net from 'node:net';
import dgram from 'node:dgram';
import { createLogger } from '@tollgate/core';
import { LocalCounterStore } from '@tollgate/limiter';
import { freePort, startTcpEcho, tcpExchange, waitFor, type StreamServer } from '@tollgate/testkit';
import { compileStreamRoutes, startStreamProxy, type RunningStreamProxy } from '../../src/stream';
import type { StreamRouteTable } from '../../src/stream/stream-routes';

jest.setTimeout(30_000);

const counters = new LocalCounterStore();
let echo: StreamServer;
let udpEcho: StreamServer;
let proxy: RunningStreamProxy;
let table: StreamRouteTable | undefined;
const ports = { idle: 0, dead: 0, limited: 0, udp: 0 };

function routes(defs: Record<string, Record<string, unknown>>): StreamRouteTable {
  return compileStreamRoutes(
    new Map(Object.entries(defs)),
    new Map(),
    (owner, value) =>
      value.upstream ? { key: `${owner}#upstream`, conf: value.upstream as never } : undefined,
    [],
  );
}

const shortTimeout = { connect: 0.5, send: 1, read: 0.3 };

/** A UDP server answering every datagram with the source port it came from. */
async function startPortEcho(): Promise<StreamServer> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (_msg, rinfo) => socket.send(String(rinfo.port), rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    hits: 0,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

beforeAll(async () => {
  echo = await startTcpEcho('E');
  udpEcho = await startPortEcho();
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
  const dead = await freePort();
  table = routes({
    idle: {
      server_port: ports.idle,
      upstream: {
        type: 'roundrobin',
        timeout: shortTimeout,
        nodes: { [`127.0.0.1:${echo.port}`]: 1 },
      },
    },
    dead: {
      server_port: ports.dead,
      upstream: { type: 'roundrobin', timeout: shortTimeout, nodes: { [`127.0.0.1:${dead}`]: 1 } },
    },
    limited: {
      server_port: ports.limited,
      plugins: {
        'limit-conn': {
          conn: 1,
          burst: 1,
          default_conn_delay: 0.4,
          key: 'remote_addr',
          key_type: 'var',
          key_ttl: 3600,
          policy: 'local',
          redis_prefix: 'limit_conn',
          rejected_code: 503,
          allow_degradation: false,
        },
      },
      upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
    },
    udp: {
      server_port: ports.udp,
      upstream: {
        type: 'roundrobin',
        timeout: shortTimeout,
        nodes: { [`127.0.0.1:${udpEcho.port}`]: 1 },
      },
    },
  });
  proxy = await startStreamProxy({
    tcp: [ports.idle, ports.dead, ports.limited].map((port) => ({
      ip: '127.0.0.1',
      port,
      tlsPassthrough: false,
    })),
    udp: [{ ip: '127.0.0.1', port: ports.udp }],
    routes: () => table,
    localTraffic: counters,
    log: createLogger('stream-test'),
  });
});

afterAll(async () => {
  await proxy.close(0);
  await echo.close();
  await udpEcho.close();
  await counters.close();
});

/** Milliseconds until the proxy closes a connection that stays silent after its greeting. */
function silentFor(port: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let greeted = 0;
    socket.once('data', () => (greeted = performance.now()));
    socket.on('error', () => socket.destroy());
    socket.once('close', () => resolve(greeted === 0 ? -1 : performance.now() - greeted));
  });
}

it('closes a TCP connection idle for the upstream timeout.read', async () => {
  const ms = await silentFor(ports.idle);
  expect(ms).toBeGreaterThanOrEqual(250);
  expect(ms).toBeLessThan(5_000);
});

it('closes the client when no node of the upstream accepts', async () => {
  const started = performance.now();
  expect(await tcpExchange(ports.dead, { end: false })).toEqual(Buffer.alloc(0));
  expect(performance.now() - started).toBeLessThan(5_000);
});

it('limit-conn: one beyond conn waits default_conn_delay, beyond burst is refused', async () => {
  const first = net.connect({ host: '127.0.0.1', port: ports.limited });
  await new Promise<void>((resolve) => first.once('data', () => resolve()));
  const started = performance.now();
  const second = net.connect({ host: '127.0.0.1', port: ports.limited });
  const secondGreeted = new Promise<number>((resolve) =>
    second.once('data', () => resolve(performance.now() - started)),
  );
  // While the second waits its delay, a third from the same address is over conn + burst.
  await waitFor('the second connection counted', async () => {
    const third = await tcpExchange(ports.limited, { end: false, timeoutMs: 2_000 });
    return third.length === 0;
  });
  expect(await secondGreeted).toBeGreaterThanOrEqual(350);
  first.destroy();
  second.destroy();
});

it('ends a UDP session after the idle timeout; the next datagram opens a new one', async () => {
  const client = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', () => resolve()));
  /** The source port the upstream saw for a datagram from `client` (the session's socket). */
  const sessionPort = (message: string) =>
    new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 2_000);
      client.once('message', (reply) => {
        clearTimeout(timer);
        resolve(reply.toString());
      });
      client.send(message, ports.udp, '127.0.0.1');
    });
  const first = await waitFor('the first reply', () => sessionPort('a'));
  expect(await sessionPort('b')).toBe(first);
  // Probes 500 ms apart leave the session idle past timeout.read (0.3 s) in between.
  const next = await waitFor(
    'a new session',
    async () => {
      const port = await sessionPort('c');
      return port !== undefined && port !== first ? port : undefined;
    },
    10_000,
    500,
  );
  expect(next).not.toBe(first);
  client.close();
});
