/**
 * @module stream/stream-plugins
 * The stream (preread) phase of a connection's route: APISIX's stream `ip-restriction` (a client
 * outside `whitelist` or inside `blacklist` is disconnected) then stream `limit-conn` (at most
 * `conn` connections per key, up to `burst` more delayed by `default_conn_delay`, the rest
 * disconnected; counted out when the connection closes). Counters are the HTTP plugin's: the
 * node's store for `policy: local`, Redis otherwise. Plugins without a stream variant are ignored.
 */
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, TrafficStore } from '@tollgate/core';
import { redisCounterStore } from '@tollgate/limiter';
import { boundedKey, inList } from '@tollgate/plugins';
import type { IpRestrictionConf, LimitConnConf } from '@tollgate/schema';
import type { CompiledStreamRoute, StreamVars } from './stream-routes';

/** Called when the connection ends (the log phase). */
export type Release = () => void;

/** Longest a connection beyond `conn` is held before it is proxied. */
const MAX_DELAY_MS = 60_000;

const confHashes = new WeakMap<object, string>();

function confHash(conf: object): string {
  let hash = confHashes.get(conf);
  if (!hash) {
    hash = crypto.createHash('sha1').update(JSON.stringify(conf)).digest('hex').slice(0, 12);
    confHashes.set(conf, hash);
  }
  return hash;
}

function varText(vars: StreamVars, name: string): string | undefined {
  const value = Object.hasOwn(vars, name) ? vars[name as keyof StreamVars] : undefined;
  return value === undefined ? undefined : String(value);
}

/** limit-conn's key from the stream variables (`remote_addr` when it does not resolve). */
function limitKey(conf: LimitConnConf, vars: StreamVars): string {
  const value =
    conf.key_type === 'var_combination'
      ? conf.key.replace(/\$([A-Za-z0-9_]+)/g, (_m, name: string) => varText(vars, name) ?? '')
      : varText(vars, conf.key);
  return boundedKey(value || vars.remote_addr);
}

/** ip-restriction's verdict for the connection. */
function ipAllowed(conf: IpRestrictionConf, vars: StreamVars): boolean {
  if (conf.whitelist) return inList(conf.whitelist, vars.remote_addr);
  return !(conf.blacklist && inList(conf.blacklist, vars.remote_addr));
}

/** Runs the stream phase of the routes' plugins for one worker. */
export class StreamPlugins {
  constructor(
    /** The node's counters (`policy: local`), shared by its workers over IPC. */
    private readonly localTraffic: TrafficStore,
    private readonly log: Logger,
  ) {}

  /**
   * The stream phase for a connection: resolves the function to call when it ends, or
   * `refused` (the caller closes the connection).
   */
  async preread(route: CompiledStreamRoute, vars: StreamVars): Promise<Release | 'refused'> {
    const ipRestriction = route.plugins.find((p) => p.name === 'ip-restriction');
    if (ipRestriction && !ipAllowed(ipRestriction.conf as unknown as IpRestrictionConf, vars)) {
      return 'refused';
    }
    const limitConn = route.plugins.find((p) => p.name === 'limit-conn');
    if (!limitConn) return () => undefined;
    return this.limitConn(limitConn.conf as unknown as LimitConnConf, route, vars);
  }

  private async limitConn(
    conf: LimitConnConf,
    route: CompiledStreamRoute,
    vars: StreamVars,
  ): Promise<Release | 'refused'> {
    const key = `${conf.redis_prefix}:limit-conn:${route.key}:${confHash(conf)}:${limitKey(conf, vars)}`;
    let store: TrafficStore;
    let conn: number;
    try {
      store = conf.policy === 'local' ? this.localTraffic : redisCounterStore(conf);
      conn = await store.adjustGauge(key, 1, conf.key_ttl);
    } catch (err) {
      this.log.error('failed to limit conn', { err, policy: conf.policy, stream_route: route.id });
      return conf.allow_degradation ? () => undefined : 'refused';
    }
    const release = () => {
      store.adjustGauge(key, -1, conf.key_ttl).catch((err: unknown) => {
        this.log.error('failed to count a stream connection out', { err, stream_route: route.id });
      });
    };
    if (conn > conf.conn + conf.burst) {
      release();
      return 'refused';
    }
    if (conn > conf.conn) {
      const delayMs = conf.default_conn_delay * 1000 * Math.floor((conn - 1) / conf.conn);
      if (delayMs >= 1) await sleep(Math.min(delayMs, MAX_DELAY_MS));
    }
    return release;
  }
}
