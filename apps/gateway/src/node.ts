/**
 * @module node
 * A gateway node: the primary process syncs config from the store (one watch per node) and
 * feeds its workers (node:cluster) the same updates in the same order, so every worker of the
 * node serves the same revision. Crashed workers are replaced; shutdown is graceful; a reload
 * replaces the workers one at a time with new options ({@link GatewayNode.reload}).
 */
import type { Serializable } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import type { ConfigStore } from '@tollgate/config-store';
import { createLogger, type Logger } from '@tollgate/core';
import { DataEncryption, type DataEncryptionSettings } from '@tollgate/schema';
import { ConfigItems } from './config/config-items';
import type { ConfigUpdate } from './config/update';
import {
  asOneMessage,
  isWorkerMessage,
  unbatch,
  WORKER_OPTIONS_ENV,
  type PrimaryMessage,
  type WorkerOptions,
} from './ipc';
import { isWorkerLeaseMessage, LeaseHost, LocalCounterStore } from '@tollgate/limiter';
import { CounterHost, isCounterRequest } from './counters/counter-ipc';
import { NodeLoadHub, type LoadHubWorker } from './load/node-load-hub';
import type { InstanceLoadSnapshot } from './load/load-metrics';
import { ActiveHealthChecker } from './health/active-checker';
import { nodeControlSource, startControlServer, type RunningControlServer } from './control';
import type { ConfigValue } from './config/update';
import { ConfigSync } from './sync/config-sync';
import { workerExecArgv } from './worker-heap';
import { useWorkerAccept, workerAcceptEnv } from './accept';
import { AppliedWaiters } from './sync/applied-waiters';
import type { StreamListeners } from './stream';
import {
  ModifyIndexTracker,
  nodeMetricsFromStatus,
  SslExpiryIndex,
  startMetricsExporter,
  type MetricsExporter,
} from './metrics';

export interface GatewayNodeOptions {
  store: ConfigStore;
  /** etcd key prefix (`/apisix`). */
  prefix: string;
  /** Where the last good config is kept for a boot without etcd. */
  dataDir: string;
  workers: number;
  listen: { ip: string; port: number }[];
  /** `apisix.ssl`: HTTPS listeners (absent = none). */
  tls?: WorkerOptions['tls'];
  /** Milliseconds in-flight requests get at shutdown (default 30 s). */
  shutdownGraceMs?: number;
  /** The per-request access log of the workers (default: on, to stdout). */
  accessLog?: { enabled: boolean; path?: string };
  /** deployment.role, reported by the control API. */
  role?: string;
  /** Control API listener (`apisix.control`); absent = disabled. */
  control?: { ip: string; port: number };
  /** Prometheus export listener (`plugin_attr.prometheus.export_addr`); absent = disabled. */
  metrics?: { ip: string; port: number };
  /** `apisix.disable_upstream_healthcheck`: no active probes, no passive health in workers. */
  disableUpstreamHealthcheck?: boolean;
  /** config.yaml `plugins`: the plugins workers run; absent = every plugin. */
  plugins?: string[];
  /** config.yaml `plugin_attr`, by plugin name. */
  pluginAttr?: Record<string, Record<string, unknown>>;
  /** `apisix.data_encryption`: how stored secrets are decrypted (default: APISIX's). */
  dataEncryption?: DataEncryptionSettings;
  /** `apisix.stream_proxy` listeners (proxy_mode `stream` / `http&stream`); absent = none. */
  stream?: StreamListeners;
  /** `apisix.lru.secret`: the workers' cache of resolved secret references. */
  secretCache?: WorkerOptions['secretCache'];
  logger?: Logger;
}

/**
 * What `tollgate reload` may change on a running node: the options its workers get and how many
 * there are. The store, the control API, the metrics listener and the stream proxy keep what the
 * node started with.
 */
export type GatewayReloadOptions = Pick<
  GatewayNodeOptions,
  | 'workers'
  | 'listen'
  | 'tls'
  | 'shutdownGraceMs'
  | 'accessLog'
  | 'disableUpstreamHealthcheck'
  | 'plugins'
  | 'pluginAttr'
  | 'secretCache'
