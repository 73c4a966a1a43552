/**
 * Issue 15 item 2: the process verbs against real `tollgate` processes, as an operator types
 * them: `start --daemon` then `stop`, `quit` draining an SSE stream, `reload` under a request
 * loop (0 failed requests, the new `worker_processes` in force) and `restart`.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  runTollgate,
  sleep,
  startLoad,
  waitFor,
} from '@tollgate/testkit';

jest.setTimeout(60_000);

const ADMIN_KEY = 'cli-lifecycle-key-71d2';

let dir: string;
let mock: MockLlm;
/** Pids of daemons a test started: killed (with their workers) if the test left them running. */
const daemons: number[] = [];

beforeAll(async () => {
  mock = await startMockLlm({ name: 'lifecycle' });
});
afterAll(() => mock.close());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-cli-lifecycle-'));
});
afterEach(() => {
  for (const pid of daemons.splice(0)) {
    try {
      // The daemon leads its own process group: the group is it and its workers.
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Setup {
  file: string;
  gatewayPort: number;
  adminPort: number;
  controlPort: number;
  dataDir: string;
  write(workers: number): void;
}

/** A config on the embedded store, every listener on a free loopback port. */
async function setup(workers: number): Promise<Setup> {
  const gatewayPort = await freePort();
  const adminPort = await freePort();
  const controlPort = await freePort();
  const sslPort = await freePort();
  const metricsPort = await freePort();
  const dataDir = path.join(dir, 'data');
  const file = path.join(dir, 'config.yaml');
  const write = (n: number) => {
    const config = {
      apisix: {
        node_listen: [{ ip: '127.0.0.1', port: gatewayPort }],
        control: { ip: '127.0.0.1', port: controlPort },
        ssl: { listen: [{ ip: '127.0.0.1', port: sslPort }] },
      },
      nginx_config: { worker_processes: n, http: { enable_access_log: false } },
      deployment: {
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
      plugin_attr: { prometheus: { export_addr: { ip: '127.0.0.1', port: metricsPort } } },
      tollgate: { data_dir: dataDir },
    };
    fs.writeFileSync(file, JSON.stringify(config, null, 2));
  };
  write(workers);
  return { file, gatewayPort, adminPort, controlPort, dataDir, write };
}

/** `tollgate start --daemon -c file`: returns the daemon's pid once it serves. */
async function startDaemon(s: Setup, flag = '--daemon', nodeArgs: string[] = []): Promise<number> {
  // The daemon's log at info (the tests' default is error only).
  const started = await runTollgate(['start', flag, '-c', s.file], {
    cwd: dir,
    env: { TOLLGATE_LOG_LEVEL: 'info' },
    nodeArgs,
  });
  const pid = Number(/\(pid (\d+)\)/.exec(started.stdout)?.[1]);
  if (pid > 0) daemons.push(pid);
  expect(started).toMatchObject({ code: 0, stderr: '' });
  expect(started.stdout).toBe(
    `tollgate started in the background (pid ${pid}); log: ${path.join(s.dataDir, 'tollgate.log')}\n`,
  );
  return pid;
}

const pidFile = (s: Setup) => path.join(s.dataDir, 'tollgate.pid');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function putRoute(s: Setup, id: string, uri: string): Promise<void> {
  const admin = new AdminClient(`http://127.0.0.1:${s.adminPort}`, ADMIN_KEY);
  const route = { uri, upstream: { nodes: { [`127.0.0.1:${mock.port}`]: 1 }, type: 'roundrobin' } };
  expect((await admin.put(`/apisix/admin/routes/${id}`, route)).status).toBe(201);
  const url = `http://127.0.0.1:${s.gatewayPort}${uri}`;
  await waitFor('the route', async () => (await httpRequest('GET', url)).status !== 404);
}

/** The text an OpenAI chat stream carries (its deltas' `content`, joined). */
function sseContent(body: string): string {
  return body
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => {
      const chunk = JSON.parse(line.slice(6)) as { choices: { delta: { content?: string } }[] };
      return chunk.choices[0]?.delta.content ?? '';
    })
    .join('');
}

/** The pids of the node's gateway workers, from the control API. */
async function workerPids(s: Setup): Promise<number[]> {
  const res = await httpRequest('GET', `http://127.0.0.1:${s.controlPort}/status/config`);
  return (res.json as { workers: { pid: number }[] }).workers.map((w) => w.pid);
}

it('start --daemon replaces a stale pid file and returns once the node serves; stop ends it, removes the pid file, closes the ports', async () => {
  const s = await setup(1);
  // A pid file left by a node that was killed: named in the log, then replaced.
  fs.mkdirSync(s.dataDir, { recursive: true });
  fs.writeFileSync(pidFile(s), '999999999\n');
  const pid = await startDaemon(s);
  expect(fs.readFileSync(pidFile(s), 'utf8')).toBe(`${pid}\n`);
  const stale =
    "tollgate.pid exists but there's no corresponding process with pid 999999999, the file will be overwritten";
  // The log is written asynchronously.
  await waitFor('the stale pid warning in the log', () =>
    fs.readFileSync(path.join(s.dataDir, 'tollgate.log'), 'utf8').includes(stale),
  );
  const res = await httpRequest('GET', `http://127.0.0.1:${s.gatewayPort}/nothing`);
  expect(res.status).toBe(404);

  const twice = await runTollgate(['start', '-d', '-c', s.file], { cwd: dir });
  expect(twice.code).toBe(1);
  expect(twice.stderr).toContain(`tollgate is already running on ${s.dataDir} (pid ${pid}`);

  const stop = await runTollgate(['stop', '-c', s.file], { cwd: dir });
  expect(stop).toMatchObject({ code: 0, stdout: `tollgate (pid ${pid}) has exited\n` });
  expect(alive(pid)).toBe(false);
  expect(fs.existsSync(pidFile(s))).toBe(false);
  expect(await portOpen(s.gatewayPort)).toBe(false);
  expect(await portOpen(s.adminPort)).toBe(false);
});

/** A process's command line, as its arguments. */
function commandLine(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

it("node's own arguments reach the daemon and its workers", async () => {
  const s = await setup(2);
  const pid = await startDaemon(s, '--daemon', ['--max-semi-space-size=16']);
  expect(commandLine(pid)).toContain('--max-semi-space-size=16');
  const workers = await workerPids(s);
  expect(workers).toHaveLength(2);
  for (const worker of workers) {
    // The operator's young generation, not the one workers get by default (worker-heap).
    expect(commandLine(worker)).toContain('--max-semi-space-size=16');
    expect(commandLine(worker)).not.toContain('--max-semi-space-size=64');
  }
  expect((await runTollgate(['stop', '-c', s.file], { cwd: dir })).code).toBe(0);
  expect(alive(pid)).toBe(false);
});

it('quit lets an in-flight SSE stream finish to [DONE], then the node exits', async () => {
  const s = await setup(1);
  const pid = await startDaemon(s);
  await putRoute(s, 'chat', '/v1/chat/completions');
  // 30 words at 10 tokens/s: about 3 s of stream.
  const content = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
  const res = await request(`http://127.0.0.1:${s.gatewayPort}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-mock-content': content,
      'x-mock-tokens-per-second': '10',
    },
    body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.statusCode).toBe(200);
  const chunks: string[] = [];
  const iterator = res.body[Symbol.asyncIterator]();
  const first = await iterator.next();
  chunks.push(String(first.value));

  const quitting = runTollgate(['quit', '-c', s.file], { cwd: dir });
  // Quitting: new connections are refused while the stream goes on.
  await waitFor('the gateway port to close', async () => !(await portOpen(s.gatewayPort)));
  const before = chunks.join('');
  expect(alive(pid)).toBe(true);
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    chunks.push(String(next.value));
  }
  const body = chunks.join('');
  expect(body.length).toBeGreaterThan(before.length);
  expect(sseContent(body)).toBe(content);
  expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  expect(await quitting).toMatchObject({ code: 0, stdout: `tollgate (pid ${pid}) has exited\n` });
  expect(fs.existsSync(pidFile(s))).toBe(false);
});

it('reload under a request loop: 0 failed requests, the new worker_processes in force; a bad config is refused', async () => {
  const s = await setup(1);
  const pid = await startDaemon(s);
  await putRoute(s, 'health', '/health');
  const url = `http://127.0.0.1:${s.gatewayPort}/health`;
  const first = await workerPids(s);
  expect(first).toHaveLength(1);

  // Parallel (4 keep-alive connections) and sequential requests, for at most 10 s.
  const parallel = startLoad([{ url }], { concurrency: 4, maxMs: 10_000 });
  const sequential = { requests: 0, failures: [] as string[], stop: false };
  const loop = (async () => {
    while (!sequential.stop) {
      try {
        const r = await request(url);
        await r.body.text();
        if (r.statusCode !== 200) sequential.failures.push(`status ${r.statusCode}`);
      } catch (err) {
        sequential.failures.push((err as Error).message);
      }
      sequential.requests++;
    }
  })();
  await sleep(300);

  s.write(2);
  const up = await runTollgate(['reload', '-c', s.file], { cwd: dir });
  expect(up).toMatchObject({ code: 0, stderr: '' });
  expect(up.stdout).toBe(`tollgate (pid ${pid}) reloaded: 2 gateway workers started, 1 retired\n`);
  const second = await workerPids(s);
  expect(second).toHaveLength(2);
  expect(second).not.toContain(first[0]);
  await sleep(300);

  s.write(1);
  const down = await runTollgate(['reload', '-c', s.file], { cwd: dir });
  expect(down.stdout).toBe(
    `tollgate (pid ${pid}) reloaded: 1 gateway workers started, 2 retired\n`,
  );
  const third = await workerPids(s);
  expect(third).toHaveLength(1);
  expect(second).not.toContain(third[0]);
  await sleep(300);

  sequential.stop = true;
  await loop;
  const report = await parallel.stop();
  expect(report.failures).toEqual([]);
  expect(sequential.failures).toEqual([]);
  expect(report.requests).toBeGreaterThan(20);
  expect(sequential.requests).toBeGreaterThan(5);
  // The retired workers are gone once their requests are done.
  await waitFor('the retired workers to exit', () => [...first, ...second].every((p) => !alive(p)));

  // A config that fails `tollgate test` is not signalled: the node keeps its workers.
  fs.writeFileSync(s.file, 'nginx_config:\n  worker_processes: many\n');
  const bad = await runTollgate(['reload', '-c', s.file], { cwd: dir });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('nginx_config.worker_processes');
  expect(bad.stderr).toContain('configuration test failed; nothing reloaded');
  expect(await workerPids(s)).toEqual(third);
});

it('restart quits the running node and starts a new one with the same options', async () => {
  const s = await setup(1);
  const pid = await startDaemon(s);
  const restarted = await runTollgate(['restart', '--daemon', '-c', s.file], { cwd: dir });
  const next = Number(/started in the background \(pid (\d+)\)/.exec(restarted.stdout)?.[1]);
  if (next > 0) daemons.push(next);
  expect(restarted.code).toBe(0);
  expect(restarted.stdout).toContain(`tollgate (pid ${pid}) has exited\n`);
  expect(next).not.toBe(pid);
  expect(alive(pid)).toBe(false);
  expect(fs.readFileSync(pidFile(s), 'utf8')).toBe(`${next}\n`);
  expect((await httpRequest('GET', `http://127.0.0.1:${s.gatewayPort}/nothing`)).status).toBe(404);
  expect((await runTollgate(['quit', '-c', s.file], { cwd: dir })).code).toBe(0);
});
