/**
 * What the peers benchmark starts: the mock upstream, and the three kinds of target (the bare
 * proxy, Portkey's OSS gateway installed from npm into a cache directory, and a Tollgate node with
 * the embedded store configured through its Admin API). Every process is pinned to its cores
 * with taskset once it listens, and every address is 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import {
  AdminClient,
  ManagedProcess,
  freePort,
  startTollgate,
  waitFor,
  waitForPort,
} from '@tollgate/testkit';
import { pin, processTree } from '../lib';

/** Portkey's OSS gateway as published on npm; pinned so that runs compare. */
export const PORTKEY_VERSION = '1.15.2';
const ADMIN_KEY = 'bench-peers-admin-key';
const CONSUMER_KEY = 'bench-peers-consumer-key';

export interface Target {
  /** The taskset list its processes are pinned to. */
  cores: string;
  /** Its chat completions URL. */
  url: string;
  /** What a client sends besides the content type (keys, Portkey's routing headers). */
  headers: Record<string, string>;
  /** The whole process tree (a Tollgate node's primary and workers). */
  pids(): number[];
  /** A Tollgate node's primary (it must not grow with the worker count). */
  primaryPid?: number;
  /** Ports of its listeners, for the loopback check. */
  ports: number[];
  stop(): Promise<void>;
}

const here = (file: string) => path.join(__dirname, file);

/** A `.ts` entry point of this folder in its own process, ready once `port` accepts. */
async function startScript(file: string, port: number, args: string[]): Promise<ManagedProcess> {
  const proc = new ManagedProcess({
    command: process.execPath,
    args: ['--import', 'tsx', here(file), String(port), ...args],
    ready: () => waitForPort(port, '127.0.0.1', 30_000),
  });
  await proc.start();
  return proc;
}

function pidOf(proc: ManagedProcess): number {
  const pid = proc.pid;
  if (pid === undefined) throw new Error('process has no pid');
  return pid;
}

function pinTree(pid: number, cores: string): void {
  if (!pin(processTree(pid), cores)) throw new Error(`taskset could not pin ${pid} to ${cores}`);
}

export interface Mock {
  url: string;
  port: number;
  pids(): number[];
  stop(): Promise<void>;
}

export async function startMock(processes: number, cores: string): Promise<Mock> {
  const port = await freePort();
  const proc = await startScript('mock-upstream.ts', port, [String(processes)]);
  const pid = pidOf(proc);
  // node:cluster workers listen after the primary's port is bound: wait until all of them run.
  await waitFor(
    'mock workers',
    () => processTree(pid).length >= (processes > 1 ? processes + 1 : 1),
  );
  pinTree(pid, cores);
  return {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    port,
    pids: () => processTree(pid),
    stop: () => proc.stop(),
  };
}

export async function startBare(mock: Mock, cores: string): Promise<Target> {
  const port = await freePort();
  const proc = await startScript('bare-proxy.ts', port, [mock.url]);
  const pid = pidOf(proc);
  pinTree(pid, cores);
  return {
    cores,
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { authorization: 'Bearer sk-bench' },
    pids: () => processTree(pid),
    ports: [port],
    stop: () => proc.stop(),
  };
}

/** The cache that holds Portkey's install: BENCH_PEERS_CACHE, else a folder under the temp dir. */
export function peersCache(): string {
  return process.env.BENCH_PEERS_CACHE ?? path.join(os.tmpdir(), 'tollgate-bench-peers');
}

/**
 * The @hono/node-server version Portkey's own lockfile resolves. npm would install the newest
 * 1.x, whose lightweight `Response` keeps the upstream fetch response's immutable headers: every
 * streamed chat completion then fails with `TypeError: immutable` in Portkey's `updateHeaders`
 * (Portkey-AI/gateway#1389, #1550), so the benchmark pins it with an npm override.
 */
const PORTKEY_NODE_SERVER = '1.13.5';

/**
 * Installs @portkey-ai/gateway@PORTKEY_VERSION with npm into the cache unless it is there; the
 * entry point, or why it could not be installed. Install scripts are skipped: the package's only
 * one is `patch-package`, which has no patches to apply to the published build.
 */
export function installPortkey(): { entry: string } | { error: string } {
  const dir = path.join(
    peersCache(),
    `portkey-${PORTKEY_VERSION}-node-server-${PORTKEY_NODE_SERVER}`,
  );
  const entry = path.join(
    dir,
    'node_modules',
    '@portkey-ai',
    'gateway',
    'build',
    'start-server.js',
  );
  if (fs.existsSync(entry)) return { entry };
  fs.mkdirSync(dir, { recursive: true });
  const manifest = { private: true, overrides: { '@hono/node-server': PORTKEY_NODE_SERVER } };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--omit=dev',
      `@portkey-ai/gateway@${PORTKEY_VERSION}`,
    ],
    { cwd: dir, encoding: 'utf8', timeout: 300_000 },
  );
  if (npm.error) return { error: `npm install failed: ${npm.error.message}` };
  if (npm.status !== 0 || !fs.existsSync(entry)) {
    const last = `${npm.stderr}`.trim().split('\n').slice(-3).join(' ').slice(0, 300);
    return { error: `npm install failed (exit ${npm.status ?? 'signal'}): ${last}` };
  }
  return { entry };
}

