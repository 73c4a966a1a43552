/**
 * @module commands/start
 * `tollgate start`: opens the config store (etcd when configured, else the embedded store in the
 * data directory), runs the parts the role asks for, and shuts down cleanly on SIGTERM/SIGINT.
 */
import path from 'node:path';
import { startAdminServer, type RunningAdminServer } from '@tollgate/admin-api';
import { createConfigStore, MemoryStore, type ConfigStore } from '@tollgate/config-store';
import { GatewayNode } from '@tollgate/gateway';
import { ConfigInvalidError, createLogger } from '@tollgate/core';
import { resolveAdminKeys } from '../admin-key';
import { loadConfig } from '../config/load';
import { watchStandaloneFile } from '../standalone/file-source';
import { listenForStop } from '../stop-signal';
import { assertNotRunning, isAlive, pidFilePath, readPid, writePidFile } from './pid-file';
import { listenForReload, reloadNode } from './reload';
import type { Role, TollgateConfig } from '../config/types';

const log = createLogger('cli');

export interface StartOptions {
  configFile?: string;
  role?: Role;
}

function checkRole(config: TollgateConfig): void {
  if (config.role !== 'traditional' && !config.etcd && config.standalone?.mode !== 'file') {
    throw new ConfigInvalidError(
      `invalid config file ${config.source}: deployment.etcd: is required for role ${config.role} (only traditional can use the embedded store)`,
    );
  }
}

/** Runs until a signal arrives; resolves when everything is closed. */
export async function start(options: StartOptions): Promise<void> {
  // Before anything starts: the first workers serve traffic before start-up is over.
  const stop = listenForStop();
  const config = loadConfig(options.configFile);
  if (options.role) config.role = options.role;
  checkRole(config);
  assertNotRunning(config.dataDir);
  // Until start-up is over a reload is refused; SIGHUP must not end the node meanwhile.
  const hup = listenForReload(config.dataDir);
  for (const key of config.unsupportedKeys) {
    log.warn('config key not supported yet, ignored', { setting: key, file: config.source });
  }

  const standalone = config.standalone ? new MemoryStore() : undefined;
  const store: ConfigStore =
    standalone ??
    (await createConfigStore({
      dataDir: path.join(config.dataDir, 'store'),
      etcd: config.etcd && {
        hosts: config.etcd.hosts,
        timeoutMs: config.etcd.timeoutSeconds * 1000,
        username: config.etcd.user,
        password: config.etcd.password,
      },
    }));
  const closers: (() => Promise<void>)[] = [() => store.close()];
  if (standalone && config.standalone?.mode === 'file') {
    const source = await watchStandaloneFile(config, standalone);
    closers.unshift(() => source.close());
  }

  let admin: RunningAdminServer | undefined;
  let gateway: GatewayNode | undefined;
  if (config.role !== 'data_plane' && config.enableAdmin) {
    const { keys, generatedFile } = resolveAdminKeys(config.admin.keys, config.dataDir);
    admin = await startAdminServer({
      store,
      prefix: config.etcd?.prefix ?? '/apisix',
      adminKeys: keys,
      adminKeyRequired: config.admin.keyRequired,
      allowAdmin: config.admin.allowAdmin,
      plugins: config.plugins,
      dataEncryption: config.dataEncryption,
      streamProxy: config.streamProxy !== undefined,
      standalone: config.standalone?.mode === 'api',
      host: config.admin.listen.ip,
      port: config.admin.listen.port,
      // Read-your-writes on this node: the gateway starts below, and writes before it wait for nothing.
      serving: (revision) => gateway?.whenServing(revision) ?? Promise.resolve(),
    });
    closers.unshift(() => admin?.close() ?? Promise.resolve());
    if (generatedFile)
      log.info('admin key is in a file (no key configured)', { file: generatedFile });
  }

  if (config.role !== 'control_plane') {
    gateway = await GatewayNode.start({
      store,
      prefix: config.etcd?.prefix ?? '/apisix',
      dataDir: config.dataDir,
      workers: config.workerProcesses,
      // proxy_mode `stream` alone serves no HTTP.
      listen: config.streamProxy && !config.streamProxy.httpToo ? [] : config.nodeListen,
      tls: config.streamProxy && !config.streamProxy.httpToo ? undefined : config.tls,
      stream: config.streamProxy,
      accessLog: config.accessLog,
      role: config.role,
      control: config.control.enabled ? config.control.listen : undefined,
      metrics: config.prometheus.exportAddr,
      disableUpstreamHealthcheck: config.disableUpstreamHealthcheck,
      plugins: config.plugins,
      pluginAttr: config.pluginAttr,
      dataEncryption: config.dataEncryption,
      secretCache: config.secretCache,
    });
    // Stop the gateway (finishing in-flight requests) before the Admin API and the store.
    closers.unshift(() => gateway?.close() ?? Promise.resolve());
  }

  log.info('tollgate ready', {
    role: config.role,
    store: store.kind,
    ...(config.standalone?.mode === 'file' ? { config_file: config.standalone.file } : {}),
    ...(config.etcd ? { etcd: config.etcd.hosts } : { data_dir: config.dataDir }),
    ...(admin ? { admin_api: `http://${config.admin.listen.ip}:${admin.port}/apisix/admin` } : {}),
    ...(gateway
      ? {
          gateway: config.nodeListen.map((l) => `${l.ip}:${l.port}`),
          workers: config.workerProcesses,
        }
      : {}),
  });

  stop.started();
  const stale = readPid(pidFilePath(config.dataDir));
  if (stale !== undefined && !isAlive(stale)) {
    log.warn(
      `tollgate.pid exists but there's no corresponding process with pid ${stale}, the file will be overwritten`,
      { file: pidFilePath(config.dataDir) },
    );
  }
  const releasePidFile = writePidFile(config.dataDir);
  hup.started(() =>
    reloadNode({ config, configFile: options.configFile, role: options.role }, gateway),
  );
  log.info('shutting down', { signal: await stop.requested });
  for (const close of closers) await close();
  releasePidFile();
  // Only now: a SIGHUP during the shutdown is answered (the node is shutting down), not fatal.
  hup.dispose();
  stop.dispose();
  log.info('stopped');
}
