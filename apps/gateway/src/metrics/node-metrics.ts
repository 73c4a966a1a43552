/**
 * @module metrics/node-metrics
 * The node-level metrics only the primary knows: `apisix_node_info`, `apisix_etcd_reachable`,
 * `apisix_etcd_modify_indexes`, `apisix_upstream_status`, the active health verdicts of LLM
 * instances, Tollgate's config revision and sync lag, and the expiry of the SSL certificates the
 * node holds. Rebuilt from a snapshot at every scrape.
 */
import { Gauge, Registry } from 'prom-client';
import { workerMetricsIpc } from '@tollgate/plugins/primary';
import type { GatewayNodeStatus } from '../node';
import type { ModifyIndexTracker } from './modify-indexes';
import { InstanceLoadMetrics, type InstanceLoadSnapshot } from '../load/load-metrics';
import type { SslCertificateExpiry } from './ssl-expiry';

const ETCD_METRICS = new Set(['apisix_etcd_reachable', 'apisix_etcd_modify_indexes']);

/** What the primary supplies at every scrape. */
export interface NodeMetricsSnapshot {
  /** Present when the config source is etcd (APISIX exports etcd metrics only then). */
  etcd?: {
    reachable: boolean;
    /** `apisix_etcd_modify_indexes` values by key (see ModifyIndexTracker). */
    modifyIndexes?: Readonly<Record<string, number>>;
  };
  config: {
    /** Store revision of the config the node holds and hands to its workers. */
    revision: number;
    /** A config (from the store or the on-disk copy) has been loaded. */
    loaded: boolean;
    /** The config is the on-disk copy: the store has not answered since boot. */
    stale: boolean;
    /** The store answered the last read, watch or probe. */
    connected: boolean;
    /** Epoch ms of the last full read or watch batch from the store. */
    lastSyncAt?: number;
  };
  /** Config revision applied by each listening worker. */
  workerRevisions: readonly number[];
  /** Verdicts of the node's active health checks of LLM instances. */
  activeHealth: readonly { owner: string; instance: string; healthy: boolean }[];
  /** Scrapes and node-wide in-flight counts of LLM instances (issue 12). */
  instanceLoad?: InstanceLoadSnapshot;
  /** Upstream health checkers (`apisix_upstream_status`); Tollgate has none yet. */
  upstreams?: readonly { name: string; ip: string; port: number | string; healthy: boolean }[];
  /** `notAfter` of each certificate of the SSLs the node holds (see SslExpiryIndex). */
  sslCertificates?: readonly SslCertificateExpiry[];
}

/**
 * The snapshot from `GatewayNode.status()`.
 *
 * @example
 * nodeMetrics: () => nodeMetricsFromStatus(node.status(), { etcd: store.kind === 'etcd', modifyIndexes })
 */
export function nodeMetricsFromStatus(
  status: GatewayNodeStatus,
  extras: {
    etcd: boolean;
    modifyIndexes?: ModifyIndexTracker;
    sslCertificates?: readonly SslCertificateExpiry[];
  },
): NodeMetricsSnapshot {
  const { sync } = status;
  return {
    ...(extras.etcd
      ? {
          etcd: {
            reachable: sync.connected,
            ...(extras.modifyIndexes
              ? { modifyIndexes: extras.modifyIndexes.snapshot(sync.revision) }
              : {}),
          },
        }
      : {}),
    config: {
      revision: sync.revision,
      loaded: sync.loaded,
      stale: sync.stale,
      connected: sync.connected,
      ...(sync.lastSyncAt !== undefined ? { lastSyncAt: sync.lastSyncAt } : {}),
    },
    workerRevisions: status.workers.filter((w) => w.listening).map((w) => w.appliedRevision),
    activeHealth: status.health.map((t) => ({
      owner: t.owner,
      instance: t.instance,
      healthy: t.healthy,
    })),
    ...(status.load ? { instanceLoad: status.load } : {}),
    ...(extras.sslCertificates ? { sslCertificates: extras.sslCertificates } : {}),
  };
}

/** Seconds the node's config may be behind the store: 0 while connected. */
export function syncLagSeconds(
  config: NodeMetricsSnapshot['config'],
  now: number,
  startedAt: number,
): number {
  if (config.connected && config.loaded && !config.stale) return 0;
  return Math.max(0, now - (config.lastSyncAt ?? startedAt)) / 1000;
}

/** The primary's registry of node-level gauges. */
export class NodeMetrics {
  readonly registry = new Registry();
  private readonly startedAt: number;
  private readonly nodeInfo: Gauge<'hostname' | 'version'>;
  private readonly etcdReachable: Gauge;
  private readonly modifyIndexes: Gauge<'key'>;
  private readonly upstreamStatus: Gauge<'name' | 'ip' | 'port'>;
  private readonly instanceHealth: Gauge<'owner' | 'instance' | 'source'>;
  private readonly revision: Gauge;
  private readonly appliedRevision: Gauge;
  private readonly stale: Gauge;
  private readonly lag: Gauge;
  private readonly workers: Gauge;
  private readonly sslExpiry: Gauge<'ssl_id' | 'sni' | 'cert'>;
  private readonly instanceLoad: InstanceLoadMetrics;

