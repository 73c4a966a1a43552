/**
 * TLS on the gateway end to end (issue 11, item 1): ssls written through the Admin API reach a
 * 2-node cluster of real `tollgate start` processes over etcd, and each node's HTTPS listener
 * (`apisix.ssl.listen`) serves them by SNI, as APISIX's radixtree_sni does (its
 * t/router/radixtree-sni.t cases, fallback_sni and `$env://` certificates on a third node). A
 * certificate changed through the Admin API is served by both nodes within 1 s while a handshake
 * loop sees no failure; redirect's http_to_https leads to the HTTPS port; HTTPS to an
 * ai-proxy-multi route streams SSE to `data: [DONE]`; client mTLS answers as APISIX's (failed
 * handshake, or 400 with skip_mtls_uri_regex); an expired SSL is stored and its notAfter exported as
 * `tollgate_ssl_certificate_expiry_timestamp_seconds` until it is deleted.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  freePort,
  freshGet,
  httpRequest,
  listenerPorts,
  makeCa,
  makeCert,
  startCluster,
  startEchoServer,
  startTollgate,
  untilServed,
  waitFor,
  type CertPair,
  type Cluster,
  type EchoServer,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(120_000);

const ca = makeCa('e2e TLS CA');
const exactCert = makeCert(ca, { cn: 'a.tls.test' });
const wildCert = makeCert(ca, { cn: 'wild.tls.test', sans: ['*.tls.test'] });
const mtlsCert = makeCert(ca, { cn: 'mtls.example', sans: ['mtls.example', 'skip.example'] });
const clientCa = makeCa('e2e client CA');
const clientCert = makeCert(clientCa, { cn: 'e2e-client', client: true });

let cluster: Cluster;
let echo: EchoServer;
let llm: MockLlm;
let fallbackNode: TollgateNode | undefined;

/** Print a measurement (kept in the test output). */
const report = (line: string) => process.stdout.write(`${line}\n`);

const sslBody = (pair: CertPair, snis: string[], extra: Record<string, unknown> = {}) => ({
  cert: pair.cert,
  key: pair.key,
  snis,
  ...extra,
});

async function putSsl(id: string, body: Record<string, unknown>): Promise<void> {
  const res = await cluster.admin.put(`/apisix/admin/ssls/${id}`, body);
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`ssl ${id}: ${res.status} ${res.text}`);
}

interface Handshake {
  /** SHA-256 fingerprint and CN of the served certificate. */
  fingerprint?: string;
  cn?: string;
  error?: string;
}

/** One new TLS connection to 127.0.0.1:`port`; the served certificate or the error. */
function handshake(
  port: number,
  servername?: string,
  extra: tls.ConnectionOptions = {},
): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ...(servername ? { servername } : {}),
      ca: ca.cert,
      rejectUnauthorized: false,
      ...extra,
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('handshake timed out')));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerX509Certificate();
      const cn = /^CN=(.*)$/m.exec(peer?.subject ?? '')?.[1];
      resolve({ fingerprint: peer?.fingerprint256, cn });
      socket.end();
    });
    socket.once('error', (err) => resolve({ error: err.message }));
  });
}

const fingerprintOf = (pair: CertPair) => new X509Certificate(pair.cert).fingerprint256;

/** GET over HTTPS with SNI `host` (Host header the same), trusting the test CA. */
function httpsGet(
  port: number,
  host: string,
  uri: string,
  extra: https.RequestOptions = {},
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: uri,
        servername: host,
        headers: { host },
        ca: ca.cert,
        agent: false,
        ...extra,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.once('error', (err) => resolve({ error: err.message }));
    req.end();
  });
}

/** `curl --resolve` when curl is installed: status code and verify result, trusting the CA. */
function curlResolve(port: number, host: string, uri: string): Promise<string | undefined> {
  const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tls-e2e-')), 'ca.pem');
  fs.writeFileSync(caFile, ca.cert);
  return new Promise((resolve) => {
    execFile(
      'curl',
      [
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code} %{ssl_verify_result}',
        '--cacert',
        caFile,
        '--resolve',
        `${host}:${port}:127.0.0.1`,
        `https://${host}:${port}${uri}`,
      ],
      { timeout: 10_000 },
      (err, stdout) =>
        resolve(err && (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : stdout),
    );
  });
}

const tlsPorts = () => cluster.gateways.map((g) => g.tlsPort);

