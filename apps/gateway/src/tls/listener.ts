/**
 * @module tls/listener
 * The data plane's HTTPS listener (`apisix.ssl.listen`): node:https with the same request
 * handler, header limit, keep-alive handling and refusal behaviour as the plain listener
 * (http/server.ts), and the certificate chosen per handshake from the current SSL table
 * (tls/server-ssls.ts). HTTP/1.1 only: ALPN offers `http/1.1` (Tollgate decision, see
 * docs/gateway.md).
 *
 * A handshake fails, as APISIX's does, when the client's server name matches no SSL, when the
 * negotiated version is not one its SSL accepts (its own `ssl_protocols`, else the listener's),
 * or when a client certificate is required and missing. A client that sends no server name gets
 * the SSL of `apisix.ssl.fallback_sni`, or a failed handshake when there is none.
 */
import { constants } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { SecureContext, TLSSocket } from 'node:tls';
import { guardHttpServer, manageKeepAlive, MAX_HEADER_BYTES } from '@tollgate/core';
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
}

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

function refuse(res: ServerResponse): void {
  const body = errorPage(400);
  res.writeHead(400, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** An HTTPS gateway listener, not yet listening; `setTable` swaps the SSLs it serves. */
export interface TlsGatewayServer {
  server: https.Server;
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

  const server = https.createServer(
    {
      ...range,
      ...NO_RESUMPTION,
      ciphers: settings.ciphers,
      maxHeaderSize: MAX_HEADER_BYTES,
      SNICallback: onServerName,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const uri = (req.url ?? '/').split('?', 1)[0] ?? '/';
      if (table && refusesClient(req, uri, table, settings.fallbackSni)) refuse(res);
      else handler(req, res);
    },
  );
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
