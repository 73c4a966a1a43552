/**
 * @module tollgate
 * Runs the built `tollgate` command as a real process: long-running nodes for e2e tests and
 * one-shot invocations whose exit code and output tests assert. Needs `pnpm build` first.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess } from './process';
import { freePort, waitForPort } from './ports';

export const TOLLGATE_BIN = path.resolve(__dirname, '../../../apps/cli/bin/tollgate.js');

export interface TollgateNodeOptions {
  /** conf/config.yaml content (written as JSON, which YAML reads). */
  config: Record<string, unknown>;
  /** Extra arguments after `start -c FILE`. */
  args?: string[];
  /** The `tollgate` entry point to run (another checkout's build); this repository's by default. */
  bin?: string;
  env?: NodeJS.ProcessEnv;
  /** Ports that must accept connections before the node counts as started. */
  readyPorts: number[];
  /** Reuse a data directory (to test restarts); a fresh temp dir otherwise. */
  dataDir?: string;
  /** Sees everything the node prints (stdout and stderr). */
  onOutput?: (text: string) => void;
}

export interface TollgateNode {
  readonly process: ManagedProcess;
  readonly dataDir: string;
  readonly configFile: string;
  /** Stop the node and remove its temp files (not a data dir passed in). */
  destroy(): Promise<void>;
}

type Conf = Record<string, Record<string, unknown> | undefined>;

/**
 * Test nodes run side by side: unless the test chose them, the control API, the metrics
 * listener and the HTTPS listener get free ports instead of the fixed defaults (9090, 9091,
 * 9443).
 */
async function withPrivatePorts(config: Record<string, unknown>): Promise<Record<string, unknown>> {
  const conf = config as Conf;
  const apisix = { ...conf.apisix };
  if (apisix.control === undefined) apisix.control = { ip: '127.0.0.1', port: await freePort() };
  const ssl = { ...(apisix.ssl as Record<string, unknown> | undefined) };
  if (ssl.enable !== false && ssl.listen === undefined) {
    ssl.listen = [{ ip: '127.0.0.1', port: await freePort() }];
  }
  apisix.ssl = ssl;
  const pluginAttr = { ...conf.plugin_attr };
  const prometheus = { ...(pluginAttr.prometheus as Record<string, unknown> | undefined) };
  if (prometheus.export_addr === undefined) {
    prometheus.export_addr = { ip: '127.0.0.1', port: await freePort() };
  }
  pluginAttr.prometheus = prometheus;
  return { ...config, apisix, plugin_attr: pluginAttr };
}

/** Starts `tollgate start -c <file>` and waits for its ports. */
export async function startTollgate(options: TollgateNodeOptions): Promise<TollgateNode> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-node-'));
  const dataDir = options.dataDir ?? path.join(workDir, 'data');
  const configFile = path.join(workDir, 'config.yaml');
  const config = await withPrivatePorts({
    ...options.config,
    tollgate: { data_dir: dataDir, ...(options.config.tollgate as object) },
  });
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  const proc = new ManagedProcess({
    command: process.execPath,
    args: [options.bin ?? TOLLGATE_BIN, 'start', '-c', configFile, ...(options.args ?? [])],
    env: {
      ...process.env,
      TOLLGATE_LOG_LEVEL: process.env.TOLLGATE_E2E_LOG_LEVEL ?? 'info',
      ...options.env,
    },
    cwd: workDir,
    onOutput: options.onOutput,
    ready: async () => {
      for (const port of options.readyPorts) await waitForPort(port, '127.0.0.1', 30_000);
    },
  });
  await proc.start();
  return {
    process: proc,
    dataDir,
    configFile,
    async destroy() {
      await proc.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `tollgate <args>` to completion (bounded by `timeoutMs`), `node <nodeArgs>` first. */
export function runTollgate(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), TOLLGATE_BIN, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 20_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs any command (curl, etcdctl) to completion. */
export function runCommand(
  command: string,
  args: string[],
  timeoutMs = 20_000,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * The control API and Prometheus export ports a node listens on (the free ones testkit picked
 * unless the test chose them), read back from its config file.
 */
export function listenerPorts(node: TollgateNode): { control: number; metrics: number } {
  const config = JSON.parse(fs.readFileSync(node.configFile, 'utf8')) as {
    apisix: { control: { port: number } };
    plugin_attr: { prometheus: { export_addr: { port: number } } };
  };
  return {
    control: config.apisix.control.port,
    metrics: config.plugin_attr.prometheus.export_addr.port,
  };
}
