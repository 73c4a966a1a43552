/**
 * @module proxy/upstream-conf
 * Turns a schema-validated upstream object into what the proxy works with: nodes with ports and
 * priorities filled in (APISIX `upstream.lua` `fill_node_info`), timeouts in milliseconds, the
 * retry budget, the keep-alive pool settings and the TLS client settings.
 */
import { createHash } from 'node:crypto';

/** One backend node. */
export interface UpstreamNode {
  host: string;
  port: number;
  weight: number;
  priority: number;
  /** `host:port`, IPv6 hosts in brackets: the form used in logs and `upstream_addr`. */
  addr: string;
}

/** The balancing algorithms implemented; `ewma` is served by `least_conn`. */
export type BalancerType = 'roundrobin' | 'chash' | 'least_conn';

/** What chash hashes on (`hash_on`). */
export type HashOn = 'vars' | 'header' | 'cookie' | 'consumer' | 'vars_combinations';

/** An upstream ready for proxying. */
export interface ProxyUpstream {
  nodes: UpstreamNode[];
  type: BalancerType;
  hashOn: HashOn;
  key: string;
  /** Only `http` and `https` are proxied; anything else is answered with 502. */
  scheme: string;
  passHost: 'pass' | 'node' | 'rewrite';
  upstreamHost: string | undefined;
  connectTimeoutMs: number;
  sendTimeoutMs: number;
  readTimeoutMs: number;
  /** Extra tries after the first. */
  retries: number;
  /** 0: no limit. */
  retryTimeoutMs: number;
  keepalive: { size: number; idleTimeoutMs: number; requests: number };
  tls: UpstreamTls;
  /** Changes when the balancer must be rebuilt. */
  balancerFingerprint: string;
  /** Changes when the connection pools must be rebuilt. */
  poolFingerprint: string;
}

/** `upstream.tls` for `https` nodes: the client certificate presented, and server verification. */
export interface UpstreamTls {
  /** PEM certificate and key, inline or resolved from `client_cert_id` by the snapshot. */
  clientCert?: { cert: string; key: string };
  /** Set when `client_cert_id` named no ssl of type client: such an upstream answers 502. */
  unresolvedCertId?: string;
  /** `tls.verify`: check the node's certificate chain and name (default false, as APISIX). */
  verify: boolean;
}

/** Default ports by scheme (APISIX `upstream.lua` `scheme_to_port`). */
export const SCHEME_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  grpc: 80,
  grpcs: 443,
};

/**
 * The port of a node that names none (`{"host": "a.example", "weight": 1}`, or `"a.example": 1`
 * in the hash form): its upstream scheme's default, as APISIX `fill_node_info` fills it. Other
 * schemes, inherited names like `constructor` included, get 80; they are answered with 502 before
 * any connection is made.
 */
export function defaultPort(scheme: string): number {
  return (Object.hasOwn(SCHEME_PORTS, scheme) ? SCHEME_PORTS[scheme] : undefined) ?? 80;
}

/** nginx's proxy_*_timeout default: 60 s each. */
const DEFAULT_TIMEOUT_S = 60;
/** APISIX's `nginx_config.http.upstream` defaults: keepalive 320, 1000 requests, 60 s. */
const DEFAULT_KEEPALIVE = { size: 320, idle_timeout: 60, requests: 1000 };

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** `[::1]`-style brackets for IPv6 literals, as they appear in `host:port` and URLs. */
export function bracketHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function makeNode(host: string, port: number, weight: number, priority: number): UpstreamNode {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return { host: bare, port, weight, priority, addr: `${bracketHost(bare)}:${port}` };
}

/** Splits `host:port`, `[v6]:port`, `host` or a bare IPv6 literal. */
export function parseAddr(addr: string): { host: string; port: number | undefined } {
  if (addr.startsWith('[')) {
    const end = addr.indexOf(']');
    const rest = addr.slice(end + 1);
    return {
      host: addr.slice(1, end),
      port: rest.startsWith(':') ? Number(rest.slice(1)) : undefined,
    };
  }
  const colon = addr.lastIndexOf(':');
  if (colon === -1 || addr.indexOf(':') !== colon) return { host: addr, port: undefined };
  return { host: addr.slice(0, colon), port: Number(addr.slice(colon + 1)) };
}

