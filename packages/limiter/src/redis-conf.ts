/**
 * @module redis-conf
 * APISIX's Redis connection fields (`apisix/utils/redis-schema.lua`, spec §3.1) for the `redis`
 * and `redis-cluster` counter policies, their defaults, a stable identity per connection, and the
 * ioredis options they become. Pure: no sockets here.
 */
import { createHash } from 'node:crypto';
import type { ClusterOptions, RedisOptions } from 'ioredis';

/**
 * The connection fields of a rate-limiting plugin's conf. Extra fields (limit, time_window …) are
 * allowed and ignored, so a plugin can pass its whole conf.
 */
export interface RedisStoreConf {
  /** `redis` (default) or `redis-cluster`; other policies are refused. */
  readonly policy?: string;
  readonly redis_host?: string;
  /** Default 6379. */
  readonly redis_port?: number;
  readonly redis_username?: string;
  readonly redis_password?: string;
  /** Default 0. */
  readonly redis_database?: number;
  /** Milliseconds any one operation may take, connecting included; default 1000. */
  readonly redis_timeout?: number;
  /** Default false. */
  readonly redis_ssl?: boolean;
  /** Default false, as in APISIX. */
  readonly redis_ssl_verify?: boolean;
  /** `host:port` seed nodes (`[v6]:port` accepted). */
  readonly redis_cluster_nodes?: readonly string[];
  readonly redis_cluster_name?: string;
  readonly redis_cluster_ssl?: boolean;
  readonly redis_cluster_ssl_verify?: boolean;
  /** Accepted and ignored: ioredis multiplexes one connection per node, there is no pool. */
  readonly redis_keepalive_timeout?: number;
  /** Accepted and ignored (see `redis_keepalive_timeout`). */
  readonly redis_keepalive_pool?: number;
  /** `redis-sentinel`: the sentinels asked for the master's address. */
  readonly redis_sentinels?: readonly { readonly host: string; readonly port: number }[];
  /** `redis-sentinel`: the monitored master's name. */
  readonly redis_master_name?: string;
  /** `redis-sentinel`: `master` (default) or `slave`. */
  readonly redis_role?: string;
  /** `redis-sentinel`: connect timeout in ms; default 1000. */
  readonly redis_connect_timeout?: number;
  /** `redis-sentinel`: read timeout in ms; default 1000. */
  readonly redis_read_timeout?: number;
  readonly sentinel_username?: string;
  readonly sentinel_password?: string;
}

/** A single Redis server, defaults applied. */
export interface RedisTarget {
  readonly kind: 'redis';
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly database: number;
  readonly timeoutMs: number;
  readonly tls: false | { readonly verify: boolean };
}

/** A Redis Cluster, defaults applied. */
export interface RedisClusterTarget {
  readonly kind: 'redis-cluster';
  readonly name: string;
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  readonly password?: string;
  readonly timeoutMs: number;
  readonly tls: false | { readonly verify: boolean };
}

/** A master found through Redis Sentinel, defaults applied. */
export interface RedisSentinelTarget {
  readonly kind: 'redis-sentinel';
  readonly sentinels: readonly { readonly host: string; readonly port: number }[];
  readonly name: string;
  readonly role: 'master' | 'slave';
  readonly username?: string;
  readonly password?: string;
  readonly sentinelUsername?: string;
  readonly sentinelPassword?: string;
  readonly database: number;
  /** The longer of the connect and read timeouts. */
  readonly timeoutMs: number;
  readonly tls: false;
}

/** Where a Redis counter store connects. */
export type RedisStoreTarget = RedisTarget | RedisClusterTarget | RedisSentinelTarget;

const DEFAULT_PORT = 6379;
const DEFAULT_TIMEOUT_MS = 1000;

/** Parse `host:port`, `host` or `[v6]:port` (port defaults to 6379). */
export function parseNodeAddress(address: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  if (v6) return { host: v6[1] ?? '', port: v6[2] ? Number(v6[2]) : DEFAULT_PORT };
  const colon = address.lastIndexOf(':');
  if (colon < 0 || address.indexOf(':') !== colon) return { host: address, port: DEFAULT_PORT };
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`invalid redis cluster node address: ${address}`);
  }
  return { host: address.slice(0, colon), port };
}

/**
 * Apply APISIX's defaults and pick the connection fields; throw a TypeError when a required field
 * is missing or the policy is not a Redis one this store supports.
 *
 * @example
 * resolveRedisTarget({ policy: 'redis', redis_host: '10.0.0.5' });
 * // { kind: 'redis', host: '10.0.0.5', port: 6379, database: 0, timeoutMs: 1000, tls: false }
 */
