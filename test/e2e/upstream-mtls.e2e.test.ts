/**
 * Upstream TLS through a real `tollgate start` on etcd: the upstream is a local HTTPS server that
 * requires a client certificate signed by its CA. The route works with `tls.client_cert` /
 * `client_key` and with `tls.client_cert_id` (an ssls item of type client), fails without one,
 * and `tls.verify: true` against a certificate Node does not trust answers 502, as APISIX.
 */
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { makeCa, makeCert, waitFor, type CertPair } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './plugins/support/access-node';

jest.setTimeout(120_000);

describe('upstream mTLS', () => {
  let node: AccessNode;
  let upstream: https.Server;
  let upstreamPort: number;
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
    node = await startAccessNode('upstream-mtls');
  });

  afterAll(async () => {
    await node?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
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

  it('tls.verify: true refuses a certificate Node does not trust (502); false accepts it', async () => {
    const pair = { client_cert: client.cert, client_key: client.key };
    await node.putRoute('5', route('/verified', { ...pair, verify: true }));
    expect((await node.request('/verified')).status).toBe(502);
    await node.putRoute('5', route('/verified', { ...pair, verify: false }));
    await waitFor('verify off to apply', async () => {
      return (await node.request('/verified')).status === 200;
    });
  });
});
