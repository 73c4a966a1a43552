/**
 * @module target
 * Where an upstream LLM request goes (spec §1.8 "Target URL"): the provider's defaults, or
 * `override.endpoint` parsed APISIX's way. Pure: no DNS, no I/O.
 */
import {
  ProviderEndpointInvalidError,
  ProviderEndpointMissingError,
  ProviderNotImplementedError,
  ProviderPathUnresolvedError,
  ProviderProtocolUnsupportedError,
} from './errors';
import { converterFor, type ProtocolConverter } from './convert';
import { getProvider, type Provider } from './providers';
import type { AiInstanceLike, ProtocolName } from './types';

/** The resolved upstream target of one attempt. */
export interface ResolvedTarget {
  /** `scheme://host:port` (port always explicit): the connection-pool origin. */
  origin: string;
  scheme: 'http' | 'https';
  /** Host name (IPv6 addresses in brackets). */
  host: string;
  port: number;
  /** `Host` header value: the host, plus `:port` only when it is not the scheme's default. */
  hostHeader: string;
  /** Request path, sent as is (the user pre-encodes reserved characters). */
  path: string;
  /** Query parameters (a fresh object the caller may modify). */
  query: URLSearchParams;
  /** TLS SNI server name: the target host without brackets. */
  tlsServername: string;
  /** The protocol spoken to the provider ({@link targetProtocol}); differs from the client's when converted. */
  protocol: ProtocolName;
}

/** The client request, needed only for the passthrough protocol. */
export interface ClientRequestLine {
  /** Client path: passthrough's default path. */
  path?: string;
  /** Client query: forwarded for passthrough, below `auth.query` and endpoint parameters. */
  query?: URLSearchParams | string;
  /** The model sent upstream: bedrock's path names it. */
  model?: string;
  /** The client asked for a stream: bedrock's path is then `converse-stream`. */
  stream?: boolean;
}

const ENDPOINT_RE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/;

const defaultPort = (scheme: string): number => (scheme === 'https' ? 443 : 80);

/**
 * The message APISIX answers with (400) when a provider cannot take the client protocol.
 *
 * @example
 * unsupportedProtocolMessage(getProvider('deepseek')!, 'openai-responses');
 * // 'provider deepseek does not support openai-responses protocol (supported: openai-chat, passthrough)'
 */
export function unsupportedProtocolMessage(provider: Provider, protocol: ProtocolName): string {
  return (
    `provider ${provider.name} does not support ${protocol} protocol ` +
    `(supported: ${provider.protocols.join(', ')})`
  );
}

/**
 * The protocol spoken to the provider for a client protocol (spec §1.8 step 1):
 * 1. Tollgate extension: when `override.endpoint` has a path that is the provider's path for
 *    another protocol it speaks natively (an anthropic instance at `…/v1/messages`) and the client
 *    protocol converts to it, that protocol;
 * 2. the client protocol, when the provider speaks it;
 * 3. else the first of the provider's protocols the client protocol converts to.
 * Throws `TOLLGATE_ERR_PROVIDER_PROTOCOL_UNSUPPORTED` when none applies.
 *
 * @example
 * targetProtocol('openai-compatible', { override: { endpoint: 'http://vllm:8000' } }, 'anthropic-messages');
 * // 'openai-chat'
 */
export function targetProtocol(
  provider: Provider | string,
  instance: AiInstanceLike,
  protocol: ProtocolName,
): ProtocolName {
  const p = typeof provider === 'string' ? getProvider(provider) : provider;
  if (!p || p.notImplemented) throw new ProviderNotImplementedError(p?.name ?? provider);
  const endpoint = instance.override?.endpoint;
  const path = endpoint ? parseEndpointCached(endpoint).path : undefined;
  if (path !== undefined && path !== '/') {
    for (const name of p.protocols) {
      const capability = p.capabilities[name];
      const matches = capability?.path === path || capability?.pathPattern?.test(path) === true;
      if (name !== protocol && matches && converterFor(protocol, name)) return name;
    }
  }
  if (p.supports(protocol)) return protocol;
  const converted = p.protocols.find((name) => converterFor(protocol, name) !== undefined);
  if (converted) return converted;
  throw new ProviderProtocolUnsupportedError(unsupportedProtocolMessage(p, protocol));
}

