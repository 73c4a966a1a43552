/**
 * @module tls/listener
 * The data plane's HTTPS listener (`apisix.ssl.listen`): node:https with the same request
 * handler, header limit, keep-alive handling and refusal behaviour as the plain listener
 * (http/server.ts), and the certificate chosen per handshake from the current SSL table
 * (tls/server-ssls.ts). With `apisix.enable_http2` (APISIX's default) it is a node:http2 server
 * with `allowHTTP1`: ALPN offers `h2` and `http/1.1`, HTTP/1.1 connections are node:http's as
 * before, and HTTP/2 requests reach the same handler through the compatibility API, adapted
 * by `adaptHttp2Exchange`. Without it, node:https offering `http/1.1` only.
 *
 * A handshake fails, as APISIX's does, when the client's server name matches no SSL, when the
 * negotiated version is not one its SSL accepts (its own `ssl_protocols`, else the listener's),
 * or when a client certificate is required and missing. A client that sends no server name gets
 * the SSL of `apisix.ssl.fallback_sni`, or a failed handshake when there is none.
 */
import { constants } from 'node:crypto';
import https from 'node:https';
import http2, {
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { SecureContext, TLSSocket } from 'node:tls';
import {
  adaptHttp2Exchange,
  guardHttpServer,
  manageKeepAlive,
  MAX_HEADER_BYTES,
} from '@tollgate/core';
import { KEEP_ALIVE_GRACE_MS, KEEP_ALIVE_MS } from '../http/server';
import { errorPage } from '../proxy/failures';
import {
  applySslToHandshake,
  markFallbackSsl,
  matchedSsl,
  refusesClient,
  setDefaultClientVerify,
} from './client-verify';
import { contextFor, type ServerSsl, type SslTable, type TlsProtocol } from './server-ssls';

/** `apisix.ssl` as the listener needs it. */
export interface TlsSettings {
  /** `ssl_protocols`: the versions every SSL accepts unless it lists its own. */
  protocols: TlsProtocol[];
  /** `ssl_ciphers` (OpenSSL cipher list). */
  ciphers?: string;
  /** `fallback_sni`: the server name assumed for clients that send none. */
  fallbackSni?: string;
  /** `apisix.enable_http2`: offer `h2` by ALPN beside `http/1.1`. */
  http2?: boolean;
}

/**
 * node:http2's server with the two connection sweeps of node:http's that shutdown uses (it
 * has neither for HTTP/2 sessions).
 */
export type Http2GatewayServer = Http2SecureServer &
  Pick<https.Server, 'closeIdleConnections' | 'closeAllConnections'>;

/** The listener's server: node:http2 (h2 and http/1.1) or node:https (http/1.1 only). */
export type TlsServer = https.Server | Http2GatewayServer;

/**
 * HTTP/2 session limits: nginx's `http2_max_concurrent_streams` (128), the 16 KiB header limit
 * of HTTP/1 (`http2_max_field_size`'s order), and no server push.
 */
const HTTP2_SETTINGS: http2.Settings = {
  maxConcurrentStreams: 128,
  maxHeaderListSize: MAX_HEADER_BYTES,
  enablePush: false,
};

const VERSION_ORDER: TlsProtocol[] = ['TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * No session tickets (APISIX's `ssl_session_tickets: false`) and, node:tls keeping no session
 * cache without `resumeSession` listeners, no resumption at all: every connection is a full
 * handshake, so the SSL, its protocols and its client verification are decided for the SNI the
 * client sends now. node:tls would otherwise resume a session under another SNI, skipping that
 * SNI's client certificate check (APISIX refuses that case with 400, t/node/client-mtls.t).
 */
const NO_RESUMPTION = { secureOptions: constants.SSL_OP_NO_TICKET };

function versionRange(protocols: TlsProtocol[]): {
  minVersion: TlsProtocol;
  maxVersion: TlsProtocol;
} {
  const known = VERSION_ORDER.filter((v) => protocols.includes(v));
  return { minVersion: known[0] ?? 'TLSv1.2', maxVersion: known.at(-1) ?? 'TLSv1.3' };
}

/**
 * Closes a session idle (no open stream) for `idleMs`, with GOAWAY: nginx's keepalive_timeout
 * for HTTP/2 connections. A session with streams open (a long SSE answer) is kept. This also
 * ends the connection of a peer that stays after node:http2 sent GOAWAY for a protocol error
 * (node:http2 leaves closing the connection to the peer there).
 */
function closeIdleSessions(
  server: Http2SecureServer,
  sessions: Set<http2.ServerHttp2Session>,
  idleMs: number,
): void {
  server.on('session', (session) => {
    let open = 0;
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.on('stream', (stream) => {
      open++;
      stream.once('close', () => open--);
    });
    session.setTimeout(idleMs, () => {
      if (open === 0) session.close();
    });
    // Protocol errors and peers that vanish end the session; node:http2 already answered with
    // GOAWAY or a reset, and nothing else is to be done.
    session.on('error', () => undefined);
  });
}

/**
 * Adds node:http's shutdown sweeps to an HTTP/2 server: `closeIdleConnections` also sends GOAWAY
 * to every session (each closes once its open streams end), `closeAllConnections` destroys every
 * TLS connection, HTTP/1 or HTTP/2.
 */
function addConnectionSweeps(
  server: Http2SecureServer,
  sessions: ReadonlySet<http2.ServerHttp2Session>,
): Http2GatewayServer {
  const sockets = new Set<TLSSocket>();
  server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const target = server as Http2SecureServer & Partial<Pick<https.Server, 'closeIdleConnections'>>;
  const closeHttp1Idle = target.closeIdleConnections?.bind(server);
  return Object.assign(server, {
    closeIdleConnections(): void {
      closeHttp1Idle?.();
      for (const session of sessions) if (!session.closed) session.close();
    },
    closeAllConnections(): void {
      for (const socket of sockets) socket.destroy();
    },
  });
}

/**
 * node:http2 with `allowHTTP1`: HTTP/1 requests go to `onRequest` as node:http's, HTTP/2 ones
 * adapted (`adaptHttp2Exchange`).
 */
function createHttp2Server(
  options: https.ServerOptions,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): Http2GatewayServer {
  const server = http2.createSecureServer(
    { ...options, allowHTTP1: true, settings: HTTP2_SETTINGS },
    (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
      if (req.httpVersionMajor >= 2) {
        onRequest(...adaptHttp2Exchange(req as Http2ServerRequest, res as Http2ServerResponse));
      } else {
        onRequest(req as IncomingMessage, res as ServerResponse);
      }
    },
  );
  // node:http reads this from the server for the HTTP/1 connections `allowHTTP1` hands it.
  (server as { maxHeaderSize?: number }).maxHeaderSize = MAX_HEADER_BYTES;
  // The open sessions, which both the idle timer and the shutdown sweeps close.
  const sessions = new Set<http2.ServerHttp2Session>();
  closeIdleSessions(server, sessions, KEEP_ALIVE_MS + KEEP_ALIVE_GRACE_MS);
  return addConnectionSweeps(server, sessions);
}

function refuse(res: ServerResponse): void {
  const body = errorPage(400);
  res.writeHead(400, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** An HTTPS gateway listener, not yet listening; `setTable` swaps the SSLs it serves. */
export interface TlsGatewayServer {
  server: TlsServer;
  setTable(table: SslTable): void;
}

/** Creates the HTTPS listener for `handler`, serving no SSL until the first `setTable`. */
export function createTlsGatewayServer(
  settings: TlsSettings,
  handler: RequestListener,
): TlsGatewayServer {
  let table: SslTable | undefined;
  let fallback: ServerSsl | undefined;
  let range = versionRange(settings.protocols);
  const listenerProtocols: ReadonlySet<string> = new Set(settings.protocols);
  /** APISIX sets an SSL's `ssl_protocols` in place of the listener's, narrower or wider. */
  const accepts = (ssl: ServerSsl, version: string | null) =>
    version !== null && (ssl.protocols ?? listenerProtocols).has(version);

  function onServerName(
    this: TLSSocket,
    serverName: string,
    done: (err: Error | null, ctx?: SecureContext) => void,
  ): void {
    const ssl = table?.match(serverName);
    if (!ssl) {
      done(new Error(`failed to find any SSL certificate by SNI: ${serverName.slice(0, 255)}`));
      return;
    }
    const version = this.getProtocol();
    if (!accepts(ssl, version)) {
      done(new Error(`SSL ${ssl.id} does not accept ${version ?? 'this TLS version'}`));
      return;
    }
    applySslToHandshake(this, ssl);
    done(null, contextFor(ssl, this.getSharedSigalgs()));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const uri = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (table && refusesClient(req, uri, table, settings.fallbackSni)) refuse(res);
    else handler(req, res);
  };
  const options: https.ServerOptions = {
    ...range,
    ...NO_RESUMPTION,
    ciphers: settings.ciphers,
    maxHeaderSize: MAX_HEADER_BYTES,
    SNICallback: onServerName,
  };
  const server: TlsServer = settings.http2
    ? createHttp2Server(options, onRequest)
    : https.createServer(options, onRequest);
  // Connections without a server name were served the default context: the fallback SSL's.
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    if (matchedSsl(socket)) return;
    if (!fallback || !accepts(fallback, socket.getProtocol())) {
      socket.destroy();
      return;
    }
    markFallbackSsl(socket, fallback);
  });
  guardHttpServer(server);
  manageKeepAlive(server, { advertisedMs: KEEP_ALIVE_MS, graceMs: KEEP_ALIVE_GRACE_MS });

  return {
    server,
    setTable(next: SslTable): void {
      table = next;
      // Versions are negotiated before the SNI callback: the listener offers every version some
      // SSL accepts, and each handshake is held to its SSL's.
      const nextRange = versionRange([
        ...settings.protocols,
        ...next.ownProtocols,
      ] as TlsProtocol[]);
      const rangeChanged =
        nextRange.minVersion !== range.minVersion || nextRange.maxVersion !== range.maxVersion;
      if (next.fallback === fallback && !rangeChanged) return;
      fallback = next.fallback;
      range = nextRange;
      // The default context serves handshakes without SNI: the fallback SSL, or none (fails).
      server.setSecureContext({
        ...range,
        ...NO_RESUMPTION,
        ciphers: settings.ciphers,
        ...(fallback?.contextOptions ?? {}),
      });
      setDefaultClientVerify(server, fallback);
    },
  };
}
