/**
 * @module proxy/registry
 * Per-upstream state kept across requests: the normalised configuration, the balancer and one
 * undici `Pool` per node origin (keep-alive connections are reused by later requests). State is
 * keyed by the caller's upstream key and rebuilt only when the parts it depends on change.
 */
import { type Dispatcher, Pool } from 'undici';
import type { Logger } from '@tollgate/core';
import { Balancer } from './balancer';
import {
  bracketHost,
  normaliseUpstream,
  type ProxyUpstream,
  type UpstreamNode,
} from './upstream-conf';

/** What the proxy needs for one upstream key. */
export interface UpstreamEntry {
  conf: ProxyUpstream;
  balancer: Balancer;
  pools: Map<string, Pool>;
  /** The configuration object this entry was built from (identity check on the hot path). */
  source: Record<string, unknown>;
  /** Replaced or forgotten: requests still using it get pools that close once they finish. */
  retired: boolean;
}

function closePool(pool: Pool, logger: Logger): void {
  pool.close().catch((err: unknown) => logger.debug('upstream pool close failed', { err }));
}

/** The origin (`scheme://host:port`) a node is reached at. */
export function originOf(conf: ProxyUpstream, node: UpstreamNode): string {
  return `${conf.scheme}://${bracketHost(node.host)}:${node.port}`;
}

function createPool(conf: ProxyUpstream, origin: string): Pool {
  const idle = conf.keepalive.idleTimeoutMs;
  const { clientCert, verify } = conf.tls;
  return new Pool(origin, {
    connectTimeout: conf.connectTimeoutMs,
    // `tls.verify` (default false, as nginx's proxy_ssl_verify): the chain against Node's CA
    // store and the name against the SNI, which undici takes from the Host header sent.
    connect: { rejectUnauthorized: verify, ...clientCert },
    keepAliveTimeout: idle > 0 ? idle : 1,
    keepAliveMaxTimeout: idle > 0 ? idle : 1,
    maxRequestsPerClient: conf.keepalive.requests,
    headersTimeout: conf.readTimeoutMs,
    bodyTimeout: conf.readTimeoutMs,
  });
}

/** Upstream state by key. */
export class UpstreamRegistry {
  private readonly entries = new Map<string, UpstreamEntry>();

  constructor(private readonly logger: Logger) {}

  /** The entry for `key`, updated if `raw` is a new configuration object. */
  entry(key: string, raw: Record<string, unknown>): UpstreamEntry {
    const current = this.entries.get(key);
    if (current?.source === raw) return current;
    const conf = normaliseUpstream(raw);
    let balancer: Balancer;
    let pools: Map<string, Pool>;
    if (!current) {
      balancer = new Balancer(conf.nodes, conf.type);
      pools = new Map<string, Pool>();
    } else {
      balancer =
        current.conf.balancerFingerprint === conf.balancerFingerprint
          ? current.balancer
          : new Balancer(conf.nodes, conf.type);
      pools =
        current.conf.poolFingerprint === conf.poolFingerprint
          ? current.pools
          : new Map<string, Pool>();
      const origins = new Set(conf.nodes.map((n) => originOf(conf, n)));
      for (const [origin, pool] of current.pools) {
        if (pools !== current.pools || !origins.has(origin)) {
          closePool(pool, this.logger);
          current.pools.delete(origin);
        }
      }
      current.retired = true;
    }
    const entry = { conf, balancer, pools, source: raw, retired: false };
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Dispatches on the pool of `node`'s origin, creating it on first use. Requests of a retired
   * entry (a retry after a config change) get a pool that closes when they finish.
   */
  dispatch(
    entry: UpstreamEntry,
    node: UpstreamNode,
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): void {
    const origin = originOf(entry.conf, node);
    const existing = entry.pools.get(origin);
    if (existing) {
      existing.dispatch(options, handler);
      return;
    }
    const pool = createPool(entry.conf, origin);
    pool.dispatch(options, handler);
    if (entry.retired) closePool(pool, this.logger);
    else entry.pools.set(origin, pool);
  }

  /** Forgets every key not in `live`, closing its pools once their requests finish. */
  retain(live: ReadonlySet<string>): void {
    for (const [key, entry] of this.entries) {
      if (live.has(key)) continue;
      for (const pool of entry.pools.values()) closePool(pool, this.logger);
      entry.pools.clear();
      entry.retired = true;
      this.entries.delete(key);
    }
  }

  /** The number of open pools (for tests and status). */
  get poolCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) count += entry.pools.size;
    return count;
  }

  /** Closes every pool, waiting for requests in flight. */
  async close(): Promise<void> {
    const pools = [...this.entries.values()].flatMap((e) => [...e.pools.values()]);
    this.entries.clear();
    await Promise.allSettled(pools.map((p) => p.close()));
  }
}