/**
 * The converter an attempt at `instance` uses for a client speaking `protocol`, or undefined when
 * the provider takes that protocol natively (or cannot take it at all: resolving the target
 * reports that).
 *
 * @example
 * conversionFor('deepseek', {}, 'anthropic-messages')?.to; // 'openai-chat'
 */
export function conversionFor(
  provider: Provider | string,
  instance: AiInstanceLike,
  protocol: ProtocolName,
): ProtocolConverter | undefined {
  let target: ProtocolName;
  try {
    target = targetProtocol(provider, instance, protocol);
  } catch {
    return undefined;
  }
  return target === protocol ? undefined : converterFor(protocol, target);
}

interface ParsedEndpoint {
  /** Where every request to this endpoint goes, computed once with the parse. */
  connection: TargetConnection;
  path?: string;
  query?: string;
}

/** The connection-level part of a target: the same for every request to one host. */
type TargetConnection = Pick<
  ResolvedTarget,
  'origin' | 'scheme' | 'host' | 'port' | 'hostHeader' | 'tlsServername'
>;

function connectionTo(scheme: 'http' | 'https', host: string, port: number): TargetConnection {
  return {
    origin: `${scheme}://${host}:${port}`,
    scheme,
    host,
    port,
    hostHeader: port === defaultPort(scheme) ? host : `${host}:${port}`,
    // An IPv6 address is bracketed in URLs and Host headers, bare in SNI.
    tlsServername: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host,
  };
}

/** Endpoints parsed so far (a handful per configuration); never mutated once stored. */
const parsedEndpoints = new Map<string, Readonly<ParsedEndpoint>>();
const MAX_PARSED_ENDPOINTS = 1024;

/** {@link parseEndpoint}, once per endpoint string rather than on every request. */
function parseEndpointCached(endpoint: string): Readonly<ParsedEndpoint> {
  let parsed = parsedEndpoints.get(endpoint);
  if (!parsed) {
    parsed = parseEndpoint(endpoint);
    if (parsedEndpoints.size >= MAX_PARSED_ENDPOINTS) parsedEndpoints.clear();
    parsedEndpoints.set(endpoint, parsed);
  }
  return parsed;
}

/** Parse `override.endpoint`; throws `TOLLGATE_ERR_PROVIDER_ENDPOINT_INVALID`. */
function parseEndpoint(endpoint: string): ParsedEndpoint {
  const m = ENDPOINT_RE.exec(endpoint.trim());
  const scheme = m?.[1]?.toLowerCase();
  const authority = (m?.[2] ?? '').replace(/^.*@/, ''); // userinfo is never sent
  if (!m || (scheme !== 'http' && scheme !== 'https') || authority === '') {
    throw new ProviderEndpointInvalidError(endpoint);
  }
  let url: URL;
  try {
    url = new URL(`${scheme}://${authority}`);
  } catch (cause) {
    throw Object.assign(new ProviderEndpointInvalidError(endpoint), { cause });
  }
  const port = url.port === '' ? defaultPort(scheme) : Number(url.port);
  const parsed: ParsedEndpoint = { connection: connectionTo(scheme, url.hostname, port) };
  // A path, even a lone "/", is used verbatim; only its absence selects the provider's path.
  if (m[3]) parsed.path = m[3];
  if (m[4]) parsed.query = m[4];
  return parsed;
}

function overlay(into: URLSearchParams, from: Iterable<[string, string]>): void {
  const replaced = new Set<string>();
  for (const [key, value] of from) {
    if (!replaced.has(key)) {
      into.delete(key);
      replaced.add(key);
    }
    into.append(key, value);
  }
}

/**
 * The provider's path for `target` when the endpoint names none: its `pathFor` (vertex-ai's
 * project and region, bedrock's model and stream), else the capability's path.
 */
function providerPath(
  p: Provider,
  instance: AiInstanceLike,
  target: ProtocolName,
  client: ClientRequestLine,
): string | undefined {
  if (!p.pathFor) return p.capabilities[target]?.path;
  const path = p.pathFor({
    protocol: target,
    providerConf: instance.provider_conf,
    model: client.model,
    stream: client.stream,
  });
  if (path === undefined) {
    throw new ProviderPathUnresolvedError(p.name);
  }
  return path;
}

