/**
 * @module commands/reload
 * `tollgate reload` (APISIX's `apisix reload`, nginx's `-s reload`), both halves:
 * - in the running node, SIGHUP re-reads the config file and replaces the gateway workers one at
 *   a time with workers started from it ({@link GatewayNode.reload}), then writes the outcome to
 *   `<data_dir>/tollgate.reload`;
 * - `tollgate reload` checks the config file first (as APISIX does: a file that fails the test is
 *   not signalled), sends SIGHUP to the node in the pid file and waits for that outcome.
 *
 * What a reload changes: `nginx_config.worker_processes`, `apisix.node_listen`, `apisix.ssl`, the
 * access log, `plugins`, `plugin_attr`, `apisix.disable_upstream_healthcheck` and `apisix.lru`,
 * i.e. everything the workers are started with. The store, the Admin API, the control API, the
 * metrics listener, the stream proxy, the role and the data directory keep what the node started
 * with; a reload that changes one of them says so (`restart` applies them).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { GatewayNode, GatewayReloadOptions } from '@tollgate/gateway';
import { createLogger } from '@tollgate/core';
import { loadConfig } from '../config/load';
import type { TollgateConfig } from '../config/types';
import { testConfig } from './config-test';
import { isAlive, runningPid } from './pid-file';

const log = createLogger('cli');

/** How long `tollgate reload` waits for the node to report the reload. */
export const RELOAD_WAIT_MS = 60_000;

/** What the node wrote after its latest reload (`<data_dir>/tollgate.reload`, JSON). */
export interface ReloadStatus {
  /** The node that reloaded. */
  pid: number;
  /** 1 for its first reload, then 2, ... */
  generation: number;
  ok: boolean;
  /** What was done, or why it was not. */
  message: string;
  /** Gateway workers serving after the reload. */
  workers?: number;
  at: string;
}

/** The reload status file of the node that uses `dataDir`. */
export function reloadStatusPath(dataDir: string): string {
  return path.join(dataDir, 'tollgate.reload');
}

/** The status in `dataDir`, or undefined when there is none (or it does not parse). */
export function readReloadStatus(dataDir: string): ReloadStatus | undefined {
  try {
    return JSON.parse(fs.readFileSync(reloadStatusPath(dataDir), 'utf8')) as ReloadStatus;
  } catch {
    return undefined;
  }
}

/** The options of a config that a reload hands the gateway. */
export function gatewayReloadOptions(config: TollgateConfig): GatewayReloadOptions {
  const streamOnly = config.streamProxy !== undefined && !config.streamProxy.httpToo;
  return {
    workers: config.workerProcesses,
    listen: streamOnly ? [] : config.nodeListen,
    tls: streamOnly ? undefined : config.tls,
    accessLog: config.accessLog,
    disableUpstreamHealthcheck: config.disableUpstreamHealthcheck,
    plugins: config.plugins,
    pluginAttr: config.pluginAttr,
    secretCache: config.secretCache,
  };
}

/** The settings that differ between `before` and `after` that only a restart applies. */
export function restartOnlyChanges(before: TollgateConfig, after: TollgateConfig): string[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const settings: [string, (c: TollgateConfig) => unknown][] = [
    ['deployment.role', (c) => c.role],
    ['deployment.etcd', (c) => c.etcd],
    ['deployment.role_data_plane.config_provider', (c) => c.standalone],
    ['deployment.admin', (c) => [c.enableAdmin, c.admin]],
    ['apisix.enable_control / apisix.control', (c) => c.control],
    ['plugin_attr.prometheus.export_addr', (c) => c.prometheus],
    ['apisix.stream_proxy', (c) => c.streamProxy],
    ['apisix.data_encryption', (c) => c.dataEncryption],
    ['tollgate.data_dir', (c) => c.dataDir],
  ];
  return settings.filter(([, get]) => !same(get(before), get(after))).map(([name]) => name);
}

export interface ReloadSignal {
  /** Start-up is over: from now on SIGHUP runs `reload`. */
  started(reload: () => Promise<Omit<ReloadStatus, 'pid' | 'generation' | 'at'>>): void;
  /** Stop listening (SIGHUP gets its default action again). */
  dispose(): void;
}

/**
 * Listens for SIGHUP from the node's first moment (its default action would end the process).
 * A SIGHUP before {@link ReloadSignal.started} is answered "still starting"; reloads run one
 * after the other; each outcome goes to `<dataDir>/tollgate.reload`.
 *
 * @example
 * const hup = listenForReload(config.dataDir);
 * await startEverything();
 * hup.started(() => reloadFromFile());
 */