function parseNodes(raw: unknown, schemePort: number): UpstreamNode[] {
  if (Array.isArray(raw)) {
    return raw.map((item) => {
      const n = asRecord(item);
      return makeNode(
        String(n.host),
        num(n.port, schemePort),
        num(n.weight, 1),
        num(n.priority, 0),
      );
    });
  }
  return Object.entries(asRecord(raw)).map(([addr, weight]) => {
    const { host, port } = parseAddr(addr);
    return makeNode(
      host,
      port !== undefined && Number.isInteger(port) ? port : schemePort,
      num(weight, 1),
      0,
    );
  });
}

function parseTls(raw: unknown): UpstreamTls {
  const tls = asRecord(raw);
  const { client_cert: cert, client_key: key } = tls;
  const idValue = tls.client_cert_id;
  return {
    ...(typeof cert === 'string' && typeof key === 'string' ? { clientCert: { cert, key } } : {}),
    ...((typeof idValue === 'string' || typeof idValue === 'number') && typeof cert !== 'string'
      ? { unresolvedCertId: String(idValue) }
      : {}),
    verify: tls.verify === true,
  };
}

/** A short digest of the TLS settings (the PEM text stays out of the fingerprint). */
function tlsFingerprint(tls: UpstreamTls): string {
  const pem = tls.clientCert ? `${tls.clientCert.cert}\n${tls.clientCert.key}` : '';
  return createHash('sha256')
    .update(`${String(tls.verify)}\n${pem}`)
    .digest('hex');
}

/**
 * Normalises an upstream configuration. Defaults not filled by the schema are APISIX's:
 * `retries` = number of nodes − 1 (`balancer.lua` `set_balancer_opts`), timeouts 60 s, keep-alive
 * 320 / 60 s / 1000 requests.
 */
export function normaliseUpstream(raw: Record<string, unknown>): ProxyUpstream {
  const scheme = typeof raw.scheme === 'string' ? raw.scheme : 'http';
  const nodes = parseNodes(raw.nodes, defaultPort(scheme));
  const timeout = asRecord(raw.timeout);
  const pool = { ...DEFAULT_KEEPALIVE, ...asRecord(raw.keepalive_pool) };
  const rawType = typeof raw.type === 'string' ? raw.type : 'roundrobin';
  const type: BalancerType =
    rawType === 'chash' ? 'chash' : rawType === 'roundrobin' ? 'roundrobin' : 'least_conn';
  const hashOn = (typeof raw.hash_on === 'string' ? raw.hash_on : 'vars') as HashOn;
  const key = typeof raw.key === 'string' ? raw.key : '';
  const retries =
    typeof raw.retries === 'number' && raw.retries >= 0 ? raw.retries : nodes.length - 1;
  const connectTimeoutMs = num(timeout.connect, DEFAULT_TIMEOUT_S) * 1000;
  const keepalive = {
    size: num(pool.size, DEFAULT_KEEPALIVE.size),
    idleTimeoutMs: num(pool.idle_timeout, DEFAULT_KEEPALIVE.idle_timeout) * 1000,
    requests: num(pool.requests, DEFAULT_KEEPALIVE.requests),
  };
  const passHost = raw.pass_host === 'node' || raw.pass_host === 'rewrite' ? raw.pass_host : 'pass';
  const tls = parseTls(raw.tls);
  return {
    nodes,
    type,
    hashOn,
    key,
    scheme,
    passHost,
    upstreamHost: typeof raw.upstream_host === 'string' ? raw.upstream_host : undefined,
    connectTimeoutMs,
    sendTimeoutMs: num(timeout.send, DEFAULT_TIMEOUT_S) * 1000,
    readTimeoutMs: num(timeout.read, DEFAULT_TIMEOUT_S) * 1000,
    retries: Math.max(0, retries),
    retryTimeoutMs: num(raw.retry_timeout, 0) * 1000,
    keepalive,
    tls,
    balancerFingerprint: JSON.stringify([nodes, type, hashOn, key]),
    poolFingerprint: JSON.stringify([scheme, connectTimeoutMs, keepalive, tlsFingerprint(tls)]),
  };
}
