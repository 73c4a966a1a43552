/**
 * @module tls/client-verify
 * Client certificates (an SSL's `client.ca`, APISIX's mTLS from clients), asked for only on the
 * connections whose SNI matched such an SSL, as nginx's `ssl_verify_client` set per SNI does.
 *
 * node:tls decides `requestCert` per server, not per SNI, and has no public way to change it
 * during the handshake; so the SNI callback sets OpenSSL's verify mode on the connection
 * itself (`_handle.setVerifyMode`, what node:tls calls at socket creation) together with the
 * two fields node:tls reads when the handshake ends (`_requestCert`, `_rejectUnauthorized`) to
 * fill `authorized`/`authorizationError`; connections without a server name get no callback, so
 * the listener's own two fields carry the fallback SSL's choice. tls/listener.test.ts pins this.
 *
 * Without `skip_mtls_uri_regex` a missing or untrusted certificate fails the handshake (APISIX's
 * `reject_in_handshake`). With it, the handshake completes and each request is checked: a URI
 * matching one of the patterns passes, any other gets APISIX's 400 unless the certificate was
 * verified. Either way a request whose Host differs from the SNI it was verified with gets 400
 * (APISIX's `verify_https_client`).
 */
import type { IncomingMessage } from 'node:http';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import type { ServerSsl, SslTable } from './server-ssls';

const kMatchedSsl = Symbol('tollgate.tls.matchedSsl');

/** node:tls internals the verify mode lives in (see the module comment). */
interface VerifiableSocket {
  _handle: { setVerifyMode(requestCert: boolean, rejectUnauthorized: boolean): void } | null;
  _requestCert: boolean;
  _rejectUnauthorized: boolean;
  [kMatchedSsl]?: ServerSsl;
}

/**
 * Records the SSL a handshake matched and sets whether a client certificate is asked for: yes
 * when it has a CA, else no (the listener's default, set for the fallback SSL, may say yes).
 */
export function applySslToHandshake(socket: TLSSocket, ssl: ServerSsl): void {
  const target = socket as unknown as VerifiableSocket;
  target[kMatchedSsl] = ssl;
  if (!target._handle) return;
  const requestCert = ssl.client !== undefined;
  const reject = ssl.client?.rejectInHandshake ?? false;
  target._requestCert = requestCert;
  target._rejectUnauthorized = reject;
  target._handle.setVerifyMode(requestCert, reject);
}

/**
 * What new connections of `server` start with before any SNI callback: the fallback SSL's
 * client verification, as connections without a server name get no callback (node:tls copies
 * these two server fields into each connection it accepts).
 */
export function setDefaultClientVerify(server: TlsServer, ssl: ServerSsl | undefined): void {
  const target = server as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
  target.requestCert = ssl?.client !== undefined;
  target.rejectUnauthorized = ssl?.client?.rejectInHandshake ?? false;
}

/** Records that a connection without a server name was served the fallback SSL. */
export function markFallbackSsl(socket: TLSSocket, ssl: ServerSsl): void {
  (socket as unknown as VerifiableSocket)[kMatchedSsl] = ssl;
}

/** The SSL the connection's handshake matched by SNI, if any. */
export function matchedSsl(socket: TLSSocket): ServerSsl | undefined {
  return (socket as unknown as VerifiableSocket)[kMatchedSsl];
}

/** Host header without port, lower-cased (nginx's `$host`). */
function hostOf(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}

/**
 * Whether APISIX would answer this HTTPS request 400 for its client certificate
 * (`verify_https_client`): the SSL matched at handshake has `skip_mtls_uri_regex`, the URI
 * matches none and the certificate is missing or unverified; or the SSL the Host matches asks
 * for client certificates and the Host is not the server name of the handshake (a certificate
 * verified for one name must not reach another).
 */
export function refusesClient(
  req: IncomingMessage,
  uri: string,
  table: SslTable,
  fallbackSni: string | undefined,
): boolean {
  const socket = req.socket as TLSSocket;
  const client = matchedSsl(socket)?.client;
  if (client && !client.rejectInHandshake && !socket.authorized) {
    if (!client.skipUris.some((re) => re.test(uri))) return true;
  }
  const host = hostOf(req);
  if (!table.match(host)?.client) return false;
  const serverName = typeof socket.servername === 'string' ? socket.servername : fallbackSni;
  return serverName?.toLowerCase() !== host;
}
