/**
 * @module config/stream-proxy
 * `apisix.proxy_mode` and `apisix.stream_proxy` (APISIX's L4 proxy): which of HTTP and stream
 * the node serves, and the TCP/UDP addresses its stream listeners bind. An entry is a port
 * (`9100`, every interface), an `"ip:port"` string, or `{addr, tls, tls_passthrough}`.
 */
import { ConfigInvalidError } from '@tollgate/core';
import type { StreamListen, StreamProxy } from './types';

type Raw = Record<string, unknown>;
type ProxyMode = 'http' | 'stream' | 'http&stream';

/** JSON Schema of the keys (merged into CONFIG_SCHEMA). */
const address = {
  anyOf: [
    { type: 'integer', minimum: 1, maximum: 65535 },
    { type: 'string', pattern: '^(\\[[0-9a-fA-F:.]+\\]|[^:\\[\\]]+):[0-9]{1,5}$' },
  ],
};

export const STREAM_PROXY_SCHEMA = {
  proxy_mode: {
    enum: ['http', 'stream', 'http&stream'],
    description:
      '`http`, `stream` (L4 only, no HTTP listeners) or `http&stream` ([stream.md](stream.md))',
    default: 'http',
  },
  stream_proxy: {
    type: 'object',
    properties: {
      only: {
        type: 'boolean',
        description:
          "APISIX 2.x's switch for a stream-only node: accepted and ignored, `apisix.proxy_mode` decides",
      },
      tcp: {
        type: 'array',
        description:
          'TCP stream listeners: a port, `"ip:port"`, or `{addr, tls_passthrough}`; `tls: true` (termination) is refused ([stream.md](stream.md))',
        items: {
          anyOf: [
            address,
            {
              type: 'object',
              required: ['addr'],
              properties: {
                addr: address,
                tls: { type: 'boolean' },
                tls_passthrough: { type: 'boolean' },
              },
            },
          ],
        },
      },
      udp: {
        type: 'array',
        description: 'UDP stream listeners: a port or `"ip:port"` (bound by one worker per node)',
        items: {
          anyOf: [address, { type: 'object', required: ['addr'], properties: { addr: address } }],
        },
      },
    },
  },
} as const;

export const STREAM_PROXY_KEYS = [
  'apisix.proxy_mode',
  'apisix.stream_proxy.only',
  'apisix.stream_proxy.tcp',
  'apisix.stream_proxy.udp',
] as const;

function fail(source: string, message: string): never {
  throw new ConfigInvalidError(`invalid config file ${source}: ${message}`);
}

/** `9100` → 0.0.0.0:9100; `"127.0.0.1:9101"`, `"[::1]:9102"` → that address. */
function listenOf(addr: number | string): { ip: string; port: number } {
  if (typeof addr === 'number') return { ip: '0.0.0.0', port: addr };
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon);
  const ip = host.startsWith('[') ? host.slice(1, -1) : host;
  return { ip, port: Number(addr.slice(colon + 1)) };
}

function entries(list: unknown, where: string, source: string, tcp: boolean): StreamListen[] {
  if (!Array.isArray(list)) return [];
  return list.map((item: unknown, i) => {
    const entry = (typeof item === 'object' && item !== null ? item : { addr: item }) as Raw;
    const listen = listenOf(entry.addr as number | string);
    if (!Number.isInteger(listen.port) || listen.port < 1 || listen.port > 65535) {
      fail(source, `${where}[${i}]: port must be 1..65535 (got ${JSON.stringify(entry.addr)})`);
    }
    if (tcp && entry.tls === true) {
      // Tollgate decision (docs/stream.md): stream TLS is passed through, never terminated.
      fail(
        source,
        `${where}[${i}].tls: TLS termination on stream ports is not supported; use tls_passthrough: true (stream routes then match the ClientHello's SNI)`,
      );
    }
    return { ...listen, tlsPassthrough: tcp && entry.tls_passthrough === true };
  });
}

/**
 * The stream listeners when `proxy_mode` serves stream, else undefined (APISIX: no stream
 * routes can be managed). `stream`/`http&stream` without any `stream_proxy` address is refused.
 */
export function streamProxyOf(apisix: Raw, source: string): StreamProxy | undefined {
  const mode = (apisix.proxy_mode as ProxyMode | undefined) ?? 'http';
  if (mode === 'http') return undefined;
  const conf = (apisix.stream_proxy ?? {}) as Raw;
  const tcp = entries(conf.tcp, 'apisix.stream_proxy.tcp', source, true);
  const udp = entries(conf.udp, 'apisix.stream_proxy.udp', source, false);
  if (tcp.length + udp.length === 0) {
    fail(source, `apisix.stream_proxy: needs a tcp or udp address for proxy_mode ${mode}`);
  }
  return { tcp, udp, httpToo: mode === 'http&stream' };
}
