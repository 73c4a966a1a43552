/**
 * @module limit-conn/limit
 * limit-conn (APISIX `limit-conn/init.lua`, lua-resty-limit-traffic's conn): the access phase
 * counts the request into its key's gauge, refuses it beyond `conn` + `burst` and delays it
 * beyond `conn`; the log phase, after the response, counts it out again.
 *
 * The delay of a request beyond `conn` is `unit × floor((n − 1) / conn)` for the n-th concurrent
 * request. The unit starts at `default_conn_delay` and, unless `only_use_default_delay`, moves
 * halfway towards each finished request's latency, per worker and configuration, as in APISIX.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  exit,
  type Exit,
  type Logger,
  type RequestContext,
  type TrafficStore,
} from '@tollgate/core';
import type { LimitConnConf } from '@tollgate/schema';
import { counterNamespace, requestKey } from '../limit-common/keys';

/** What the log phase needs to count a request out. */
interface Admitted {
  store: TrafficStore;
  key: string;
  delayMs: number;
  /** Monotonic time the request was counted in. */
  at: number;
}

const STATE = 'limit-conn';

/** The adaptive delay unit (ms) per configuration, in this worker. */
const units = new WeakMap<LimitConnConf, number>();

/** Longest wait a request is held for. */
const MAX_DELAY_MS = 60_000;

function unitOf(conf: LimitConnConf): number {
  return units.get(conf) ?? conf.default_conn_delay * 1000;
}

function counterKey(conf: LimitConnConf, ctx: RequestContext): string {
  const ns = counterNamespace('limit-conn', conf, ctx);
  return `${conf.redis_prefix}:${ns}:${requestKey(conf.key, conf.key_type, ctx)}`;
}

/** limit-conn's access phase. */
export async function increase(
  conf: LimitConnConf,
  ctx: RequestContext,
  storeFor: (conf: LimitConnConf) => TrafficStore,
  log: Logger,
): Promise<Exit | undefined> {
  const key = counterKey(conf, ctx);
  let store: TrafficStore;
  let conn: number;
  try {
    store = storeFor(conf);
    conn = await store.adjustGauge(key, 1, conf.key_ttl);
  } catch (err) {
    log.error('failed to limit conn', { err, policy: conf.policy, request_id: ctx.requestId });
    return conf.allow_degradation ? undefined : exit(500);
  }
  if (conn > conf.conn + conf.burst) {
    await store.adjustGauge(key, -1, conf.key_ttl).catch((err: unknown) => {
      log.error('failed to count a refused request out', { err, request_id: ctx.requestId });
    });
    return exit(
      conf.rejected_code,
      conf.rejected_msg === undefined ? undefined : { error_msg: conf.rejected_msg },
    );
  }
  const delayMs = conn > conf.conn ? unitOf(conf) * Math.floor((conn - 1) / conf.conn) : 0;
  const admitted: Admitted[] = ctx.pluginState(STATE, () => []);
  admitted.push({ store, key, delayMs, at: performance.now() });
  if (delayMs >= 1) await sleep(Math.min(delayMs, MAX_DELAY_MS));
  return undefined;
}

/** limit-conn's log phase: count the request out, adapt the delay unit. */
export async function decrease(
  conf: LimitConnConf,
  ctx: RequestContext,
  log: Logger,
): Promise<void> {
  const admitted: Admitted[] = ctx.pluginState(STATE, () => []);
  while (admitted.length > 0) {
    const entry = admitted.pop();
    if (!entry) break;
    if (!conf.only_use_default_delay) {
      const latency = Math.max(performance.now() - entry.at - entry.delayMs, 0);
      units.set(conf, (latency + unitOf(conf)) / 2);
    }
    try {
      await entry.store.adjustGauge(entry.key, -1, conf.key_ttl);
    } catch (err) {
      log.error('failed to record the connection leaving request', {
        err,
        request_id: ctx.requestId,
      });
    }
  }
}