/**
 * Portkey's gateway (`build/start-server.js --port=N --headless`, its Node entry), sending to the
 * mock as the `openai` provider with a custom host: `x-portkey-provider: openai` and
 * `x-portkey-custom-host: http://127.0.0.1:PORT/v1`, the key in `Authorization`. It binds every
 * interface (it has no host option); the benchmark connects to it on 127.0.0.1 only.
 */
export async function startPortkey(entry: string, mock: Mock, cores: string): Promise<Target> {
  const port = await freePort();
  const proc = new ManagedProcess({
    command: process.execPath,
    args: [entry, `--port=${port}`, '--headless'],
    cwd: path.dirname(path.dirname(entry)),
    ready: () => waitForPort(port, '127.0.0.1', 30_000),
  });
  await proc.start();
  const pid = pidOf(proc);
  pinTree(pid, cores);
  return {
    cores,
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: {
      authorization: 'Bearer sk-bench',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${new URL(mock.url).origin}/v1`,
    },
    pids: () => processTree(pid),
    ports: [port],
    stop: () => proc.stop(),
  };
}

/** Another build of Tollgate measured beside this one (`BENCH_BASELINE`). */
export interface Baseline {
  /** Its `apps/cli/bin/tollgate.js`. */
  bin: string;
  /** Its short commit, for the row names. */
  commit: string;
}

/**
 * The Tollgate checkout `dir` (built with `pnpm build`) as a baseline, or why it cannot be one.
 */
export function baselineAt(dir: string): Baseline | { error: string } {
  const bin = path.resolve(dir, 'apps', 'cli', 'bin', 'tollgate.js');
  const built = path.resolve(dir, 'apps', 'cli', 'dist');
  if (!fs.existsSync(bin) || !fs.existsSync(built)) {
    return { error: `${dir} holds no built Tollgate (run pnpm install and pnpm build there)` };
  }
  const git = spawnSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const commit = git.status === 0 ? git.stdout.trim() : 'unknown';
  return { bin, commit };
}

/** The route of the issue: key-auth + ai-proxy-multi over two instances + ai-rate-limiting. */
function route(mock: Mock): Record<string, unknown> {
  const instance = (name: string) => ({
    name,
    provider: 'openai-compatible',
    weight: 1,
    auth: { header: { Authorization: 'Bearer sk-bench' } },
    override: { endpoint: mock.url },
  });
  return {
    uri: '/v1/chat/completions',
    methods: ['POST'],
    plugins: {
      'key-auth': {},
      'ai-proxy-multi': { instances: [instance('mock-a'), instance('mock-b')] },
      // Local policy, a limit no run reaches: the quota is counted on every request, never refused.
      'ai-rate-limiting': { limit: 1_000_000_000, time_window: 60, policy: 'local' },
    },
  };
}

/**
 * A Tollgate node (role traditional, embedded store, `workers` workers, access log to a file),
 * configured through its Admin API, whose writes are answered once every worker serves them;
 * ready once the route has answered.
 */
export async function startTollgateNode(
  workers: number,
  mock: Mock,
  cores: string,
  logDir: string,
  build?: Baseline,
): Promise<Target> {
  const port = await freePort();
  const adminPort = await freePort();
  const node = await startTollgate({
    config: {
      apisix: { node_listen: [{ ip: '127.0.0.1', port }], ssl: { enable: false } },
      nginx_config: {
        worker_processes: workers,
        http: {
          enable_access_log: true,
          access_log: path.join(logDir, `access-${build ? `${build.commit}-` : ''}${workers}w.log`),
        },
      },
      deployment: {
        role: 'traditional',
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    env: { TOLLGATE_LOG_LEVEL: process.env.TOLLGATE_LOG_LEVEL ?? 'warn' },
    readyPorts: [port, adminPort],
    ...(build ? { bin: build.bin } : {}),
  });
  const primary = pidOf(node.process);
  const stop = () => node.destroy();
  try {
    await waitFor(`${workers} workers`, () => processTree(primary).length >= workers + 1);
    pinTree(primary, cores);
    const admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
    const put = async (at: string, body: Record<string, unknown>) => {
      const res = await admin.put(at, body);
      if (res.status >= 300) throw new Error(`PUT ${at}: ${res.status} ${res.text}`);
    };
    await put('/apisix/admin/consumers', {
      username: 'bench',
      plugins: { 'key-auth': { key: CONSUMER_KEY } },
    });
    await put('/apisix/admin/routes/bench-peers', route(mock));
    const url = `http://127.0.0.1:${port}/v1/chat/completions`;
    const res = await request(url, {
      method: 'POST',
      reset: true,
      headers: { 'content-type': 'application/json', apikey: CONSUMER_KEY },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`the route answered ${res.statusCode}`);
    return {
      cores,
      url,
      headers: { apikey: CONSUMER_KEY },
      pids: () => processTree(primary),
      primaryPid: primary,
      ports: [port],
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
