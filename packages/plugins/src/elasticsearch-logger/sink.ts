/**
 * @module elasticsearch-logger/sink
 * Indexes elasticsearch-logger batches as APISIX does. The endpoint is `endpoint_addr`, else one
 * of `endpoint_addrs` picked at random per batch. The first batch of a configuration asks that
 * endpoint for its version (`GET /`, `version.number`); a failure there fails the batch. Then
 * `POST /_bulk` with one `{"create":{"_index":..,"_type":..}}` line and one entry line per entry
 * (`Content-Type: application/x-ndjson`, `Accept: application/vnd.elasticsearch+json`, with
 * `;compatible-with=7` for Elasticsearch 8 and `;compatible-with=8` for 9, where `_type` is
 * dropped), Basic `auth`, the extra `headers`; any status but 200 fails the batch. Each request
 * gets `timeout` seconds; `ssl_verify` checks an https endpoint's certificate.
 */
import { Pool } from 'undici';
import type { LogSink } from '../logger-common';

/** The elasticsearch-logger fields the sink uses. */
export interface EsSinkConf {
  endpoint_addr?: string;
  endpoint_addrs?: readonly string[];
  field?: { index: string; type?: string };
  auth?: { username: string; password: string };
  headers?: Readonly<Record<string, string>>;
  timeout: number;
  ssl_verify: boolean;
}

/** Bytes of a failing server's answer quoted in the error. */
const MAX_ERROR_BODY = 1024;
/** Bytes of the version answer read. */
const MAX_VERSION_BODY = 64 * 1024;

/** The NDJSON `_bulk` body of one batch. */
export function bulkBody(
  entries: readonly Record<string, unknown>[],
  index: string,
  type: string | undefined,
): string {
  const action = JSON.stringify({ create: { _index: index, _type: type } });
  let body = '';
  for (const entry of entries) body += `${action}\n${JSON.stringify(entry)}\n`;
  return body;
}

/** The major version in a `GET /` answer of Elasticsearch, or an error message. */
export function majorVersion(body: string): { major: string } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { error: `failed to decode response body: ${(err as Error).message}` };
  }
  const version =
    json !== null && typeof json === 'object' && Object.hasOwn(json, 'version')
      ? (json as { version: unknown }).version
      : undefined;
  const number =
    version !== null && typeof version === 'object' && Object.hasOwn(version, 'number')
      ? (version as { number: unknown }).number
      : undefined;
  if (typeof number !== 'string') return { error: 'failed to get version from response body' };
  const m = /^(\d+)\./.exec(number);
  if (!m?.[1]) return { error: `invalid version format: ${number}` };
  return { major: m[1] };
}

/** A sink indexing each batch through the `_bulk` API. */
export function createEsSink(conf: EsSinkConf, random: () => number = Math.random): LogSink {
  const pools = new Map<string, Pool>();
  const timeoutMs = conf.timeout * 1000;
  const poolFor = (origin: string): Pool => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 8,
        connect: { timeout: timeoutMs, rejectUnauthorized: conf.ssl_verify },
      });
      pools.set(origin, pool);
    }
    return pool;
  };
  const baseHeaders: Record<string, string> = Object.fromEntries(
    Object.entries(conf.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  if (conf.auth) {
    const token = Buffer.from(`${conf.auth.username}:${conf.auth.password}`).toString('base64');
    baseHeaders.authorization = `Basic ${token}`;
  }
  let major: string | undefined;

  const request = async (
    endpoint: string,
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string,
  ) => {
    const url = new URL(endpoint);
    const prefix = url.pathname === '/' ? '' : url.pathname;
    return poolFor(url.origin).request({
      method,
      path: `${prefix}${path}`,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  };

  const readText = async (body: { text(): Promise<string> }, max: number) => {
    try {
      return (await body.text()).slice(0, max);
    } catch {
      return '';
    }
  };

  let asking: Promise<string> | undefined;
  const askVersion = async (endpoint: string): Promise<string> => {
    const res = await request(endpoint, 'GET', '/', { ...baseHeaders });
    const text = await readText(res.body, MAX_VERSION_BODY);
    if (res.statusCode !== 200) {
      throw new Error(
        `failed to get Elasticsearch version: server returned status: ${res.statusCode}, body: ${text.slice(0, MAX_ERROR_BODY)}`,
      );
    }
    const found = majorVersion(text);
    if ('error' in found) throw new Error(`failed to get Elasticsearch version: ${found.error}`);
    return found.major;
  };

  return {
    async send(entries) {
      const addrs = conf.endpoint_addrs ?? [];
      const endpoint =
        conf.endpoint_addr ?? addrs[Math.floor(random() * addrs.length)] ?? addrs[0] ?? '';
      if (major === undefined) {
        // One version request at a time per configuration; a failure lets the next batch ask.
        asking ??= askVersion(endpoint).finally(() => {
          asking = undefined;
        });
        major = await asking;
      }
      let contentType = 'application/x-ndjson';
      let accept = 'application/vnd.elasticsearch+json';
      let type = conf.field?.type;
      if (major === '8') {
        contentType += ';compatible-with=7';
        accept += ';compatible-with=7';
      } else if (major === '9') {
        contentType += ';compatible-with=8';
        accept += ';compatible-with=8';
        type = undefined;
      }
      const res = await request(
        endpoint,
        'POST',
        '/_bulk',
        { ...baseHeaders, 'content-type': contentType, accept },
        bulkBody(entries, conf.field?.index ?? '', type),
      );
      if (res.statusCode === 200) {
        await res.body.dump();
        return;
      }
      const text = await readText(res.body, MAX_ERROR_BODY);
      throw new Error(`elasticsearch server returned status: ${res.statusCode}, body: ${text}`);
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close().catch(() => undefined)));
    },
  };
}
