/**
 * The HTTPS listener on loopback with real certificates (openssl CLI): SNI choice (exact before
 * wildcard, one label), no match and no SNI, fallback_sni, disabled and client SSLs, RSA+ECDSA
 * pairs, per-SSL ssl_protocols, client mTLS (in the handshake, and per URI with
 * skip_mtls_uri_regex), the swap of the SSL table, and the request variables over TLS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { createLogger, RequestVars } from '@tollgate/core';
import { makeCa, makeCert, waitFor, type CertPair } from '@tollgate/testkit';
import { SecretReferenceError } from '../../src/secrets/resolver';
import { HttpsListeners } from '../../src/tls/https-listeners';
import type { ConfigValue } from '../../src/config/update';
import type { TlsProtocol } from '../../src/tls/server-ssls';

const ca = makeCa('listener CA');
const exact = makeCert(ca, { cn: 'a.test.com' });
const wild = makeCert(ca, { cn: 'wild.test.com', sans: ['*.test.com'] });
const other = makeCert(ca, { cn: 'other.example' });
const ecdsa = makeCert(ca, { cn: 'dual.example', keyType: 'ec' });
const rsa = makeCert(ca, { cn: 'dual.example' });
const clientCa = makeCa('client CA');
const client = makeCert(clientCa, { cn: 'client-1', client: true });
const stranger = makeCert(makeCa('stranger CA'), { cn: 'client-2', client: true });

/** Values of the secret references the tests use (a stand-in for the worker's resolver). */
const secretValues = new Map<string, string>();
const resolveSecret = (reference: string): Promise<string> => {
  const value = secretValues.get(reference);
  return value === undefined
    ? Promise.reject(new SecretReferenceError(reference, 'not found'))
    : Promise.resolve(value);
};

interface Listening {
  listeners: HttpsListeners;
  port: number;
  close(): Promise<void>;
}

