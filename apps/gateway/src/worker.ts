/**
 * @module worker
 * A gateway worker: applies config updates from its primary (a new snapshot per update, swapped
 * in atomically), serves HTTP on the shared listeners, and on shutdown stops accepting, lets
 * in-flight requests finish, then exits.
 */
import { createLogger, type PluginRegistry } from '@tollgate/core';
import { PLUGINS } from '@tollgate/plugins';
import { ConfigItems } from './config/config-items';
import { Snapshot } from './config/snapshot';
import { createRequestHandler } from './http/handler';
import { GentleDrain } from './http/drain';
import { createGatewayServer } from './http/server';
import { HttpsListeners } from './tls/https-listeners';
import {
  asOneMessage,
  isPrimaryMessage,
  unbatch,
  type WorkerMessage,
  type WorkerOptions,
} from './ipc';
import { createAccessLogger } from './access-log';
import { LeaseClient } from '@tollgate/limiter';
import { IpcCounterStore } from './counters/counter-ipc';
import { HealthTable } from './health/health-table';
import { startWorkerLoadSharing } from './load/worker-wiring';
import { UpstreamProxy } from './proxy';
import { startStreamProxy } from './stream';
import { SECRET_MANAGERS } from './secrets/managers';
import { resolveConsumerCredentials } from './secrets/consumer-credentials';
import { PluginChainResolver } from './secrets/plugin-chain';
import { SecretResolver } from './secrets/resolver';

