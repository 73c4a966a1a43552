/**
 * The HTTPS listener with `apisix.enable_http2` (issue 11, item 1): the same SNI selection and
 * client mTLS over HTTP/2 as over HTTP/1.1 (tls/client-verify.ts reads the TLS socket behind
 * node:http2's per-stream socket proxy), and the TLS variables plugins see.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createLogger, RequestVars } from '@tollgate/core';
import { makeCa, makeCert, type CertPair } from '@tollgate/testkit';
import { HttpsListeners } from '../../src/tls/https-listeners';
import type { ConfigValue } from '../../src/config/update';

const ca = makeCa('h2 listener CA');
const exact = makeCert(ca, { cn: 'a.test.com' });
const other = makeCert(ca, { cn: 'other.example' });
const clientCa = makeCa('h2 client CA');
const client = makeCert(clientCa, { cn: 'client-1', client: true });

function echoVars(req: IncomingMessage, res: ServerResponse): void {
  const vars = new RequestVars(req, (req.url ?? '/').split('?')[0] ?? '/', '');
  const body = JSON.stringify({
    scheme: vars.get('scheme'),
    host: vars.get('host'),
    ssl_server_name: vars.get('ssl_server_name'),
    server_protocol: vars.get('server_protocol'),
  });
  // What an HTTP/1.1 handler may set: dropped on HTTP/2 instead of failing the stream.
  res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' });
  res.end(body);
}

const server = (pair: CertPair, snis: string[], extra: ConfigValue = {}): ConfigValue => ({
  cert: pair.cert,
  key: pair.key,
  snis,
  ...extra,
});

let close: () => Promise<void>;
let port: number;

beforeEach(async () => {
  const listeners = new HttpsListeners(
    { protocols: ['TLSv1.2', 'TLSv1.3'], http2: true },
    createLogger('test'),
    () => Promise.reject(new Error('no secrets here')),
  );
  listeners.update(
    new Map(
      Object.entries({
        'ssls/1': server(exact, ['a.test.com'], {
          client: { ca: clientCa.cert, skip_mtls_uri_regex: ['^/public'] },
        }),
        'ssls/2': server(other, ['other.example']),
      }),
    ),
  );
  const srv = listeners.create(echoVars);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  port = (srv.address() as AddressInfo).port;
  close = () =>
    new Promise<void>((resolve) => {
      srv.closeAllConnections();
      srv.close(() => resolve());
    });
});

afterEach(() => close());

/** One request over a new HTTP/2 session: status and body, or the error. */
function h2Get(
  servername: string,
  path: string,
  authority: string,
  extra: http2.SecureClientSessionOptions = {},
): Promise<{ status: number; body: string; alpn?: string } | { error: string }> {
  return new Promise((resolve) => {
    const session = http2.connect(`https://127.0.0.1:${port}`, {
      servername,
      rejectUnauthorized: false,
      ...extra,
    });
    session.once('error', (err) => resolve({ error: err.message }));
    const stream = session.request({ ':path': path, ':authority': authority });
    let status = 0;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (status = Number(h[':status'])));
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => {
      resolve({ status, body, alpn: session.alpnProtocol });
      session.close();
    });
    stream.on('error', (err) => resolve({ error: err.message }));
  });
}

describe('HTTPS listener with HTTP/2', () => {
  it('gives plugins scheme https, the SNI, :authority as host and HTTP/2.0', async () => {
    const reply = await h2Get('other.example', '/', 'other.example:9443');
    expect(reply).toMatchObject({ status: 200, alpn: 'h2' });
    expect(JSON.parse((reply as { body: string }).body)).toEqual({
      scheme: 'https',
      host: 'other.example',
      ssl_server_name: 'other.example',
      server_protocol: 'HTTP/2.0',
    });
  });

  it('applies client.ca and skip_mtls_uri_regex per SNI, as over HTTP/1.1', async () => {
    expect(await h2Get('a.test.com', '/public/x', 'a.test.com')).toMatchObject({ status: 200 });
    expect(await h2Get('a.test.com', '/private', 'a.test.com')).toMatchObject({ status: 400 });
    expect(
      await h2Get('a.test.com', '/private', 'a.test.com', { cert: client.cert, key: client.key }),
    ).toMatchObject({ status: 200 });
  });

  it('refuses an :authority that asks for mTLS reached through another SNI (400)', async () => {
    expect(await h2Get('other.example', '/', 'a.test.com')).toMatchObject({ status: 400 });
  });
});
