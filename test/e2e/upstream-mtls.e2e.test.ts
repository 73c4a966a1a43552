/**
 * Upstream TLS through a real `tollgate start` on etcd: the upstream is a local HTTPS server that
 * requires a client certificate signed by its CA. The route works with `tls.client_cert` /
 * `client_key` and with `tls.client_cert_id` (an ssls item of type client), fails without one.
 * `tls.verify: true` passes for a trusted certificate issued for the SNI, and answers 502 for a
 * name it was not issued for or a CA Node does not trust (APISIX's t/node/upstream-mtls cases).
 * The node trusts the upstream CA through NODE_EXTRA_CA_CERTS.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { makeCa, makeCert, waitFor, type CertPair } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './plugins/support/access-node';

jest.setTimeout(120_000);

describe('upstream mTLS', () => {
  let node: AccessNode;
  let upstream: https.Server;
  let upstreamPort: number;
  let rogue: https.Server;
  let roguePort: number;
  let client: CertPair;
  let stranger: CertPair;
  const handshakes: string[] = [];

  beforeAll(async () => {
    const ca = makeCa('upstream CA');
    const site = makeCert(ca, { cn: 'localhost', sans: ['localhost'], ips: ['127.0.0.1'] });
    client = makeCert(ca, { cn: 'tollgate-gateway', client: true });
    stranger = makeCert(makeCa('other CA'), { cn: 'stranger', client: true });
    upstream = https.createServer(
      { ...site, ca: ca.cert, requestCert: true, rejectUnauthorized: true },
      (req, res) => {
        const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
        req.resume();
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`hello ${typeof cn === 'string' ? cn : 'nobody'}\n`);
      },
    );
    upstream.on('tlsClientError', (err) => handshakes.push(err.message));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamPort = (upstream.address() as AddressInfo).port;
    const rogueSite = makeCert(makeCa('untrusted CA'), { cn: 'localhost', ips: ['127.0.0.1'] });
    rogue = https.createServer(rogueSite, (req, res) => {
      req.resume();
      res.end('rogue\n');
    });
    await new Promise<void>((resolve) => rogue.listen(0, '127.0.0.1', resolve));
    roguePort = (rogue.address() as AddressInfo).port;

    const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mtls-ca-')), 'ca.crt');
    fs.writeFileSync(caFile, ca.cert);
    process.env.NODE_EXTRA_CA_CERTS = caFile;
    try {
      node = await startAccessNode('upstream-mtls');
    } finally {
      delete process.env.NODE_EXTRA_CA_CERTS;
      fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
    }
  });

  afterAll(async () => {
    await node?.close();
    for (const server of [upstream, rogue]) {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    }
  });

  const route = (uri: string, tls?: Record<string, unknown>) => ({
    uri,
    upstream: {
      scheme: 'https',
      type: 'roundrobin',
      nodes: { [`127.0.0.1:${upstreamPort}`]: 1 },
      ...(tls ? { tls } : {}),
    },
  });

  it('presents tls.client_cert/client_key; without a certificate the upstream refuses: 502', async () => {
    await node.putRoute(
      '1',
      route('/inline', { client_cert: client.cert, client_key: client.key }),
    );
    const ok = await node.request('/inline');
    expect({ status: ok.status, body: ok.body }).toEqual({
      status: 200,
      body: 'hello tollgate-gateway\n',
    });

    await node.putRoute('2', route('/none'));
    expect((await node.request('/none')).status).toBe(502);

    await node.putRoute(
      '3',
      route('/stranger', { client_cert: stranger.cert, client_key: stranger.key }),
    );
    expect((await node.request('/stranger')).status).toBe(502);
    expect(handshakes.length).toBeGreaterThan(0);
  });

  it('presents the ssls item named by tls.client_cert_id; once deleted the route answers 502', async () => {
    const ssl = await node.admin.put('/apisix/admin/ssls/gw', {
      type: 'client',
      cert: client.cert,
      key: client.key,
    });
    expect(ssl.status).toBe(201);
    await node.putRoute('4', route('/by-id', { client_cert_id: 'gw' }));
    const ok = await node.request('/by-id');
    expect({ status: ok.status, body: ok.body }).toEqual({
      status: 200,
      body: 'hello tollgate-gateway\n',
    });

    // APISIX deletes an ssl still referenced; the upstream then has no certificate: 502.
    expect((await node.admin.delete('/apisix/admin/ssls/gw')).status).toBe(200);
    await waitFor('the deleted ssl to be unusable', async () => {
      return (await node.request('/by-id')).status === 502;
    });
  });

  it('an http upstream ignores the client certificate, yet answers 502 once its ssl is gone (APISIX)', async () => {
    const client2 = { type: 'client', cert: client.cert, key: client.key };
    expect((await node.admin.put('/apisix/admin/ssls/gw2', client2)).status).toBe(201);
    await node.putRoute('7', {
      uri: '/plain/hello',
      upstream: { ...node.upstream, tls: { client_cert_id: 'gw2' } },
    });
    expect(await node.request('/plain/hello')).toMatchObject({
      status: 200,
      body: 'hello world\n',
    });
    expect((await node.admin.delete('/apisix/admin/ssls/gw2')).status).toBe(200);
    await waitFor('the http upstream to answer 502', async () => {
      return (await node.request('/plain/hello')).status === 502;
    });
  });

  it('tls.verify: true accepts a trusted certificate for the SNI, refuses another name (502)', async () => {
    const pair = { client_cert: client.cert, client_key: client.key, verify: true };
    const named = (host: string) => ({
      ...route('/verified', pair),
      upstream: { ...route('/verified', pair).upstream, pass_host: 'rewrite', upstream_host: host },
    });
    await node.putRoute('5', named('localhost'));
    const ok = await node.request('/verified');
    expect({ status: ok.status, body: ok.body }).toEqual({
      status: 200,
      body: 'hello tollgate-gateway\n',
    });
    await node.putRoute('5', named('invalid.test'));
    await waitFor('a name the certificate lacks to be refused', async () => {
      return (await node.request('/verified')).status === 502;
    });
  });

  it('tls.verify: true refuses a certificate from a CA Node does not trust (502); false accepts it', async () => {
    const rogueRoute = (verify: boolean) => ({
      uri: '/rogue',
      upstream: {
        scheme: 'https',
        type: 'roundrobin',
        nodes: { [`127.0.0.1:${roguePort}`]: 1 },
        tls: { verify },
      },
    });
    await node.putRoute('6', rogueRoute(true));
    expect((await node.request('/rogue')).status).toBe(502);
    await node.putRoute('6', rogueRoute(false));
    await waitFor('verify off to apply', async () => {
      const reply = await node.request('/rogue');
      return reply.status === 200 && reply.body === 'rogue\n';
    });
  });
});