/** Answers with the request's TLS variables. */
function echoVars(req: IncomingMessage, res: ServerResponse): void {
  const vars = new RequestVars(req, (req.url ?? '/').split('?')[0] ?? '/', '');
  const body = JSON.stringify({
    scheme: vars.get('scheme'),
    ssl_server_name: vars.get('ssl_server_name'),
    server_port: vars.get('server_port'),
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

async function listen(
  fallbackSni?: string,
  protocols: TlsProtocol[] = ['TLSv1.2', 'TLSv1.3'],
): Promise<Listening> {
  const listeners = new HttpsListeners(
    { protocols, ...(fallbackSni ? { fallbackSni } : {}) },
    createLogger('test'),
    resolveSecret,
  );
  const server = listeners.create(echoVars);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    listeners,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function ssls(values: Record<string, ConfigValue>): Map<string, ConfigValue> {
  return new Map(Object.entries(values).map(([id, v]) => [`ssls/${id}`, v]));
}

function server(pair: CertPair, snis: string[], extra: ConfigValue = {}): ConfigValue {
  return { cert: pair.cert, key: pair.key, snis, ...extra };
}

interface Handshake {
  cn?: string;
  /** Key type of the served certificate (`rsa`, `ec`). */
  keyType?: string;
  protocol?: string | null;
  error?: string;
}

/** One TLS handshake: the served certificate's CN, or the error. */
function handshake(port: number, options: tls.ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
    socket.once('secureConnect', () => {
      // @types/node types a subject field as string | string[] (a repeated attribute).
      const subjectCn: string | string[] | undefined = socket.getPeerCertificate().subject?.CN;
      const cn = Array.isArray(subjectCn) ? subjectCn[0] : subjectCn;
      const keyType = socket.getPeerX509Certificate()?.publicKey.asymmetricKeyType;
      const protocol = socket.getProtocol();
      // TLS 1.3 reports a refused client certificate after the handshake: wait for it.
      socket.once('error', (err) => resolve({ error: err.message }));
      socket.once('close', () => resolve({ cn, keyType, protocol }));
      socket.end();
    });
    socket.once('error', (err) => resolve({ error: err.message }));
  });
}

/** One HTTP/1.1 request over a new TLS connection. */
function request(
  port: number,
  path: string,
  options: tls.ConnectionOptions = {},
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
    let data = '';
    socket.once('secureConnect', () => {
      const host = options.servername ?? '127.0.0.1';
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.once('error', (err) => resolve({ error: err.message }));
    socket.once('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      if (status === 0) resolve({ error: 'no response' });
      else resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('HTTPS listener', () => {
  let node: Listening;
  afterEach(async () => node?.close());

  it('serves the certificate of the SNI: exact before wildcard, one label, no match fails', async () => {
    node = await listen();
    node.listeners.update(
      ssls({ 1: server(wild, ['*.test.com']), 2: server(exact, ['a.test.com']) }),
    );
    expect(await handshake(node.port, { servername: 'a.test.com' })).toMatchObject({
      cn: 'a.test.com',
    });
    expect(await handshake(node.port, { servername: 'b.test.com' })).toMatchObject({
      cn: 'wild.test.com',
    });
    expect(await handshake(node.port, { servername: 'B.TEST.COM' })).toMatchObject({
      cn: 'wild.test.com',
    });
    expect(await handshake(node.port, { servername: 'x.b.test.com' })).toHaveProperty('error');
    expect(await handshake(node.port, { servername: 'none.example' })).toHaveProperty('error');
    // No SNI and no fallback_sni: the handshake fails, as APISIX's.
    expect(await handshake(node.port)).toHaveProperty('error');
  });

  it('serves clients without SNI the fallback_sni SSL', async () => {
    node = await listen('other.example');
    node.listeners.update(
      ssls({ 1: server(other, ['other.example']), 2: server(exact, ['a.test.com']) }),
    );
    expect(await handshake(node.port)).toMatchObject({ cn: 'other.example' });
    expect(await handshake(node.port, { servername: 'a.test.com' })).toMatchObject({
      cn: 'a.test.com',
    });
  });

  it('does not serve disabled SSLs nor type client ones', async () => {
    node = await listen();
    node.listeners.update(
      ssls({
        1: server(exact, ['a.test.com'], { status: 0 }),
        2: server(other, ['other.example'], { type: 'client' }),
      }),
    );
    expect(await handshake(node.port, { servername: 'a.test.com' })).toHaveProperty('error');
    expect(await handshake(node.port, { servername: 'other.example' })).toHaveProperty('error');
  });

  it('serves the ECDSA or the RSA certificate of one SSL by what the client accepts', async () => {
    node = await listen();
    node.listeners.update(
      ssls({ 1: server(rsa, ['dual.example'], { certs: [ecdsa.cert], keys: [ecdsa.key] }) }),
    );
    const sni = { servername: 'dual.example' };
    expect(await handshake(node.port, { ...sni, sigalgs: 'ECDSA+SHA256' })).toMatchObject({
      keyType: 'ec',
    });
    expect(
      await handshake(node.port, { ...sni, sigalgs: 'RSA-PSS+SHA256:RSA+SHA256' }),
    ).toMatchObject({ keyType: 'rsa' });
  });

  it("refuses a TLS version outside the SSL's ssl_protocols in the handshake", async () => {
    node = await listen();
    node.listeners.update(
      ssls({ 1: server(exact, ['a.test.com'], { ssl_protocols: ['TLSv1.3'] }) }),
    );
    expect(
      await handshake(node.port, { servername: 'a.test.com', maxVersion: 'TLSv1.2' }),
    ).toHaveProperty('error');
    expect(await handshake(node.port, { servername: 'a.test.com' })).toMatchObject({
      cn: 'a.test.com',
      protocol: 'TLSv1.3',
    });
  });

  it("lets an SSL's ssl_protocols widen the listener's, and holds the others to it", async () => {
    node = await listen(undefined, ['TLSv1.3']);
    node.listeners.update(
      ssls({
        1: server(exact, ['a.test.com'], { ssl_protocols: ['TLSv1.2', 'TLSv1.3'] }),
        2: server(other, ['other.example']),
      }),
    );
    const tls12 = { maxVersion: 'TLSv1.2' } as const;
    expect(await handshake(node.port, { servername: 'a.test.com', ...tls12 })).toMatchObject({
      cn: 'a.test.com',
      protocol: 'TLSv1.2',
    });
    expect(await handshake(node.port, { servername: 'other.example', ...tls12 })).toHaveProperty(
      'error',
    );
    expect(await handshake(node.port, { servername: 'other.example' })).toMatchObject({
      protocol: 'TLSv1.3',
    });
  });

  it('requires a client certificate signed by client.ca in the handshake', async () => {
    node = await listen();
    node.listeners.update(
      ssls({
        1: server(exact, ['a.test.com'], { client: { ca: clientCa.cert, depth: 1 } }),
        2: server(other, ['other.example']),
      }),
    );
    const sni = { servername: 'a.test.com' };
    expect(await request(node.port, '/x', sni)).toHaveProperty('error');
    expect(
      await request(node.port, '/x', { ...sni, cert: stranger.cert, key: stranger.key }),
    ).toHaveProperty('error');
    expect(
      await request(node.port, '/x', { ...sni, cert: client.cert, key: client.key }),
    ).toMatchObject({ status: 200 });
    // An SSL without client.ca asks for no certificate.
    expect(await request(node.port, '/x', { servername: 'other.example' })).toMatchObject({
      status: 200,
    });
  });

  it('with skip_mtls_uri_regex: exempt URIs pass, others get 400 without a verified certificate', async () => {
    node = await listen();
    node.listeners.update(
      ssls({
        1: server(exact, ['a.test.com'], {
          client: { ca: clientCa.cert, skip_mtls_uri_regex: ['^/public'] },
        }),
        2: server(other, ['other.example']),
      }),
    );
    const sni = { servername: 'a.test.com' };
    expect(await request(node.port, '/public/x', sni)).toMatchObject({ status: 200 });
    const refused = await request(node.port, '/private', sni);
    expect(refused).toMatchObject({ status: 400 });
    expect((refused as { body: string }).body).toContain('400 Bad Request');
    expect(
      await request(node.port, '/private', { ...sni, cert: stranger.cert, key: stranger.key }),
    ).toMatchObject({ status: 400 });
    expect(
      await request(node.port, '/private', { ...sni, cert: client.cert, key: client.key }),
    ).toMatchObject({ status: 200 });
  });

  it('refuses a Host that asks for mTLS reached through another SNI (400)', async () => {
    node = await listen();
    node.listeners.update(
      ssls({
        1: server(exact, ['a.test.com'], { client: { ca: clientCa.cert } }),
        2: server(other, ['other.example']),
      }),
    );
    const reply = await new Promise<string>((resolve) => {
      const socket = tls.connect(
        {
          host: '127.0.0.1',
          port: node.port,
          servername: 'other.example',
          rejectUnauthorized: false,
        },
        () => socket.write('GET / HTTP/1.1\r\nHost: a.test.com\r\nConnection: close\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.once('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("resumes no TLS session, so a session cannot carry one SNI's client check to another", async () => {
    node = await listen();
    node.listeners.update(
      ssls({
        1: server(exact, ['a.test.com'], { client: { ca: clientCa.cert } }),
        2: server(other, ['other.example'], { client: { ca: stranger.cert } }),
      }),
    );
    const session = await new Promise<Buffer | undefined>((resolve) => {
      let saved: Buffer | undefined;
      const socket = tls.connect({
        host: '127.0.0.1',
        port: node.port,
        servername: 'a.test.com',
        rejectUnauthorized: false,
        cert: client.cert,
        key: client.key,
      });
      socket.on('session', (s: Buffer) => (saved = s));
      socket.once('secureConnect', () =>
        socket.end('GET / HTTP/1.1\r\nHost: a.test.com\r\nConnection: close\r\n\r\n'),
      );
      socket.resume();
      socket.once('close', () => resolve(saved));
    });
    const again = await new Promise<boolean>((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: node.port,
        servername: 'a.test.com',
        rejectUnauthorized: false,
        cert: client.cert,
        key: client.key,
        session,
      });
      socket.once('secureConnect', () => {
        resolve(socket.isSessionReused());
        socket.end();
      });
      socket.once('error', () => resolve(false));
    });
    expect(again).toBe(false);
    // client's certificate is not signed by other.example's CA: a resumed session would pass.
    expect(
      await request(node.port, '/x', {
        servername: 'other.example',
        session,
        cert: client.cert,
        key: client.key,
      }),
    ).toHaveProperty('error');
  });

  it('serves a new certificate to new handshakes at once; open connections keep theirs', async () => {
    node = await listen();
    node.listeners.update(ssls({ 1: server(exact, ['a.test.com']) }));
    const open = tls.connect({
      host: '127.0.0.1',
      port: node.port,
      servername: 'a.test.com',
      rejectUnauthorized: false,
    });
    await new Promise<void>((resolve) => open.once('secureConnect', () => resolve()));
    expect(open.getPeerCertificate().subject.CN).toBe('a.test.com');

    node.listeners.update(ssls({ 1: server(wild, ['a.test.com']) }));
    expect(await handshake(node.port, { servername: 'a.test.com' })).toMatchObject({
      cn: 'wild.test.com',
    });

    const body = await new Promise<string>((resolve) => {
      let data = '';
      open.on('data', (c: Buffer) => (data += c.toString()));
      open.once('close', () => resolve(data));
      open.write('GET / HTTP/1.1\r\nHost: a.test.com\r\nConnection: close\r\n\r\n');
    });
    expect(body).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('serves an SSL whose cert, key and client CA are secret references once resolved', async () => {
    secretValues.set('$secret://vault/tls/cert', exact.cert);
    secretValues.set('$secret://vault/tls/key', exact.key);
    secretValues.set('$env://TLS_LISTENER_TEST_CA', clientCa.cert);
    node = await listen();
    node.listeners.update(
      ssls({
        1: {
          cert: '$secret://vault/tls/cert',
          key: '$secret://vault/tls/key',
          snis: ['a.test.com'],
          client: { ca: '$env://TLS_LISTENER_TEST_CA' },
        },
        2: { cert: '$env://TLS_LISTENER_TEST_UNSET', key: exact.key, snis: ['other.example'] },
      }),
    );
    const sni = { servername: 'a.test.com', cert: client.cert, key: client.key };
    await waitFor('the resolved SSL served', async () => (await handshake(node.port, sni)).cn);
    expect(await handshake(node.port, sni)).toMatchObject({ cn: 'a.test.com' });
    expect(await handshake(node.port, { servername: 'a.test.com' })).toHaveProperty('error');
    // A reference that does not resolve: that SSL is not served, the others are.
    expect(await handshake(node.port, { servername: 'other.example' })).toHaveProperty('error');
  });

  it('gives plugins scheme https, the SNI and the listener port', async () => {
    node = await listen();
    node.listeners.update(ssls({ 1: server(exact, ['a.test.com']) }));
    const reply = await request(node.port, '/vars', { servername: 'a.test.com' });
    expect(JSON.parse((reply as { body: string }).body)).toEqual({
      scheme: 'https',
      ssl_server_name: 'a.test.com',
      server_port: node.port,
    });
  });
});
