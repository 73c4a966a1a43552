/**
 * @module health/probe-spec
 * What an active health probe of one ai-proxy-multi instance sends, and when it counts (spec §1.4,
 * lua-resty-healthcheck): built from the instance config and its `checks.active`, with APISIX's
 * defaults filled in for anything the config leaves out. Pure: no DNS, no I/O.
 */

import { isPlainObject as isObj } from '@tollgate/core';

/** Probe target and request, plus the counting rules. */
export interface ProbeSpec {
  readonly type: 'http' | 'https' | 'tcp';
  /** Host to connect to (a name or an IP; IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** `Host` header of HTTP probes; the TLS server name too when it is not an IP. */
  readonly hostHeader: string;
  readonly method: string;
  /** Path and query, `auth.query` appended. */
  readonly path: string;
  readonly body: string;
  /** `req_headers` then `auth.header`, by lower-case name (values may repeat). */
  readonly headers: Readonly<Record<string, string[]>>;
  readonly verifyCertificate: boolean;
  readonly timeoutMs: number;
  readonly healthy: {
    readonly intervalMs: number;
    readonly statuses: readonly number[];
    readonly successes: number;
  };
  readonly unhealthy: {
    readonly intervalMs: number;
    readonly statuses: readonly number[];
    readonly httpFailures: number;
    readonly tcpFailures: number;
    readonly timeouts: number;
  };
}

/**
 * Default hosts of providers that have one (spec §1.8 table); `openai-compatible` and
 * `azure-openai` have none and are probed only with `override.endpoint`. Kept here rather than
 * imported from @tollgate/ai, which the gateway's primary process does not load.
 */
const PROVIDER_HOSTS: Readonly<Record<string, (conf: ProviderConf) => string | undefined>> = {
  openai: () => 'api.openai.com',
  deepseek: () => 'api.deepseek.com',
  aimlapi: () => 'api.aimlapi.com',
  anthropic: () => 'api.anthropic.com',
  openrouter: () => 'openrouter.ai',
  gemini: () => 'generativelanguage.googleapis.com',
  'vertex-ai': (c) =>
    c.region ? `${c.region}-aiplatform.googleapis.com` : 'aiplatform.googleapis.com',
  bedrock: (c) => (c.region ? `bedrock-runtime.${c.region}.amazonaws.com` : undefined),
};

interface ProviderConf {
  region?: string;
}

