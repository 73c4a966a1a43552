/**
 * @module loki-logger/sink
 * Pushes loki-logger batches as APISIX does: `POST <endpoint><endpoint_uri>` to an endpoint of
 * `endpoint_addrs` picked at random, `Content-Type: application/json`, `X-Scope-OrgID:
 * <tenant_id>`, body `{"streams":[{"stream":<labels>,"values":[["<ns>","<entry json>"],...]}]}`.
 * A status of 300 or more, a refused connection or a timeout (`timeout` ms) fails the batch.
 * Connections are kept (`keepalive`, `keepalive_timeout`, `keepalive_pool` per endpoint) in an
 * undici Pool per configuration.
 */
import { Pool } from 'undici';
import type { ItemSink } from '../syslog/item-logger';

/** One log line: the request's start time in nanoseconds (a string) and its entry. */
export type LokiItem = readonly [string, Record<string, unknown>];

/** The loki-logger fields the sink uses. */
export interface LokiSinkConf {
  endpoint_addrs: readonly string[];
  endpoint_uri: string;
  tenant_id: string;
  ssl_verify: boolean;
  timeout: number;
  keepalive: boolean;
  keepalive_timeout: number;
  keepalive_pool: number;
}

/** Bytes of a failing server's answer quoted in the error. */
const MAX_ERROR_BODY = 1024;

/** The push request body of one batch. */
export function lokiPushBody(labels: Readonly<Record<string, string>>, items: readonly LokiItem[]) {
  return {
    streams: [{ stream: labels, values: items.map(([ns, entry]) => [ns, JSON.stringify(entry)]) }],
  };
}

/** A sink pushing to Loki with the stream `labels` (already resolved). */
export function createLokiSink(
  conf: LokiSinkConf,
  labels: Readonly<Record<string, string>>,
  random: () => number = Math.random,
): ItemSink<LokiItem> {
  const pools = new Map<string, Pool>();
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: conf.keepalive_pool,
        keepAliveTimeout: conf.keepalive_timeout,
        connect: { timeout: conf.timeout, rejectUnauthorized: conf.ssl_verify },
      });
      pools.set(origin, pool);
    }
    return pool;
  };
  return {
    async send(items) {
      const base =
        conf.endpoint_addrs[Math.floor(random() * conf.endpoint_addrs.length)] ??
        conf.endpoint_addrs[0] ??
        '';
      const url = new URL(base + conf.endpoint_uri);
      let res;
      try {
        res = await poolFor(url.origin).request({
          method: 'POST',
          path: `${url.pathname}${url.search}`,
          headers: { 'content-type': 'application/json', 'x-scope-orgid': conf.tenant_id },
          body: JSON.stringify(lokiPushBody(labels, items)),
          reset: !conf.keepalive,
          signal: AbortSignal.timeout(conf.timeout),
        });
      } catch (err) {
        throw new Error((err as Error).message, { cause: err });
      }
      if (res.statusCode < 300) {
        await res.body.dump();
        return;
      }
      let text = '';
      try {
        text = (await res.body.text()).slice(0, MAX_ERROR_BODY);
      } catch {
        // The status says enough.
      }
      throw new Error(`loki server returned status: ${res.statusCode}, body: ${text}`);
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close().catch(() => undefined)));
    },
  };
}