export function listenForReload(dataDir: string): ReloadSignal {
  let reload: (() => Promise<Omit<ReloadStatus, 'pid' | 'generation' | 'at'>>) | undefined;
  let generation = 0;
  let queue: Promise<void> = Promise.resolve();
  const write = (outcome: Omit<ReloadStatus, 'pid' | 'generation' | 'at'>): void => {
    const status: ReloadStatus = {
      pid: process.pid,
      generation: ++generation,
      ...outcome,
      at: new Date().toISOString(),
    };
    try {
      // Written whole, then renamed: a reader never sees half of it.
      const file = reloadStatusPath(dataDir);
      fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(status)}\n`);
      fs.renameSync(`${file}.tmp`, file);
    } catch (err) {
      log.error('reload status not written', { err, data_dir: dataDir });
    }
  };
  const onSignal = (): void => {
    queue = queue.then(async () => {
      if (!reload) {
        log.warn('reload signal during start-up: ignored');
        write({ ok: false, message: 'the node is still starting; nothing reloaded' });
        return;
      }
      log.info('reloading');
      try {
        const outcome = await reload();
        if (outcome.ok) log.info('reloaded', { result: outcome.message });
        else log.error('reload failed', { error: outcome.message });
        write(outcome);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.error('reload failed', { error: message });
        write({ ok: false, message });
      }
    });
  };
  process.on('SIGHUP', onSignal);
  return {
    started: (run) => {
      reload = run;
    },
    dispose: () => {
      process.off('SIGHUP', onSignal);
    },
  };
}

/**
 * The node's side of a reload: re-reads the config file as `tollgate start` read it and rolls
 * the gateway's workers onto it. `running` is what the node started with: the settings only a
 * restart applies are compared with it.
 */
export async function reloadNode(
  running: { config: TollgateConfig; configFile?: string; role?: TollgateConfig['role'] },
  gateway: Pick<GatewayNode, 'reload'> | undefined,
): Promise<Omit<ReloadStatus, 'pid' | 'generation' | 'at'>> {
  let next: TollgateConfig;
  try {
    next = loadConfig(running.configFile);
  } catch (err) {
    return {
      ok: false,
      message: `${err instanceof Error ? err.message : String(err)}; the node keeps its config`,
    };
  }
  if (running.role) next.role = running.role;
  const ignored = restartOnlyChanges(running.config, next);
  const note = ignored.length > 0 ? `; changes to ${ignored.join(', ')} need a restart` : '';
  if (!gateway) {
    return { ok: true, message: `no gateway on this node (role ${next.role})${note}` };
  }
  const result = await gateway.reload(gatewayReloadOptions(next));
  void result.drained.then(() => log.info('workers retired by the reload have exited'));
  return {
    ok: true,
    message: `${result.workers.length} gateway workers started, ${result.retired.length} retired${note}`,
    workers: result.workers.length,
  };
}

/** Why `tollgate reload` failed: the message to print (exit code 1). */
export class NotReloadedError extends Error {}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `tollgate reload`: tests the config `file`, signals the node running on its data directory and
 * waits for the node's report. Resolves with it when the reload worked; throws
 * {@link NotReloadedError} otherwise.
 *
 * @example
 * const status = await requestReload('conf/config.yaml');
 * console.log(status.message);
 */
export async function requestReload(
  file: string | undefined,
  timeoutMs = RELOAD_WAIT_MS,
): Promise<ReloadStatus> {
  const error = await testConfig(file);
  if (error !== undefined) {
    throw new NotReloadedError(`${error}\nconfiguration test failed; nothing reloaded`);
  }
  const { dataDir } = loadConfig(file);
  const pid = runningPid(dataDir);
  if (pid === undefined) throw new NotReloadedError('tollgate is not running');
  const before = readReloadStatus(dataDir);
  const seen = before?.pid === pid ? before.generation : 0;
  process.kill(pid, 'SIGHUP');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = readReloadStatus(dataDir);
    if (status?.pid === pid && status.generation > seen) {
      if (!status.ok) throw new NotReloadedError(`reload failed: ${status.message}`);
      return status;
    }
    if (!isAlive(pid)) throw new NotReloadedError(`tollgate (pid ${pid}) exited during the reload`);
    if (Date.now() >= deadline) {
      throw new NotReloadedError(
        `tollgate (pid ${pid}) has not reported the reload after ${Math.round(timeoutMs / 1000)} s`,
      );
    }
    await sleep(50);
  }
}