/** Headers a probe never takes from `req_headers`: the client sets them itself. */
const RESERVED_HEADERS = new Set([
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
  'te',
  'trailer',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex
const HEADER_VALUE = /^[^\u0000-\u0008\u000a-\u001f\u007f]*$/;

type Obj = Record<string, unknown>;
const num = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;
const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
const statuses = (v: unknown, fallback: number[]): number[] =>
  Array.isArray(v) && v.length > 0 ? v.filter((s): s is number => typeof s === 'number') : fallback;

/** Where an instance's requests go: scheme, host, port. */
export interface InstanceEndpoint {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
}

/**
 * The endpoint an instance's health is probed at: `override.endpoint`'s host and port (default
 * 443 for https, 80 for http), else the provider's default host on 443. Undefined when there is
 * none (openai-compatible or azure-openai without endpoint, bedrock without region) or the
 * endpoint does not parse.
 */
export function instanceEndpoint(instance: Obj): InstanceEndpoint | undefined {
  const override = isObj(instance.override) ? instance.override : {};
  if (typeof override.endpoint === 'string') {
    let url: URL;
    try {
      url = new URL(override.endpoint);
    } catch {
      return undefined;
    }
    const scheme =
      url.protocol === 'https:' ? 'https' : url.protocol === 'http:' ? 'http' : undefined;
    if (!scheme || url.hostname === '') return undefined;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { scheme, host, port: url.port ? Number(url.port) : scheme === 'https' ? 443 : 80 };
  }
  const providerConf = isObj(instance.provider_conf)
    ? (instance.provider_conf as ProviderConf)
    : {};
  const provider = str(instance.provider, '');
  // Own entries only: a provider named `constructor` must not call Object().
  const hostOf = Object.hasOwn(PROVIDER_HOSTS, provider) ? PROVIDER_HOSTS[provider] : undefined;
  const host = hostOf?.(providerConf);
  return host ? { scheme: 'https', host, port: 443 } : undefined;
}

/** `"Name: value"` lines into a header map; malformed lines and reserved names are dropped. */
function parseHeaderLines(lines: unknown): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  if (!Array.isArray(lines)) return headers;
  for (const line of lines) {
    if (typeof line !== 'string') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    addHeader(headers, line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}

function addHeader(headers: Map<string, string[]>, name: string, value: string): void {
  const lower = name.toLowerCase();
  if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value) || RESERVED_HEADERS.has(lower)) return;
  const values = headers.get(lower);
  if (values) values.push(value);
  else headers.set(lower, [value]);
}

function appendQuery(path: string, query: unknown): string {
  if (!isObj(query)) return path;
  const pairs = Object.entries(query)
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  if (pairs.length === 0) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

/**
 * The probe of one instance, or undefined when it has no `checks.active` or no endpoint.
 * - target: the instance endpoint's host, port replaced by `checks.active.port`; the probe speaks
 *   `checks.active.type` whatever the endpoint's scheme (as APISIX does);
 * - `Host`: `checks.active.host` when set, else a `Host` line of `req_headers`, else the endpoint
 *   host (without port, as lua-resty-healthcheck sends it);
 * - headers: `req_headers`, then each `auth.header` entry whose name `req_headers` does not
 *   already set ("no duplicates" [INFERRED: by name, `req_headers` winning]);
 * - path: `http_path` with `auth.query` URL-encoded and appended after `?` or `&`.
 */
export function probeSpec(instance: Obj): ProbeSpec | undefined {
  const checks = isObj(instance.checks) ? instance.checks : undefined;
  const active = checks && isObj(checks.active) ? checks.active : undefined;
  if (!active) return undefined;
  const endpoint = instanceEndpoint(instance);
  if (!endpoint) return undefined;
  const type = active.type === 'https' || active.type === 'tcp' ? active.type : 'http';
  const auth = isObj(instance.auth) ? instance.auth : {};
  const headers = parseHeaderLines(active.req_headers);
  if (isObj(auth.header)) {
    const fromConfig = new Set(headers.keys());
    for (const [name, value] of Object.entries(auth.header)) {
      if (typeof value === 'string' && !fromConfig.has(name.toLowerCase())) {
        addHeader(headers, name, value);
      }
    }
  }
  const hostLine = headers.get('host')?.[0];
  headers.delete('host');
  const healthy = isObj(active.healthy) ? active.healthy : {};
  const unhealthy = isObj(active.unhealthy) ? active.unhealthy : {};
  const port = num(active.port, endpoint.port);
  return {
    type,
    host: endpoint.host,
    port,
    hostHeader:
      typeof active.host === 'string' && active.host !== ''
        ? active.host
        : (hostLine ?? (endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host)),
    method: str(active.http_method, 'GET').toUpperCase(),
    path: appendQuery(str(active.http_path, '/') || '/', auth.query),
    body: str(active.http_req_body, ''),
    headers: Object.fromEntries(headers),
    verifyCertificate: active.https_verify_certificate !== false,
    timeoutMs: Math.max(1, Math.round(num(active.timeout, 1) * 1000)),
    healthy: {
      intervalMs: Math.max(1, num(healthy.interval, 1)) * 1000,
      statuses: statuses(healthy.http_statuses, [200, 302]),
      successes: num(healthy.successes, 2),
    },
    unhealthy: {
      intervalMs: Math.max(1, num(unhealthy.interval, 1)) * 1000,
      statuses: statuses(unhealthy.http_statuses, [429, 404, 500, 501, 502, 503, 504, 505]),
      httpFailures: num(unhealthy.http_failures, 5),
      tcpFailures: num(unhealthy.tcp_failures, 2),
      timeouts: num(unhealthy.timeouts, 3),
    },
  };
}
