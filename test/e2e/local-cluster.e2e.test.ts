/**
 * deploy/local/cluster.sh as a user runs it: `up` (3 etcd members, Redis, a control plane, two
 * data planes, two mock LLMs, scenarios 1 and 2 loaded), a request through each data plane,
 * `status`, then `down`, after which no process of the cluster and no port of its block is left.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'deploy', 'local', 'cluster.sh');

jest.setTimeout(60_000);

/** Listening TCP ports of this machine (ss), as numbers. */
async function listeningPorts(): Promise<number[]> {
  const { stdout } = await run('ss', ['-Hltn']);
  return stdout
    .split('\n')
    .map((l) => Number(/:(\d+)\s/.exec(l.trim().split(/\s+/)[3] + ' ')?.[1]))
    .filter((p) => p > 0);
}

/** A block of 60 ports (base .. base+59) with nothing listening, in 20000-31999. */
async function freeBlock(): Promise<number> {
  const taken = new Set(await listeningPorts());
  for (let tries = 0; tries < 50; tries++) {
    const base = 20_000 + 100 * Math.floor(Math.random() * 120); // below the ephemeral range
    if (![...Array(60).keys()].some((i) => taken.has(base + i))) return base;
  }
  throw new Error('no free block of 60 ports');
}

async function chat(port: number, uri: string, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${uri}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Hello' }] }),
  });
  const body = await res.text();
  return { status: res.status, body };
}

describe('deploy/local/cluster.sh', () => {
  let base: number;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let upDone = false;

  beforeAll(async () => {
    base = await freeBlock();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cluster-'));
    env = {
      ...process.env,
      TOLLGATE_CLUSTER_DIR: dir,
      TOLLGATE_CLUSTER_PORT_BASE: String(base),
    };
  });

  afterAll(async () => {
    // A failed test still takes the cluster down.
    if (upDone) await run('sh', [SCRIPT, 'down'], { env }).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('up, a request through each data plane, status, down with nothing left', async () => {
    const started = Date.now();
    upDone = true;
    const up = await run('sh', [SCRIPT, 'up'], { env, timeout: 45_000 });
    expect(up.stdout).toContain('loaded deploy/examples/scenario1-route.json (201)');
    expect(up.stdout).toContain('loaded test/fixtures/user-scenarios/scenario2-route.json (201)');
    expect(up.stdout).toContain(
      'loaded test/fixtures/user-scenarios/scenario2-consumer-a.json (201)',
    );

    const status = await run('sh', [SCRIPT, 'status'], { env });
    const rows = status.stdout.trim().split('\n').slice(1);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual([
      'etcd-1',
      'etcd-2',
      'etcd-3',
      'redis',
      'control-plane',
      'data-plane-1',
      'data-plane-2',
      'mock-llm-b',
      'mock-llm-c',
    ]);
    for (const r of rows) {
      expect(r).toMatch(/ up /);
      expect(r).not.toContain('(closed)');
    }
    const pids = rows.map((r) => Number(r.split(/\s+/)[1]));

    // Scenario 1 on both data planes: the priority-10 instance answers.
    for (const port of [base + 31, base + 41]) {
      const s1 = await chat(port, '/anything');
      expect(`${port} ${s1.status}`).toBe(`${port} 200`);
      expect(s1.body).toContain('Hello from self-hosted-c');
      // Scenario 2: key-auth with consumer_a's key, then without.
      const s2 = await chat(port, '/scenario2', { apikey: 'consumer_a_key' });
      expect(`${port} ${s2.status}`).toBe(`${port} 200`);
      expect(s2.body).toContain('Hello from self-hosted-b');
      expect((await chat(port, '/scenario2')).status).toBe(401);
    }

    const down = await run('sh', [SCRIPT, 'down'], { env, timeout: 30_000 });
    upDone = false;
    expect(down.stdout).toContain('down: no process and no port left');

    // Checked here too, independently of the script: no listener in the block, no process left.
    const left = (await listeningPorts()).filter((p) => p >= base && p < base + 60);
    expect(left).toEqual([]);
    const { stdout: ps } = await run('ps', ['-eo', 'pid=,sid=,stat=,args=']);
    const alive = ps
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([pid, sid, stat]) => {
        const inCluster = pids.includes(Number(pid)) || pids.includes(Number(sid));
        return inCluster && !stat?.startsWith('Z');
      });
    expect(alive).toEqual([]);
    const byDir = ps.split('\n').filter((l) => l.includes(dir) && !/^\s*\d+\s+\d+\s+Z/.test(l));
    expect(byDir).toEqual([]);
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