beforeAll(async () => {
  echo = await startEchoServer('tls-echo');
  llm = await startMockLlm({ name: 'tls-llm', apiKeys: ['sk-tls'] });
  cluster = await startCluster(2, 2);
  const res = await cluster.admin.put('/apisix/admin/routes/tls', {
    uri: '/tls/*',
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  if (res.status !== 201) throw new Error(`route: ${res.status} ${res.text}`);
  await untilServed(cluster.gateways, '/tls/x', (status) => status === 200);
  await putSsl('exact', sslBody(exactCert, ['a.tls.test']));
  await putSsl('wild', sslBody(wildCert, ['*.tls.test']));
  for (const port of tlsPorts()) {
    await waitFor(
      `ssls served on ${port}`,
      async () => (await handshake(port, 'b.tls.test')).cn === 'wild.tls.test',
      15_000,
    );
  }
});

afterAll(async () => {
  await fallbackNode?.destroy();
  await cluster?.destroy();
  await echo?.close();
  await llm?.close();
});

describe('certificates by SNI', () => {
  it('serves each SNI its certificate on both nodes: exact before wildcard, one label only', async () => {
    for (const port of tlsPorts()) {
      expect(await handshake(port, 'a.tls.test')).toMatchObject({ cn: 'a.tls.test' });
      expect(await handshake(port, 'b.tls.test')).toMatchObject({ cn: 'wild.tls.test' });
      expect(await handshake(port, 'x.b.tls.test')).toHaveProperty('error');
      expect(await handshake(port, 'nothing.example')).toHaveProperty('error');
      // No SNI and no fallback_sni: the handshake fails, as APISIX's.
      expect(await handshake(port)).toHaveProperty('error');
    }
  });

  it('answers HTTPS requests verified against the CA, with curl --resolve where curl exists', async () => {
    const port = tlsPorts()[0] ?? 0;
    const reply = await httpsGet(port, 'a.tls.test', '/tls/hello');
    expect(reply).toMatchObject({ status: 200 });
    expect(JSON.parse((reply as { body: string }).body)).toMatchObject({ url: '/tls/hello' });
    expect(await httpsGet(port, 'b.tls.test', '/tls/hello')).toMatchObject({ status: 200 });
    for (const host of ['a.tls.test', 'b.tls.test']) {
      const curl = await curlResolve(port, host, '/tls/hello');
      if (curl === undefined) continue;
      report(`curl --resolve ${host}: ${curl}`);
      expect(curl).toBe('200 0');
    }
  });

  it('serves clients without SNI the fallback_sni SSL; $env:// cert and key resolve on the node', async () => {
    const envCert = makeCert(ca, { cn: 'env.example' });
    const tlsPort = await freePort();
    fallbackNode = await startTollgate({
      config: {
        apisix: {
          node_listen: [{ ip: '127.0.0.1', port: await freePort() }],
          enable_admin: false,
          ssl: { listen: [{ ip: '127.0.0.1', port: tlsPort }], fallback_sni: 'a.tls.test' },
        },
        nginx_config: { worker_processes: 1 },
        deployment: {
          role: 'data_plane',
          etcd: { host: [cluster.etcd.endpoint], prefix: '/apisix', timeout: 3 },
        },
      },
      readyPorts: [tlsPort],
      env: { TLS_E2E_CERT: envCert.cert, TLS_E2E_KEY: envCert.key },
    });
    await waitFor(
      'fallback SSL served',
      async () => (await handshake(tlsPort)).cn === 'a.tls.test',
      15_000,
    );
    expect(await handshake(tlsPort, 'b.tls.test')).toMatchObject({ cn: 'wild.tls.test' });
    // APISIX t/node/client-mtls.t TEST 27-28: the SSL's cert and key from the node's environment.
    await putSsl('env', {
      cert: '$env://TLS_E2E_CERT',
      key: '$env://TLS_E2E_KEY',
      snis: ['env.example'],
    });
    await waitFor(
      '$env:// SSL served',
      async () => (await handshake(tlsPort, 'env.example')).cn === 'env.example',
      15_000,
    );
  });
});

describe("APISIX's t/router/radixtree-sni.t", () => {
  const test2 = makeCert(ca, { cn: 'test2.example', sans: ['test2.example', '*.test2.example'] });

  /** The CN each node serves for `sni`, or 'failed'. */
  const served = async (sni: string) =>
    Promise.all(tlsPorts().map(async (port) => (await handshake(port, sni)).cn ?? 'failed'));
  const untilBothServe = (sni: string, cn: string) =>
    waitFor(`${sni} → ${cn} on both nodes`, async () =>
      (await served(sni)).every((got) => got === cn),
    );

  it('sni (one name) and snis [bare, wildcard]: the bare name and one label, not two (TEST 1-11, 16-18)', async () => {
    await putSsl('single', { cert: test2.cert, key: test2.key, sni: 'bare.test2.example' });
    await untilBothServe('bare.test2.example', 'test2.example');
    await putSsl('single', sslBody(test2, ['test2.example', '*.test2.example']));
    await untilBothServe('www.test2.example', 'test2.example');
    expect(await served('test2.example')).toEqual(['test2.example', 'test2.example']);
    expect(await served('aa.bb.test2.example')).toEqual(['failed', 'failed']);
  });

  it('PATCH status 0 stops serving the SSL, status 1 serves it again (TEST 12-15)', async () => {
    await putSsl('toggle', sslBody(test2, ['toggle.example']));
    await untilBothServe('toggle.example', 'test2.example');
    const off = await cluster.admin.patch('/apisix/admin/ssls/toggle', { status: 0 });
    expect(off.status).toBe(200);
    await untilBothServe('toggle.example', 'failed');
    const on = await cluster.admin.patch('/apisix/admin/ssls/toggle', { status: 1 });
    expect(on.status).toBe(200);
    await untilBothServe('toggle.example', 'test2.example');
  });
});

describe('hot reload', () => {
  it('serves a changed certificate on both nodes within 1 s, with no failed handshake meanwhile', async () => {
    const next = makeCert(ca, { cn: 'a.tls.test' });
    const want = fingerprintOf(next);
    const ports = tlsPorts();
    let stop = false;
    let handshakes = 0;
    const failures: string[] = [];
    const switchedAt = new Map<number, number>();
    // One loop per node: a new connection each time, bounded by count and by the stop flag.
    const loops = ports.map(async (port) => {
      for (let i = 0; i < 5000 && !stop; i++) {
        const result = await handshake(port, 'a.tls.test');
        handshakes++;
        if (result.error) failures.push(`${port}: ${result.error}`);
        else if (result.fingerprint === want && !switchedAt.has(port))
          switchedAt.set(port, Date.now());
      }
    });
    await waitFor('handshakes before the change', () => handshakes >= 20 * ports.length);
    const before = handshakes;
    const changedAt = Date.now();
    await putSsl('exact', sslBody(next, ['a.tls.test']));
    try {
      await waitFor('new cert on both nodes', () => ports.every((p) => switchedAt.has(p)), 10_000);
      const switched = handshakes;
      await waitFor(
        'handshakes after the switch',
        () => handshakes >= switched + 20 * ports.length,
      );
    } finally {
      stop = true;
      await Promise.all(loops);
    }
    const delays = ports.map((p) => (switchedAt.get(p) ?? Infinity) - changedAt);
    report(
      `TLS hot reload: ${handshakes} handshakes (${before} before the change), ${failures.length} failures, ` +
        `new cert served after ${delays.map((d) => `${d} ms`).join(' / ')} (node 1 / node 2)`,
    );
    expect(failures).toEqual([]);
    for (const delay of delays) expect(delay).toBeLessThan(1000);
  });
});

describe('request variables over HTTPS', () => {
  it("redirect's http_to_https sends HTTP to this node's HTTPS port, and HTTPS is served", async () => {
    const res = await cluster.admin.put('/apisix/admin/routes/tls-redirect', {
      uri: '/tls-redirect/*',
      plugins: { redirect: { http_to_https: true } },
      upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
    });
    expect(res.status).toBe(201);
    await untilServed(cluster.gateways, '/tls-redirect/x', (status) => status === 301);
    const gateway = cluster.gateways[0];
    if (!gateway) throw new Error('no gateway');
    const plain = await httpRequest('GET', gateway.url('/tls-redirect/x?a=1'), {
      headers: { host: 'b.tls.test' },
    });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toBe(
      `https://b.tls.test:${gateway.tlsPort}/tls-redirect/x?a=1`,
    );
    // Over HTTPS $scheme is https: no second redirect, the upstream answers.
    const secure = await httpsGet(gateway.tlsPort, 'b.tls.test', '/tls-redirect/x?a=1');
    expect(secure).toMatchObject({ status: 200 });
    expect(JSON.parse((secure as { body: string }).body)).toMatchObject({
      url: '/tls-redirect/x?a=1',
    });
  });
});

describe('HTTPS to ai-proxy-multi', () => {
  it('streams SSE to data: [DONE]', async () => {
    const res = await cluster.admin.put('/apisix/admin/routes/tls-ai', {
      uri: '/tls-ai/chat',
      plugins: {
        'ai-proxy-multi': {
          instances: [
            {
              name: 'only',
              provider: 'openai',
              weight: 1,
              auth: { header: { Authorization: 'Bearer sk-tls' } },
              options: { model: 'gpt-4' },
              override: { endpoint: `http://127.0.0.1:${llm.port}/v1/chat/completions` },
            },
          ],
        },
      },
    });
    expect(res.status).toBe(201);
    await untilServed(cluster.gateways, '/tls-ai/chat', (status) => status !== 404);
    const port = tlsPorts()[1] ?? 0;
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: true });
    const streamed = await new Promise<{ status: number; type?: string; text: string }>(
      (resolve, reject) => {
        const req = https.request(
          {
            host: '127.0.0.1',
            port,
            path: '/tls-ai/chat',
            method: 'POST',
            servername: 'b.tls.test',
            ca: ca.cert,
            agent: false,
            headers: {
              host: 'b.tls.test',
              'content-type': 'application/json',
              'x-mock-content': 'one two three',
            },
          },
          (reply) => {
            let text = '';
            reply.setEncoding('utf8');
            reply.on('data', (c: string) => (text += c));
            reply.on('end', () =>
              resolve({ status: reply.statusCode ?? 0, type: reply.headers['content-type'], text }),
            );
          },
        );
        req.setTimeout(20_000, () => req.destroy(new Error('stream did not end within 20 s')));
        req.once('error', reject);
        req.end(body);
      },
    );
    expect(streamed.status).toBe(200);
    expect(streamed.type).toMatch(/^text\/event-stream/);
    expect(streamed.text).toContain('data: ');
    expect(streamed.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});

describe('client mTLS (client.ca)', () => {
  beforeAll(async () => {
    await putSsl('mtls', sslBody(mtlsCert, ['mtls.example'], { client: { ca: clientCa.cert } }));
    await putSsl(
      'skip',
      sslBody(mtlsCert, ['skip.example'], {
        client: { ca: clientCa.cert, skip_mtls_uri_regex: ['^/tls/public'] },
      }),
    );
    for (const port of tlsPorts()) {
      await waitFor(
        `mTLS ssls on ${port}`,
        async () => (await handshake(port, 'skip.example')).cn === 'mtls.example',
        15_000,
      );
    }
  });

  const withClientCert = { cert: clientCert.cert, key: clientCert.key };

  it('without a client certificate the handshake fails; with one the request gets 200', async () => {
    const port = tlsPorts()[0] ?? 0;
    expect(await httpsGet(port, 'mtls.example', '/tls/x')).toHaveProperty('error');
    expect(await httpsGet(port, 'mtls.example', '/tls/x', withClientCert)).toMatchObject({
      status: 200,
    });
  });

  it('with skip_mtls_uri_regex: exempt URIs pass, others answer 400 without a certificate', async () => {
    const port = tlsPorts()[1] ?? 0;
    expect(await httpsGet(port, 'skip.example', '/tls/public/a')).toMatchObject({ status: 200 });
    const refused = await httpsGet(port, 'skip.example', '/tls/private');
    expect(refused).toMatchObject({ status: 400 });
    expect((refused as { body: string }).body).toContain('400 Bad Request');
    expect(await httpsGet(port, 'skip.example', '/tls/private', withClientCert)).toMatchObject({
      status: 200,
    });
  });
});

describe('certificate expiry (issue 11: reported, never refused)', () => {
  const GAUGE = 'tollgate_ssl_certificate_expiry_timestamp_seconds';
  const expired = makeCert(ca, { cn: 'old.tls.test', days: -2 });

  /** The node's series of the gauge for `sslId`, as printed lines. */
  async function series(sslId: string): Promise<string[]> {
    const gateway = cluster.gateways[0];
    if (!gateway) throw new Error('no gateway node');
    const { metrics } = listenerPorts(gateway.node);
    const res = await freshGet(`http://127.0.0.1:${metrics}/apisix/prometheus/metrics`);
    return res.body.split('\n').filter((l) => l.startsWith(`${GAUGE}{ssl_id="${sslId}"`));
  }

  it('an expired SSL is stored and exported with its notAfter; deleting it removes the series', async () => {
    await putSsl('expired', sslBody(expired, ['old.tls.test']));
    const notAfter = Date.parse(new X509Certificate(expired.cert).validTo) / 1000;
    const want = [`${GAUGE}{ssl_id="expired",sni="old.tls.test",cert="cert"} ${notAfter}`];
    await waitFor('expiry series exported', async () => (await series('expired')).length > 0);
    expect(await series('expired')).toEqual(want);
    // An SSL loaded at start (never changed by the other cases) has its series too.
    const wild = Date.parse(new X509Certificate(wildCert.cert).validTo) / 1000;
    expect(await series('wild')).toEqual([
      `${GAUGE}{ssl_id="wild",sni="*.tls.test",cert="cert"} ${wild}`,
    ]);
    expect((await cluster.admin.delete('/apisix/admin/ssls/expired')).status).toBe(200);
    await waitFor('expiry series removed', async () => (await series('expired')).length === 0);
  });
});