export function resolveRedisTarget(conf: RedisStoreConf): RedisStoreTarget {
  const policy = conf.policy ?? 'redis';
  const timeoutMs = conf.redis_timeout ?? DEFAULT_TIMEOUT_MS;
  if (policy === 'redis') {
    if (!conf.redis_host) throw new TypeError('redis_host is required for policy redis');
    return {
      kind: 'redis',
      host: conf.redis_host,
      port: conf.redis_port ?? DEFAULT_PORT,
      ...(conf.redis_username !== undefined && { username: conf.redis_username }),
      ...(conf.redis_password !== undefined && { password: conf.redis_password }),
      database: conf.redis_database ?? 0,
      timeoutMs,
      tls: conf.redis_ssl ? { verify: conf.redis_ssl_verify ?? false } : false,
    };
  }
  if (policy === 'redis-cluster') {
    const nodes = conf.redis_cluster_nodes ?? [];
    if (nodes.length === 0)
      throw new TypeError('redis_cluster_nodes is required for policy redis-cluster');
    return {
      kind: 'redis-cluster',
      name: conf.redis_cluster_name ?? '',
      nodes: nodes.map(parseNodeAddress),
      ...(conf.redis_password !== undefined && { password: conf.redis_password }),
      timeoutMs,
      tls: conf.redis_cluster_ssl ? { verify: conf.redis_cluster_ssl_verify ?? false } : false,
    };
  }
  if (policy === 'redis-sentinel') {
    const sentinels = conf.redis_sentinels ?? [];
    if (sentinels.length === 0 || !conf.redis_master_name) {
      throw new TypeError(
        'redis_sentinels and redis_master_name are required for policy redis-sentinel',
      );
    }
    return {
      kind: 'redis-sentinel',
      sentinels: sentinels.map((n) => ({ host: n.host, port: n.port })),
      name: conf.redis_master_name,
      role: conf.redis_role === 'slave' ? 'slave' : 'master',
      ...(conf.redis_username !== undefined && { username: conf.redis_username }),
      ...(conf.redis_password !== undefined && { password: conf.redis_password }),
      ...(conf.sentinel_username !== undefined && { sentinelUsername: conf.sentinel_username }),
      ...(conf.sentinel_password !== undefined && { sentinelPassword: conf.sentinel_password }),
      database: conf.redis_database ?? 0,
      timeoutMs: Math.max(
        conf.redis_connect_timeout ?? DEFAULT_TIMEOUT_MS,
        conf.redis_read_timeout ?? DEFAULT_TIMEOUT_MS,
      ),
      tls: false,
    };
  }
  throw new TypeError(`counter policy ${policy} is not supported by the Redis counter store`);
}

/**
 * A stable identity of a target: equal for confs that connect the same way (defaults applied,
 * cluster seed order ignored), different otherwise. Hashed, so a password never shows in it.
 */
export function redisTargetKey(target: RedisStoreTarget): string {
  let canonical: Record<string, unknown>;
  if (target.kind === 'redis') canonical = { ...target };
  else if (target.kind === 'redis-cluster') {
    canonical = { ...target, nodes: target.nodes.map((n) => `${n.host}:${n.port}`).sort() };
  } else {
    canonical = { ...target, sentinels: target.sentinels.map((n) => `${n.host}:${n.port}`).sort() };
  }
  const sorted = Object.fromEntries(
    Object.entries(canonical).sort(([a], [b]) => a.localeCompare(b)),
  );
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 32);
}

/** A printable name of a target for logs and errors (no credentials). */
export function describeRedisTarget(target: RedisStoreTarget): string {
  if (target.kind === 'redis') return `redis ${target.host}:${target.port}/${target.database}`;
  if (target.kind === 'redis-sentinel') return `redis-sentinel ${target.name}/${target.database}`;
  return `redis-cluster ${target.name || target.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
}

/** Reconnect delays: 50 ms doubling per attempt, capped. */
export function reconnectDelay(attempt: number, capMs: number): number {
  return Math.min(50 * 2 ** Math.min(Math.max(attempt - 1, 0), 16), capMs);
}

/**
 * Options every connection shares. Nothing is queued or re-sent: a command that cannot be written
 * now fails (the store waits for readiness itself, within its deadline), and commands in flight
 * when a connection drops are rejected rather than replayed after reconnecting, because replaying
 * an INCRBY whose reply was lost would charge it twice.
 */
function connectionOptions(timeoutMs: number, tls: RedisStoreTarget['tls']): RedisOptions {
  return {
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    ...(tls && { tls: { rejectUnauthorized: tls.verify } }),
  };
}

/** ioredis options for a single server. */
export function singleNodeOptions(target: RedisTarget, reconnectCapMs: number): RedisOptions {
  return {
    ...connectionOptions(target.timeoutMs, target.tls),
    host: target.host,
    port: target.port,
    ...(target.username !== undefined && { username: target.username }),
    ...(target.password !== undefined && { password: target.password }),
    db: target.database,
    ...(target.tls && { tls: { rejectUnauthorized: target.tls.verify, servername: target.host } }),
    retryStrategy: (attempt) => reconnectDelay(attempt, reconnectCapMs),
  };
}

/** ioredis Cluster options (node connections get the shared connection options). */
export function clusterOptions(target: RedisClusterTarget, reconnectCapMs: number): ClusterOptions {
  return {
    enableOfflineQueue: false,
    slotsRefreshTimeout: target.timeoutMs,
    clusterRetryStrategy: (attempt) => reconnectDelay(attempt, reconnectCapMs),
    redisOptions: {
      ...connectionOptions(target.timeoutMs, target.tls),
      ...(target.password !== undefined && { password: target.password }),
    },
  };
}

/** ioredis options for a master (or replica) found through Redis Sentinel. */
export function sentinelOptions(target: RedisSentinelTarget, reconnectCapMs: number): RedisOptions {
  return {
    ...connectionOptions(target.timeoutMs, false),
    sentinels: target.sentinels.map((n) => ({ host: n.host, port: n.port })),
    name: target.name,
    role: target.role,
    ...(target.username !== undefined && { username: target.username }),
    ...(target.password !== undefined && { password: target.password }),
    ...(target.sentinelUsername !== undefined && { sentinelUsername: target.sentinelUsername }),
    ...(target.sentinelPassword !== undefined && { sentinelPassword: target.sentinelPassword }),
    db: target.database,
    sentinelRetryStrategy: (attempt) => reconnectDelay(attempt, reconnectCapMs),
    retryStrategy: (attempt) => reconnectDelay(attempt, reconnectCapMs),
  };
}
