/**
 * What a node's worker processes run with, read from /proc as an operator would (issue 14): each
 * worker accepts from the shared listening socket itself (it holds the socket; the primary passes
 * no connections), in single-accept mode when it has siblings, with the larger young generation;
 * a burst of new connections is served by both workers; and a write answered by the node's Admin
 * API is served by whichever worker takes the next request.
 */
import fs from 'node:fs';
import http from 'node:http';
import {
  freePort,
  freshGet,
  waitFor,
  type AdminClient,
  type TollgateNode,
} from '@tollgate/testkit';
import { startTraditionalNode } from './plugins/support/plugin-nodes';

jest.setTimeout(60_000);

let node: TollgateNode;
let gatewayPort: number;
let admin: AdminClient;

beforeAll(async () => {
  gatewayPort = await freePort();
  ({ node, admin } = await startTraditionalNode('worker-processes', {
    port: gatewayPort,
    workers: 2,
  }));
  // The port answers once the first worker listens; the second follows within moments.
  await waitFor('both workers listening', () => workerPids().every(holdsListener));
});

afterAll(async () => {
  await node?.destroy();
});

/** Pids whose parent is `parent` (from each process's stat line: pid (comm) state ppid ...). */
function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return children;
}

function workerPids(): number[] {
  const primary = node.process.pid;
  if (primary === undefined) throw new Error('node not running');
  const workers = childrenOf(primary).filter((pid) =>
    fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('worker-main'),
  );
  expect(workers).toHaveLength(2);
  return workers;
}

/** Inodes of the sockets listening on `port` (state 0A in /proc/net/tcp). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A' && f[9]) inodes.add(f[9]);
    }
  }
  return inodes;
}

function socketInodesOf(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // The descriptor closed while the list was read.
    }
  }
  return inodes;
}

/** Whether `pid` holds one of the sockets listening on the gateway port. */
function holdsListener(pid: number): boolean {
  const held = socketInodesOf(pid);
  return [...listeningInodes(gatewayPort)].some((inode) => held.has(inode));
}

it('every worker holds the gateway port listening socket and runs in single-accept mode', () => {
  for (const pid of workerPids()) {
    expect(holdsListener(pid)).toBe(true);
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('UV_TCP_SINGLE_ACCEPT=1');
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(args).toContain('--max-semi-space-size=64');
  }
});

/**
 * 64 requests sent at once, so the agent opens 64 connections (kept open until counted); every
 * one answered 404, and their server ends counted per worker from /proc.
 */
async function burst(): Promise<Map<number, number>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const statuses: number[] = [];
  try {
    const sockets = await Promise.all(
      Array.from(
        { length: 64 },
        () =>
          new Promise<number>((resolve, reject) => {
            const req = http.request(
              { host: '127.0.0.1', port: gatewayPort, path: '/no-such-route', agent },
              (res) => {
                statuses.push(res.statusCode ?? 0);
                res.resume();
                res.on('end', () => resolve(req.socket?.localPort ?? 0));
              },
            );
            req.on('error', reject);
            req.end();
          }),
      ),
    );
    expect(statuses).toHaveLength(64);
    expect(new Set(statuses)).toEqual(new Set([404]));
    const clientPorts = new Set(sockets);
    const perWorker = new Map<number, number>();
    for (const pid of workerPids()) {
      const held = socketInodesOf(pid);
      let count = 0;
      for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        const remotePort = parseInt(f[2]?.split(':')[1] ?? '', 16);
        if (f[3] === '01' && clientPorts.has(remotePort) && f[9] && held.has(f[9])) count++;
      }
      perWorker.set(pid, count);
    }
    expect([...perWorker.values()].reduce((a, b) => a + b, 0)).toBe(clientPorts.size);
    return perWorker;
  } finally {
    agent.destroy();
  }
}

it('a burst of 64 new connections is answered, and by both workers', async () => {
  // Which worker wins each accept is up to the kernel and the scheduler: on a loaded 2-core
  // machine one worker can sleep through a whole burst of cheap 404s. A worker that never holds
  // one of up to 5 bursts' connections does not accept at all.
  const totals = new Map(workerPids().map((pid) => [pid, 0]));
  for (let round = 0; round < 5 && [...totals.values()].some((n) => n === 0); round++) {
    for (const [pid, count] of await burst()) totals.set(pid, (totals.get(pid) ?? 0) + count);
  }
  expect(totals.size).toBe(2);
  for (const count of totals.values()) expect(count).toBeGreaterThan(0);
});

it('a route is served by the first request after its PUT is answered, on any worker', async () => {
  for (let i = 0; i < 20; i++) {
    const put = await admin.put(`/apisix/admin/routes/ryw-${i}`, {
      uri: `/ryw/${i}`,
      plugins: { 'fault-injection': { abort: { http_status: 200, body: `route ${i}` } } },
    });
    expect(put.status).toBe(201);
    // Four new connections at once: both workers take some.
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => freshGet(`http://127.0.0.1:${gatewayPort}/ryw/${i}`)),
    );
    expect(answers).toEqual(Array.from({ length: 4 }, () => ({ status: 200, body: `route ${i}` })));
  }
});
