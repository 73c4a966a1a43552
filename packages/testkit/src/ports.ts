/**
 * @module ports
 * Free loopback ports chosen by the OS. Tests never hard-code ports.
 */
import net from 'node:net';

/**
 * Where `freePort` hands out ports: below Linux's ephemeral range (32768-60999), which the OS uses
 * for `listen(0)` servers and for the local end of every outgoing connection. A port chosen there
 * can be taken by one of those between the check and the child process's bind, and the test then
 * talks to somebody else's server (seen in CI with two jest workers running e2e suites).
 */
const RANGE_START = 12_000;
const PORTS_PER_WORKER = 2_000;
const WORKER_SLOTS = 10;

/**
 * Each jest worker draws from a slice of its own, so two workers never hand out the same port;
 * within a slice, ports go in turn from a random start, so a test file does not reuse the ports
 * the previous file in the same worker has only just released.
 */
const slice = (() => {
  const worker = Number(process.env.JEST_WORKER_ID ?? '0');
  const start =
    RANGE_START + (Number.isInteger(worker) ? worker % WORKER_SLOTS : 0) * PORTS_PER_WORKER;
  return { start, next: Math.floor(Math.random() * PORTS_PER_WORKER) };
})();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1, free a moment ago and handed out once in this process's slice. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORTS_PER_WORKER; tries++) {
    const port = slice.start + (slice.next++ % PORTS_PER_WORKER);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${slice.start}-${slice.start + PORTS_PER_WORKER - 1}`);
}

/** Resolve once `host:port` accepts a TCP connection, or reject after `timeoutMs`. */
export async function waitForPort(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Promise-based delay. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
