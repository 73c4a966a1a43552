/** The gentle drain of a worker a reload retires: keep-alive clients are never cut. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { GentleDrain } from './drain';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections();
});

async function serve(delayMs: number): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('ok'), delayMs);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

it('answers requests on kept-alive connections with Connection: close instead of cutting them', async () => {
  const { server, url } = await serve(2);
  const drain = new GentleDrain([server]);
  let stop = false;
  const failures: string[] = [];
  const headers: string[] = [];
  // Each client sends back to back on its connection until it is told to close it (in a node,
  // its next connection goes to another worker: the primary keeps the port open).
  const client = async () => {
    const own = new Agent({ connections: 1 });
    while (!stop) {
      try {
        const res = await request(url, { dispatcher: own });
        await res.body.text();
        headers.push(String(res.headers.connection));
        if (res.headers.connection === 'close') break;
      } catch (err) {
        failures.push((err as Error).message);
        break;
      }
    }
    await own.close();
  };
  const clients = [client(), client(), client(), client()];
  await new Promise((r) => setTimeout(r, 100));
  const drained = drain.drain({ graceMs: 5_000, idleMs: 200 });
  await Promise.all(clients);
  stop = true;
  await drained;
  expect(failures).toEqual([]);
  expect(headers.filter((h) => h === 'close')).toHaveLength(4);
  expect(server.listening).toBe(false);
});

it('closes connections once they have been idle for idleMs, and in-flight requests finish', async () => {
  const { server, url } = await serve(300);
  const drain = new GentleDrain([server]);
  const agent = new Agent({ connections: 2 });
  // One idle kept-alive connection, one request in flight.
  await (await request(url, { dispatcher: agent })).body.text();
  const inFlight = request(url, { dispatcher: agent }).then((res) => res.body.text());
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  await drain.drain({ graceMs: 5_000, idleMs: 200 });
  const took = Date.now() - started;
  expect(await inFlight).toBe('ok');
  // The in-flight answer ended at about 250 ms, and was the last keep-alive one: not before 200
  // ms after it, and long before the grace.
  expect(took).toBeGreaterThanOrEqual(200);
  expect(took).toBeLessThan(2_000);
  await agent.close();
});