>;

/** What one reload did. */
export interface GatewayReloadResult {
  /** Pids of the workers that serve now. */
  workers: (number | undefined)[];
  /** Pids of the workers retired: they accept nothing more and exit once their in-flight
   * requests are done (or at the grace), which `drained` waits for. */
  retired: (number | undefined)[];
  drained: Promise<void>;
}

interface WorkerState {
  worker: Worker;
  /** Whether its exit starts another (false while it starts in a reload, and once retired). */
  respawn: boolean;
  /** Told to stop accepting by a reload; it finishes its in-flight requests, then exits. */
  retiring: boolean;
  /** Set once the worker has been sent the full config; only then does it get deltas. */
  synced: boolean;
  listening: boolean;
  appliedRevision: number;
  /** While a batch from the worker is handled: the answers, sent after it in one write. */
  held?: Serializable[];
}

export interface GatewayNodeStatus {
  sync: ReturnType<ConfigSync['status']>;
  health: ReturnType<ActiveHealthChecker['status']>;
  workers: { pid: number | undefined; listening: boolean; appliedRevision: number }[];
  /** Scraped readings and node-wide in-flight counts of LLM instances (issue 12). */
  load?: InstanceLoadSnapshot;
}

export class GatewayNode {
  private readonly log: Logger;
  private readonly items = new ConfigItems();
  private readonly workers = new Map<number, WorkerState>();
  private readonly sync: ConfigSync;
  /** One set of active health checks per node; workers get the verdicts. */
  private readonly health: ActiveHealthChecker;
  /** The node's `policy: local` token counters; workers use them over IPC, so they are exact. */
  private readonly localCounters = new LocalCounterStore();
  private readonly counterHost = new CounterHost(this.localCounters);
  /** The node's `policy: local` token quotas, leased to the workers in slices (issue 14). */
  private readonly quotaLeases = new LeaseHost();
  /** Node-wide load of LLM instances (issue 12): in-flight sums and metrics scrapes, shared with the workers. */
  private readonly load: NodeLoadHub;
  private control: RunningControlServer | undefined;
  /** `apisix_etcd_modify_indexes`, fed by every config update. */
  private readonly modifyIndexes = new ModifyIndexTracker();
  /** `tollgate_ssl_certificate_expiry_timestamp_seconds`, from the SSLs the node holds. */
  private readonly sslExpiry = new SslExpiryIndex();
  private exporter: MetricsExporter | undefined;
  private stopping = false;
  /** The reload in progress: reloads run one after the other. */
  private reloading: Promise<unknown> = Promise.resolve();
  /** The worker bound to the UDP stream ports: one process, so a client's session stays in it. */
  private udpOwner: number | undefined;

  /** The options new workers get: those of the start, then of the latest reload. */
  private options: GatewayNodeOptions;

  /** Writes of this process's Admin API waiting for the workers to serve them. */
  private readonly appliedWaiters = new AppliedWaiters(() =>
    [...this.workers.values()].filter((s) => s.synced && !s.retiring).map((s) => s.appliedRevision),
  );

  private constructor(options: GatewayNodeOptions) {
    this.options = options;
    this.log = options.logger ?? createLogger('gateway');
    this.health = new ActiveHealthChecker({
      disabled: options.disableUpstreamHealthcheck,
      logger: this.log,
      onChange: (key, healthy) => {
        this.log.warn(healthy ? 'instance healthy again' : 'instance unhealthy', { target: key });
        this.broadcast({ t: 'health-change', key, healthy });
      },
      onHealthyProbe: (key) => this.broadcast({ t: 'health-ok', key }),
    });
    this.load = new NodeLoadHub(() => this.loadHubWorkers(), this.log);
    this.sync = new ConfigSync({
      store: options.store,
      prefix: options.prefix,
      cacheFile: path.join(options.dataDir, 'config-cache.json'),
      encryption: new DataEncryption(options.dataEncryption, (field) =>
        this.log.info('stored field not decrypted, used as stored', { field }),
      ),
      onUpdate: (update) => this.onUpdate(update),
    });
  }

