/**
 * deploy/local/cluster.sh as a user runs it: `up` (3 etcd members, Redis, a control plane, two
 * data planes, two mock LLMs, scenarios 1 and 2 loaded), a request through each data plane,
 * `status`; then the multi-node tests against that cluster (a route written once on the control
 * plane served by both data planes, a Redis quota shared by them, an etcd member lost, an
 * instance killed under scenario 1); then `down`, after which no process of the cluster and no
 * port of its block is left.
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

/** The control plane's Admin API (cluster.sh's default admin key). */
function adminOf(base: number) {
  return async (method: string, path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${base + 20}/apisix/admin/${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': 'local-cluster-admin-key' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.text() };
  };
}

/**
 * Poll both data planes until `ok(status)` holds on each (bounded: 150 tries, 100 ms apart);
 * `budget` caps the 2xx answers spent while polling (a quota under test), spread over both.
 */
async function untilBoth(
  base: number,
  uri: string,
  ok: (status: number) => boolean,
  budget = Infinity,
): Promise<void> {
  let served = 0;
  for (const port of [base + 31, base + 41]) {
    let last = 0;
    for (let tries = 0; tries < 150; tries++) {
      if (served >= budget) {
        // Spent: only wait for the route to exist (a 429 shows it does, without charging).
        last = (await chat(port, uri)).status;
        if (last !== 404) break;
      } else {
        last = (await chat(port, uri)).status;
        if (last >= 200 && last < 300) served++;
        if (ok(last)) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!ok(last)) throw new Error(`${uri} on ${port}: last status ${last}`);
  }
}

function need(pid: number | undefined): number {
  if (!pid) throw new Error('no pid from status');
  return pid;
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

  let started: number;
  let pids: number[];

  it('up: every process runs, scenarios 1 and 2 answer on both data planes', async () => {
    started = Date.now();
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
    pids = rows.map((r) => Number(r.split(/\s+/)[1]));

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
  });

  it('multi-node: a route written once serves on both data planes; a Redis quota is shared by them', async () => {
    const admin = adminOf(base);
    const put = await admin('PUT', 'routes/shared-quota', {
      uri: '/shared-quota',
      methods: ['POST'],
      plugins: {
        'ai-proxy': {
          provider: 'openai-compatible',
          auth: { header: { Authorization: 'Bearer local' } },
          override: { endpoint: `http://127.0.0.1:${base + 51}/v1/chat/completions` },
        },
        // One token a minute: the first request crosses it (and is served, as in APISIX), every
        // later one is refused, on whichever data plane it lands, because the counter is Redis'.
        'ai-rate-limiting': {
          limit: 1,
          time_window: 60,
          rejected_code: 429,
          policy: 'redis',
          redis_host: '127.0.0.1',
          redis_port: base + 10,
        },
      },
    });
    expect(put.status).toBe(201);
    await untilBoth(base, '/shared-quota', (status) => status !== 404, 1);
    // untilBoth's one successful request crossed the limit on one plane: both refuse from now.
    for (const port of [base + 31, base + 41, base + 31, base + 41]) {
      expect(`${port} ${(await chat(port, '/shared-quota')).status}`).toBe(`${port} 429`);
    }
  });

  it('multi-node: an etcd member down keeps writes and both data planes; a dead instance fails over', async () => {
    const admin = adminOf(base);
    // etcd-2 (second row of status) dies: two of three members keep the quorum.
    process.kill(need(pids[1]), 'SIGKILL');
    const put = await admin('PUT', 'routes/after-etcd-member-loss', {
      uri: '/after-member-loss',
      methods: ['POST'],
      plugins: {
        'ai-proxy': {
          provider: 'openai-compatible',
          auth: { header: { Authorization: 'Bearer local' } },
          override: { endpoint: `http://127.0.0.1:${base + 51}/v1/chat/completions` },
        },
      },
    });
    expect(put.status).toBe(201);
    await untilBoth(base, '/after-member-loss', (status) => status === 200);
    // The priority-10 mock (self-hosted-c) dies: scenario 1 falls back to self-hosted-b on both
    // planes, with no failed request.
    process.kill(need(pids[8]), 'SIGKILL');
    for (let i = 0; i < 6; i++) {
      for (const port of [base + 31, base + 41]) {
        const res = await chat(port, '/anything');
        expect(`${port} ${res.status}`).toBe(`${port} 200`);
        expect(res.body).toContain('Hello from self-hosted-b');
      }
    }
  });

  it('down: no process and no port left', async () => {
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
    expect(Date.now() - started).toBeLessThan(90_000);
  });
});