  constructor(
    private readonly info: { hostname: string; version: string },
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    const registers = [this.registry];
    const gauge = <N extends string>(name: string, help: string, labelNames: N[] = []) =>
      new Gauge<N>({ name, help, labelNames, registers });
    this.nodeInfo = gauge('apisix_node_info', 'Info of APISIX node', ['hostname', 'version']);
    this.etcdReachable = gauge(
      'apisix_etcd_reachable',
      'Config server etcd reachable from APISIX, 0 is unreachable',
    );
    this.modifyIndexes = gauge('apisix_etcd_modify_indexes', 'Etcd modify index for APISIX keys', [
      'key',
    ]);
    this.upstreamStatus = gauge('apisix_upstream_status', 'Upstream status from health check', [
      'name',
      'ip',
      'port',
    ]);
    this.instanceHealth = new Gauge({
      name: workerMetricsIpc.INSTANCE_HEALTH_METRIC,
      help: workerMetricsIpc.INSTANCE_HEALTH_HELP,
      labelNames: ['owner', 'instance', 'source'],
      // Must match the workers' definition: the families are merged by name.
      aggregator: 'min',
      registers,
    });
    this.revision = gauge(
      'tollgate_config_revision',
      'Store revision of the configuration the node holds',
    );
    this.appliedRevision = gauge(
      'tollgate_config_applied_revision',
      'Lowest configuration revision applied by the node workers',
    );
    this.stale = gauge(
      'tollgate_config_stale',
      '1 while the node serves its on-disk configuration copy because the store never answered',
    );
    this.lag = gauge(
      'tollgate_config_sync_lag_seconds',
      'Seconds since the node configuration was last known to match the store (0 while connected)',
    );
    this.workers = gauge(
      'tollgate_metrics_workers',
      'Worker processes whose metrics this scrape sums',
    );
    this.sslExpiry = gauge(
      'tollgate_ssl_certificate_expiry_timestamp_seconds',
      'notAfter of each certificate of the SSLs the node holds, in seconds since the epoch',
      ['ssl_id', 'sni', 'cert'],
    );
    this.instanceLoad = new InstanceLoadMetrics(this.registry);
  }

  /**
   * The node-level metrics for `snapshot`, as prom-client JSON (ready for aggregation);
   * `workers` is how many workers' metrics go with them.
   */
  async json(snapshot: NodeMetricsSnapshot, workers = 0): Promise<workerMetricsIpc.MetricJson[]> {
    for (const gauge of this.gauges()) gauge.reset();
    this.nodeInfo.set({ hostname: this.info.hostname, version: this.info.version }, 1);
    if (snapshot.etcd) {
      this.etcdReachable.set(snapshot.etcd.reachable ? 1 : 0);
      for (const [key, value] of Object.entries(snapshot.etcd.modifyIndexes ?? {})) {
        this.modifyIndexes.set({ key }, value);
      }
    }
    for (const u of snapshot.upstreams ?? []) {
      this.upstreamStatus.set({ name: u.name, ip: u.ip, port: String(u.port) }, u.healthy ? 1 : 0);
    }
    for (const t of snapshot.activeHealth) {
      this.instanceHealth.set(
        { owner: t.owner, instance: t.instance, source: 'active' },
        t.healthy ? 1 : 0,
      );
    }
    const { config } = snapshot;
    this.revision.set(config.revision);
    if (snapshot.workerRevisions.length > 0) {
      this.appliedRevision.set(Math.min(...snapshot.workerRevisions));
    }
    this.stale.set(config.stale ? 1 : 0);
    this.lag.set(syncLagSeconds(config, this.now(), this.startedAt));
    this.workers.set(workers);
    for (const c of snapshot.sslCertificates ?? []) {
      this.sslExpiry.set({ ssl_id: c.sslId, sni: c.sni, cert: c.cert }, c.notAfterSeconds);
    }
    this.instanceLoad.set(snapshot.instanceLoad, this.now());
    const out = (await this.registry.getMetricsAsJSON()) as workerMetricsIpc.MetricJson[];
    // APISIX exports the etcd gauges only when etcd is the config source.
    return snapshot.etcd ? out : out.filter((m) => !ETCD_METRICS.has(m.name));
  }

  private gauges(): Gauge<string>[] {
    return [
      this.nodeInfo,
      this.etcdReachable,
      this.modifyIndexes,
      this.upstreamStatus,
      this.instanceHealth,
      this.revision,
      this.appliedRevision,
      this.stale,
      this.lag,
      this.workers,
      this.sslExpiry,
    ] as Gauge<string>[];
  }
}