  /** Start syncing and the workers; resolves when every worker listens. */
  static async start(options: GatewayNodeOptions): Promise<GatewayNode> {
    const node = new GatewayNode(options);
    await node.sync.start();
    if (options.metrics) {
      node.exporter = await startMetricsExporter({
        ip: options.metrics.ip,
        port: options.metrics.port,
        logger: node.log,
        nodeMetrics: () =>
          nodeMetricsFromStatus(node.status(), {
            etcd: options.store.kind === 'etcd',
            modifyIndexes: node.modifyIndexes,
            sslCertificates: node.sslExpiry.series(node.configItems()),
          }),
      });
    }
    useWorkerAccept();
    cluster.setupPrimary({
      exec: path.join(__dirname, 'worker-main.js'),
      execArgv: workerExecArgv(),
    });
    await Promise.all(Array.from({ length: options.workers }, () => node.fork()));
    if (options.control) {
      node.control = await startControlServer({
        ip: options.control.ip,
        port: options.control.port,
        source: nodeControlSource({
          node,
          prefix: options.prefix,
          role: options.role ?? 'traditional',
          dataDir: options.dataDir,
        }),
      });
    }
    return node;
  }

  private onUpdate(update: ConfigUpdate): void {
    this.items.apply(update);
    this.modifyIndexes.apply(update);
    this.broadcast({ t: 'config', update });
    this.health.update(this.items.items);
    this.load.update(this.items.items);
  }

  /** Send to every worker that already has the full state. */
  private broadcast(message: PrimaryMessage): void {
    for (const state of this.workers.values()) {
      if (state.synced) state.worker.send(message);
    }
  }

  private fork(): Promise<void> {
    return this.spawn().listening;
  }