/** The plugins this worker runs: config.yaml's `plugins`, or all of them. */
function enabledPlugins(names: readonly string[] | undefined): PluginRegistry {
  if (!names) return PLUGINS;
  const wanted = new Set(names);
  return new Map([...PLUGINS].filter(([name]) => wanted.has(name)));
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

/** Runs a worker until its primary says shutdown (or the IPC channel closes). */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const log = createLogger('gateway');
  const items = new ConfigItems();
  const secretResolver = new SecretResolver(
    (manager, id) => items.items.get(`secrets/${manager}/${id}`),
    SECRET_MANAGERS,
    options.secretCache,
  );
  const secrets = new PluginChainResolver(secretResolver);
  const proxy = new UpstreamProxy({ logger: log });
  const health = new HealthTable(options.disableUpstreamHealthcheck);
  const localCounters: IpcCounterStore = new IpcCounterStore((m) => {
    // After the primary is gone, a send without callback would raise an 'error' event on
    // process; fail the request instead.
    if (!process.connected) throw new Error('the node primary went away');
    process.send?.(m, undefined, undefined, (err: Error | null) => {
      if (err) localCounters.fail(err.message);
    });
  });
  // Token quotas (`policy: local`) leased by the primary: no round trip per request (issue 14).
  const localQuotas = new LeaseClient(
    (m) => {
      if (!process.connected) throw new Error('the node primary went away');
      process.send?.(m, undefined, undefined, (err: Error | null) => {
        if (err) localQuotas.fail(err.message);
      });
    },
    // The usage report rides with the next load report (see startWorkerLoadSharing below).
    { onReportDue: () => load.reportSoon() },
  );
  const load = startWorkerLoadSharing(
    (messages) => {
      if (process.connected) process.send?.(asOneMessage(messages));
    },
    { alongside: () => localQuotas.takeReport() },
  );
  const registry = enabledPlugins(options.plugins);
  let snapshot: Snapshot | undefined;
  const httpsListeners = options.tls
    ? new HttpsListeners(options.tls, log, (reference) => secretResolver.resolve(reference))
    : undefined;
  let problemsLogged = '';

  const applyUpdate = (update: Parameters<ConfigItems['apply']>[0]) => {
    items.apply(update);
    const next = Snapshot.build(items.items, items.revision, registry);
    snapshot = next;
    resolveConsumerCredentials(next.consumers, secretResolver, log).catch((err: unknown) =>
      log.error('consumer credentials with secret references not indexed', { err }),
    );
    proxy.retain(next.upstreamKeys);
    httpsListeners?.update(items.items);
    const problems = JSON.stringify(next.problems);
    if (problems !== problemsLogged && next.problems.length > 0) {
      log.warn('config items not served', { revision: next.revision, problems: next.problems });
    }
    problemsLogged = problems;
    log.debug('config applied', {
      revision: next.revision,
      kind: update.kind,
      items: items.items.size,
    });
    send({ t: 'applied', revision: next.revision, problems: next.problems.length });
  };

  // Listen to the primary before anything asynchronous: IPC messages that arrive while no
  // listener is attached are dropped, and the first one is the full config.
  let retiredByReload = false;
  const shutdownRequested = new Promise<void>((resolve) => {
    const onMessage = (msg: unknown): void => {
      if (localCounters.onMessage(msg)) return;
      if (localQuotas.onMessage(msg)) return;
      if (load.onMessage(msg)) return;
      if (!isPrimaryMessage(msg)) return;
      if (msg.t === 'config') {
        try {
          applyUpdate(msg.update);
        } catch (err) {
          log.error('config update failed; keeping the previous snapshot', { err });
        }
      } else if (msg.t === 'health') {
        health.reset(msg.unhealthy);
      } else if (msg.t === 'health-ok') {
        health.confirm(msg.key);
      } else if (msg.t === 'health-change') {
        health.set(msg.key, msg.healthy);
      } else {
        retiredByReload = msg.reload === true;
        resolve();
      }
    };
    process.on('message', (msg: unknown) => unbatch(msg, onMessage));
    process.once('disconnect', () => {
      localCounters.fail('the node primary went away');
      localQuotas.fail('the node primary went away');
      resolve();
    });
    // The primary owns shutdown; a signal sent to the whole process group must not cut requests.
    process.on('SIGTERM', () => undefined);
    process.on('SIGINT', () => undefined);
  });
  send({ t: 'hello' });

  const pluginAttr = new Map(Object.entries(options.pluginAttr));
  for (const plugin of registry.values()) {
    await plugin.init?.({
      processId: `${process.pid}`,
      health,
      localCounters,
      localQuotas,
      localTraffic: localCounters,
      pluginAttr: (name) => pluginAttr.get(name),
      instanceLoad: load.view,
      httpsPorts: options.tls?.listen.map(({ port }) => port) ?? [],
    });
  }

  const accessLog = createAccessLogger(options.accessLog);
  const handler = createRequestHandler({
    snapshot: () => snapshot,
    proxy,
    logger: log,
    accessLog,
    secrets,
  });
  const bound = [
    ...options.listen.map((addr) => ({ addr, server: createGatewayServer(handler) })),
    ...(httpsListeners && options.tls
      ? options.tls.listen.map((addr) => ({ addr, server: httpsListeners.create(handler) }))
      : []),
  ];
  const servers = bound.map(({ server }) => server);
  const gentleDrain = new GentleDrain(servers);
  await Promise.all(
    bound.map(
      ({ addr, server }) =>
        new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(addr.port, addr.ip, () => resolve());
        }),
    ),
  );
  const stream = options.stream
    ? await startStreamProxy({
        ...options.stream,
        routes: () => snapshot?.streamRoutes,
        localTraffic: localCounters,
        log,
      })
    : undefined;
  send({ t: 'listening' });

  await shutdownRequested;
  load.stop();
  const streamClosed = stream?.close(options.shutdownGraceMs);

  if (retiredByReload) {
    // The port stays open for the new workers: no keep-alive client may be cut.
    await gentleDrain.drain({ graceMs: options.shutdownGraceMs });
  } else {
    const closed = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    // Keep-alive connections go idle as their last response ends; close them as they do, or
    // close() would wait for the keep-alive timeout.
    const sweep = setInterval(() => {
      for (const s of servers) s.closeIdleConnections();
    }, 50);
    for (const s of servers) s.closeIdleConnections();
    const grace = new Promise<void>((r) => setTimeout(r, options.shutdownGraceMs).unref());
    await Promise.race([closed, grace]);
    clearInterval(sweep);
    for (const s of servers) s.closeAllConnections();
  }
  await streamClosed;
  await proxy.close();
  await accessLog.close();
  for (const plugin of registry.values()) await plugin.destroy?.();
}
