/**
 * @module real-ip/address
 * Reading the real address: the last entry of X-Forwarded-For (or, recursively, the last one that
 * is not a trusted proxy), and `ip[:port]` / `[ipv6]:port` parsing as APISIX's
 * `core.utils.parse_addr`.
 */
import net from 'node:net';

/** An address the client is to be seen as. */
export interface RealAddress {
  ip: string;
  port?: number;
}

/**
 * The address from an X-Forwarded-For value: the last entry, or with `isTrusted`, the last entry
 * that is not trusted (the first entry when all are).
 */
export function fromForwardedFor(
  value: string,
  isTrusted?: (ip: string) => boolean,
): string | undefined {
  const entries = value.split(',').map((e) => e.trim());
  if (!isTrusted) return entries[entries.length - 1];
  for (let i = entries.length - 1; i > 0; i--) {
    const entry = entries[i] ?? '';
    if (!isTrusted(parseAddress(entry)?.ip ?? entry)) return entry;
  }
  return entries[0];
}

/** `1.2.3.4`, `1.2.3.4:80`, `::1`, `[::1]` or `[::1]:80`; undefined when not an IP (or bad port). */
export function parseAddress(text: string): RealAddress | undefined {
  let host = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return undefined;
      portText = rest.slice(1);
    }
  } else if (text.indexOf(':') !== -1 && text.indexOf(':') === text.lastIndexOf(':')) {
    const colon = text.indexOf(':');
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  if (net.isIP(host) === 0) return undefined;
  if (portText === undefined) return { ip: host };
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { ip: host, port } : undefined;
}