  /** Forks a worker with the current options; `listening` resolves once it serves. */
  private spawn(respawn = true): { state: WorkerState; listening: Promise<void> } {
    const workerOptions: WorkerOptions = {
      listen: this.options.listen,
      tls: this.options.tls,
      shutdownGraceMs: this.options.shutdownGraceMs ?? 30_000,
      accessLog: this.options.accessLog ?? { enabled: true },
      disableUpstreamHealthcheck: this.options.disableUpstreamHealthcheck ?? false,
      plugins: this.options.plugins,
      pluginAttr: this.options.pluginAttr ?? {},
      secretCache: this.options.secretCache,
    };
    const ownsUdp = this.options.stream !== undefined && this.udpOwner === undefined;
    if (this.options.stream) {
      const { tcp, udp } = this.options.stream;
      workerOptions.stream = { tcp, udp: ownsUdp ? udp : [] };
    }
    const worker = cluster.fork({
      ...workerAcceptEnv(this.options.workers),
      [WORKER_OPTIONS_ENV]: JSON.stringify(workerOptions),
    });
    if (ownsUdp) this.udpOwner = worker.id;
    const state: WorkerState = {
      worker,
      respawn,
      retiring: false,
      synced: false,
      listening: false,
      appliedRevision: 0,
    };
    this.workers.set(worker.id, state);
    this.quotaLeases.attach(worker.id, (m) => toWorker(state, m));
    const onMessage = (msg: unknown): void => {
      if (isWorkerLeaseMessage(msg)) {
        this.quotaLeases.handle(worker.id, msg);
        return;
      }
      if (isCounterRequest(msg)) {
        this.counterHost.handle(msg, (result) => toWorker(state, result));
        return;
      }
      if (this.load.onWorkerMessage(worker.id, msg)) return;
      if (!isWorkerMessage(msg)) return;
      if (msg.t === 'hello') {
        // The worker listens for config now: send it everything, then every update after.
        if (this.items.loaded)
          worker.send({ t: 'config', update: this.items.asFullUpdate() } satisfies PrimaryMessage);
        worker.send({ t: 'health', unhealthy: this.health.unhealthy() } satisfies PrimaryMessage);
        this.load.workerSynced({ id: worker.id, send: (m) => toWorker(state, m) });
        state.synced = true;
      } else if (msg.t === 'listening') {
        state.listening = true;
      } else {
        state.appliedRevision = msg.revision;
        this.appliedWaiters.check();
      }
    };
    worker.on('message', (msg: unknown) => {
      state.held = [];
      try {
        unbatch(msg, onMessage);
      } finally {
        const held = state.held;
        state.held = undefined;
        if (held.length > 0 && worker.isConnected()) worker.send(asOneMessage(held));
      }
    });
    worker.once('exit', (code, signal) => {
      this.workers.delete(worker.id);
      this.appliedWaiters.check();
      this.quotaLeases.detach(worker.id);
      this.load.workerExited(worker.id);
      if (this.udpOwner === worker.id) this.udpOwner = undefined;
      if (this.stopping || !state.respawn) return;
      this.log.error('gateway worker died; starting another', {
        pid: worker.process.pid,
        code,
        signal,
      });
      setTimeout(() => {
        // A reload may have set the count meanwhile.
        if (this.stopping || this.workers.size >= this.options.workers) return;
        void this.fork().catch((err: unknown) => this.log.error('worker restart failed', { err }));
      }, 500).unref();
    });
    const listening = new Promise<void>((resolve, reject) => {
      const onMessage = (msg: unknown) => {
        if (isWorkerMessage(msg) && msg.t === 'listening') {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('exit', (code) =>
        reject(new Error(`gateway worker exited with code ${code} before listening`)),
      );
    });
    return { state, listening };
  }

  /**
   * Replaces the workers one at a time with workers started with `next` (nginx's reload, done
   * like a rolling update): fork a new worker, wait until it listens with the full config, then
   * retire an old one (it stops accepting and finishes its in-flight requests, streams included,
   * as at shutdown), until `next.workers` new workers serve. The listening ports are the
   * primary's (node:cluster), so a connection is always accepted by some worker: no request
   * fails. A new worker that does not start stops the reload: the old workers not yet retired
   * keep serving, the node keeps the options it had, and the promise rejects. Reloads queue.
   *
   * @example
   * const next = { workers: 4, listen: [{ ip: '0.0.0.0', port: 9080 }] };
   * const { workers, drained } = await node.reload(next);
   */
  reload(next: GatewayReloadOptions): Promise<GatewayReloadResult> {
    const run = this.reloading.then(() => this.rollWorkers(next));
    this.reloading = run.catch(() => undefined);
    return run;
  }

  private async rollWorkers(next: GatewayReloadOptions): Promise<GatewayReloadResult> {
    if (this.stopping) throw new Error('the node is shutting down');
    const previous = this.options;
    this.options = { ...previous, ...next };
    // The UDP owner goes first, and before its successor starts: one process binds those ports.
    const old = [...this.workers.values()]
      .filter((s) => s.respawn)
      .sort(
        (a, b) => Number(b.worker.id === this.udpOwner) - Number(a.worker.id === this.udpOwner),
      );
    const retired: Promise<void>[] = [];
    const retiredPids: (number | undefined)[] = [];
    const retire = (state: WorkerState): void => {
      state.respawn = false;
      state.retiring = true;
      this.appliedWaiters.check();
      retiredPids.push(state.worker.process.pid);
      retired.push(this.retire(state));
      // Its successor binds the UDP ports as this one lets them go.
      if (this.udpOwner === state.worker.id) this.udpOwner = undefined;
    };
    const steps = Math.max(old.length, next.workers);
    for (let i = 0; i < steps; i++) {
      const outgoing = old[i];
      const ownsUdp = outgoing !== undefined && outgoing.worker.id === this.udpOwner;
      if (outgoing && ownsUdp) retire(outgoing);
      if (i < next.workers) {
        if (this.stopping) break;
        const { state, listening } = this.spawn(false);
        try {
          await listening;
          await this.untilApplied(state);
        } catch (err) {
          this.options = previous;
          if (!state.worker.isDead()) state.worker.kill('SIGKILL');
          throw new Error(`new gateway worker did not start: ${(err as Error).message}`);
        }
        state.respawn = true;
      }
      if (outgoing && !ownsUdp) retire(outgoing);
    }
    return {
      workers: [...this.workers.values()]
        .filter((s) => !s.retiring)
        .map((s) => s.worker.process.pid),
      retired: retiredPids,
      drained: Promise.all(retired).then(() => undefined),
    };
  }

  /** Resolves once `state`'s worker has applied the full config (at once when there is none yet). */
  private untilApplied(state: WorkerState): Promise<void> {
    if (!this.items.loaded) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (state.appliedRevision >= this.items.revision) done(resolve);
      };
      const onMessage = (msg: unknown): void => {
        if (isWorkerMessage(msg) && msg.t === 'applied') check();
      };
      const onExit = (): void => done(() => reject(new Error('it exited')));
      const done = (finish: () => void): void => {
        state.worker.off('message', onMessage);
        state.worker.off('exit', onExit);
        finish();
      };
      state.worker.on('message', onMessage);
      state.worker.once('exit', onExit);
      check();
    });
  }

  /** Asks a worker to stop accepting and drain; kills it if it is not gone after the grace. */
  private retire(state: WorkerState): Promise<void> {
    const { worker } = state;
    return new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve();
      const grace = (this.options.shutdownGraceMs ?? 30_000) + 5_000;
      const timer = setTimeout(() => {
        if (!worker.isDead()) worker.kill('SIGKILL');
      }, grace);
      timer.unref();
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.send({ t: 'shutdown', reload: true } satisfies PrimaryMessage);
    });
  }

  /** The workers that have their full config, as the load hub talks to them. */
  private *loadHubWorkers(): Iterable<LoadHubWorker> {
    for (const state of this.workers.values()) {
      const { worker, synced } = state;
      if (synced && worker.isConnected()) yield { id: worker.id, send: (m) => toWorker(state, m) };
    }
  }

  /** The node's validated config items (relative key → value), for the control API. */
  configItems(): ReadonlyMap<string, ConfigValue> {
    return this.items.items;
  }

  /**
   * Resolves once every serving worker has applied the store's `revision` (at most about a second
   * later): what this process's Admin API waits for before it answers a write.
   */
  whenServing(revision: number): Promise<void> {
    return this.appliedWaiters.until(revision);
  }

  status(): GatewayNodeStatus {
    return {
      sync: this.sync.status(),
      health: this.health.status(),
      // Workers a reload retired finish their requests but no longer count as the node's.
      workers: [...this.workers.values()]
        .filter((s) => !s.retiring)
        .map((s) => ({
          pid: s.worker.process.pid,
          listening: s.listening,
          appliedRevision: s.appliedRevision,
        })),
      load: this.load.snapshot(),
    };
  }

  /** Stop accepting, let workers finish in-flight requests, stop syncing. */
  async close(): Promise<void> {
    this.stopping = true;
    await this.control?.close();
    await this.exporter?.close();
    const exits = [...this.workers.values()].map(
      ({ worker }) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', () => resolve());
          worker.send({ t: 'shutdown' } satisfies PrimaryMessage);
        }),
    );
    const grace = (this.options.shutdownGraceMs ?? 30_000) + 5_000;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, grace).unref());
    await Promise.race([Promise.all(exits), deadline]);
    for (const { worker } of this.workers.values()) if (!worker.isDead()) worker.kill('SIGKILL');
    await this.sync.stop();
    await this.health.stop();
    await this.load.close();
    await this.localCounters.close();
    this.quotaLeases.close();
  }
}

/** Send `message` to a worker, or hold it for the answer to the batch being handled. */
function toWorker(state: WorkerState, message: Serializable): void {
  if (state.held) state.held.push(message);
  else if (state.worker.isConnected()) state.worker.send(message);
}