/** The endpoint's path, as the provider adapts it to the request (bedrock's stream path). */
function endpointPath(
  p: Provider,
  path: string,
  instance: AiInstanceLike,
  target: ProtocolName,
  client: ClientRequestLine,
): string {
  if (!p.endpointPath) return path;
  return p.endpointPath(path, {
    protocol: target,
    providerConf: instance.provider_conf,
    model: client.model,
    stream: client.stream,
  });
}

/**
 * Resolve the upstream target of `instance` for the client `protocol`: the target protocol is
 * {@link targetProtocol}'s choice (the client's, or one it converts to).
 *
 * - With `override.endpoint`: scheme, host and port from it (port defaults to 443 for https,
 *   else 80); its path verbatim when it has one (a lone `/` included), else the provider's path
 *   for `protocol`; query = a copy of `auth.query`, then the endpoint's parameters (endpoint
 *   wins on a key collision).
 * - Without: the provider's host, port, scheme and path; query = `auth.query`.
 * - passthrough: default path is the client's path; the client's query is forwarded, but
 *   `auth.query` and endpoint parameters win.
 *
 * Throws `TOLLGATE_ERR_PROVIDER_NOT_IMPLEMENTED` (vertex-ai, bedrock, unknown names),
 * `TOLLGATE_ERR_PROVIDER_PROTOCOL_UNSUPPORTED` (message from {@link unsupportedProtocolMessage}),
 * `TOLLGATE_ERR_PROVIDER_ENDPOINT_MISSING` (openai-compatible or azure-openai without endpoint),
 * `TOLLGATE_ERR_PROVIDER_ENDPOINT_INVALID`.
 *
 * @example
 * resolveTarget('openai', { override: { endpoint: 'http://127.0.0.1:1980' } }, 'openai-chat');
 * // { origin: 'http://127.0.0.1:1980', path: '/v1/chat/completions', hostHeader: '127.0.0.1:1980', ... }
 */
export function resolveTarget(
  provider: Provider | string,
  instance: AiInstanceLike,
  protocol: ProtocolName,
  client: ClientRequestLine = {},
): ResolvedTarget {
  const p = typeof provider === 'string' ? getProvider(provider) : provider;
  if (!p || p.notImplemented) throw new ProviderNotImplementedError(p?.name ?? provider);
  const target = targetProtocol(p, instance, protocol);
  const capability = p.capabilities[target];
  if (!capability) {
    throw new ProviderProtocolUnsupportedError(unsupportedProtocolMessage(p, protocol));
  }

  const endpoint = instance.override?.endpoint;
  const parsed = endpoint ? parseEndpointCached(endpoint) : undefined;
  let connection = parsed?.connection;
  if (!connection) {
    const host = p.hostFor?.(instance.provider_conf) ?? p.host;
    if (!host) throw new ProviderEndpointMissingError(p.name);
    connection = connectionTo(p.scheme, host, p.port);
  }

  const query = new URLSearchParams();
  if (protocol === 'passthrough' && client.query) overlay(query, new URLSearchParams(client.query));
  const authQuery = instance.auth?.query;
  if (authQuery) overlay(query, Object.entries(authQuery));
  if (parsed?.query) overlay(query, new URLSearchParams(parsed.query));
  // Gemini's stream method answers SSE only when asked; its default is one JSON array.
  if (target === 'gemini-generate-content' && client.stream === true) query.set('alt', 'sse');

  // Named one by one: a spread with more members makes a new map per object (see shallowCopy).
  return {
    origin: connection.origin,
    scheme: connection.scheme,
    host: connection.host,
    port: connection.port,
    hostHeader: connection.hostHeader,
    tlsServername: connection.tlsServername,
    path:
      (parsed?.path !== undefined
        ? endpointPath(p, parsed.path, instance, target, client)
        : undefined) ??
      providerPath(p, instance, target, client) ??
      client.path ??
      '/',
    query,
    protocol: target,
  };
}
