/**
 * HTTP/2 on the gateway's HTTPS listener end to end (issue 11, item 1): with APISIX's default
 * `apisix.enable_http2: true`, ALPN negotiates `h2` and the whole pipeline serves over it
 * through node:http2's compatibility API: a plain route (Host from `:authority`, no
 * pseudo-header upstream, `$server_protocol` HTTP/2.0), ai-proxy-multi answers and SSE streams
 * to `data: [DONE]`, many concurrent streams on one session, a stream the client cancels
 * mid-SSE aborting the LLM call (apisix_llm_active_connections 1, then back to 0), an upstream's connection-specific headers dropped instead of
 * breaking the stream. HTTP/1.1 keeps working on the same port, `curl --http2` where curl
 * exists, and a node with `enable_http2: false` offers http/1.1 only.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  freePort,
  freshGet,
  makeCa,
  makeCert,
  startCluster,
  startEchoServer,
  startTollgate,
  untilServed,
  waitFor,
  type Cluster,
  type EchoServer,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(120_000);

const ca = makeCa('e2e h2 CA');
const cert = makeCert(ca, { cn: 'h2.test', sans: ['h2.test', '*.h2.test'] });
const HOST = 'h2.test';

let cluster: Cluster;
let echo: EchoServer;
let llm: MockLlm;
let rude: http.Server;
let h1Node: TollgateNode | undefined;
let session: http2.ClientHttp2Session;

const tlsPort = () => cluster.gateways[0]?.tlsPort ?? 0;

/** `apisix_llm_active_connections` series of the node's scrape (testkit's export port). */
async function activeLlmConnections(): Promise<number[]> {
  const node = cluster.gateways[0]?.node;
  if (!node) throw new Error('no gateway node');
  const config = JSON.parse(fs.readFileSync(node.configFile, 'utf8')) as {
    plugin_attr: { prometheus: { export_addr: { port: number } } };
  };
  const { port } = config.plugin_attr.prometheus.export_addr;
  const { body } = await freshGet(`http://127.0.0.1:${port}/apisix/prometheus/metrics`);
  return body
    .split('\n')
    .filter((line) => line.startsWith('apisix_llm_active_connections{'))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
}

/** Print a measurement (kept in the test output). */
const report = (line: string) => process.stdout.write(`${line}\n`);

function connect(port: number): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const client = http2.connect(`https://${HOST}:${port}`, {
      host: '127.0.0.1',
      servername: HOST,
      ca: ca.cert,
    });
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

interface H2Reply {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

function h2Request(
  client: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: string,
): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const stream = client.request(headers);
    let reply: http2.IncomingHttpHeaders = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (reply = h));
    stream.on('data', (c: string) => (text += c));
    stream.on('end', () =>
      resolve({ status: Number(reply[':status']), headers: reply, body: text }),
    );
    stream.on('error', reject);
    stream.end(body);
  });
}

const chat = (stream: boolean) =>
  JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream });

function alpnOf(port: number, protocols: string[]): Promise<string | false | null> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: HOST,
      ca: ca.cert,
      ALPNProtocols: protocols,
    });
    socket.once('secureConnect', () => {
      resolve(socket.alpnProtocol);
      socket.end();
    });
    socket.once('error', reject);
  });
}

function https1Get(port: number, uri: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path: uri,
        servername: HOST,
        headers: { host: HOST },
        ca: ca.cert,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.once('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  echo = await startEchoServer('h2-echo');
  llm = await startMockLlm({ name: 'h2-llm', apiKeys: ['sk-h2'] });
  // An upstream that sends every header HTTP/2 forbids.
  rude = http.createServer((_req, res) => {
    res.setHeader('Connection', 'keep-alive, x-hop');
    res.setHeader('Keep-Alive', 'timeout=5');
    res.setHeader('Proxy-Connection', 'keep-alive');
    res.setHeader('Upgrade', 'h2c');
    res.setHeader('X-Kept', 'yes');
    res.write('chunked ');
    res.end('body');
  });
  await new Promise<void>((r) => rude.listen(0, '127.0.0.1', r));
  const rudePort = (rude.address() as AddressInfo).port;

  cluster = await startCluster(1, 1);
  const put = async (uri: string, body: Record<string, unknown>) => {
    const res = await cluster.admin.put(uri, body);
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`${uri}: ${res.status} ${res.text}`);
  };
  await put('/apisix/admin/global_rules/h2-metrics', { plugins: { prometheus: {} } });
  await put('/apisix/admin/ssls/h2', { cert: cert.cert, key: cert.key, snis: [HOST, `*.${HOST}`] });
  await put('/apisix/admin/routes/h2-plain', {
    uri: '/h2/*',
    host: HOST,
    plugins: {
      'proxy-rewrite': { headers: { set: { 'x-proto': '$server_protocol', 'x-host': '$host' } } },
    },
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
  });
  await put('/apisix/admin/routes/h2-rude', {
    uri: '/rude',
    upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${rudePort}`]: 1 } },
  });
  await put('/apisix/admin/routes/h2-ai', {
    uri: '/h2-ai/chat',
    plugins: {
      'ai-proxy-multi': {
        instances: [
          {
            name: 'only',
            provider: 'openai',
            weight: 1,
            auth: { header: { Authorization: 'Bearer sk-h2' } },
            options: { model: 'gpt-4' },
            override: { endpoint: `http://127.0.0.1:${llm.port}/v1/chat/completions` },
          },
        ],
      },
    },
  });
  await untilServed(cluster.gateways, '/h2-ai/chat', (status) => status !== 404);
  await waitFor(
    'ssl served',
    async () => (await alpnOf(tlsPort(), ['h2']).catch(() => undefined)) === 'h2',
    15_000,
  );
  session = await connect(tlsPort());
});

afterAll(async () => {
  session?.close();
  await h1Node?.destroy();
  await cluster?.destroy();
  await echo?.close();
  await llm?.close();
  await new Promise<void>((r) => (rude ? rude.close(() => r()) : r()));
});

describe('HTTP/2 by ALPN (apisix.enable_http2, default true)', () => {
  it('negotiates h2 when offered, http/1.1 otherwise', async () => {
    expect(await alpnOf(tlsPort(), ['h2', 'http/1.1'])).toBe('h2');
    expect(await alpnOf(tlsPort(), ['http/1.1'])).toBe('http/1.1');
    expect(session.alpnProtocol).toBe('h2');
  });

  it('serves a plain route: Host from :authority, no pseudo-header upstream, $server_protocol HTTP/2.0', async () => {
    const reply = await h2Request(session, { ':method': 'GET', ':path': '/h2/x?a=1' });
    expect(reply.status).toBe(200);
    const echoed = JSON.parse(reply.body) as { url: string; headers: Record<string, string> };
    expect(echoed.url).toBe('/h2/x?a=1');
    expect(echoed.headers.host).toBe(`${HOST}:${tlsPort()}`);
    expect(echoed.headers['x-host']).toBe(HOST);
    expect(echoed.headers['x-proto']).toBe('HTTP/2.0');
    expect(echoed.headers['x-forwarded-proto']).toBe('https');
    expect(Object.keys(echoed.headers).filter((k) => k.startsWith(':'))).toEqual([]);
  });

  it('drops an upstream response’s connection-specific headers instead of failing the stream', async () => {
    const reply = await h2Request(session, { ':method': 'GET', ':path': '/rude' });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('chunked body');
    expect(reply.headers['x-kept']).toBe('yes');
    for (const name of [
      'connection',
      'keep-alive',
      'proxy-connection',
      'upgrade',
      'transfer-encoding',
    ])
      expect(reply.headers[name]).toBeUndefined();
    // The session is still usable.
    expect((await h2Request(session, { ':method': 'GET', ':path': '/h2/after' })).status).toBe(200);
  });

  it('answers ai-proxy-multi over h2, non-stream and SSE stream to data: [DONE]', async () => {
    const post = { ':method': 'POST', ':path': '/h2-ai/chat', 'content-type': 'application/json' };
    const plain = await h2Request(session, post, chat(false));
    expect(plain.status).toBe(200);
    expect((JSON.parse(plain.body) as { choices: unknown[] }).choices).toHaveLength(1);
    const streamed = await h2Request(
      session,
      { ...post, 'x-mock-content': 'one two three' },
      chat(true),
    );
    expect(streamed.status).toBe(200);
    expect(streamed.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(streamed.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('serves 100 concurrent streams on one session', async () => {
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        h2Request(session, { ':method': 'GET', ':path': `/h2/c${i}` }),
      ),
    );
    report(`100 concurrent h2 streams on one session: ${Date.now() - started} ms`);
    expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 100 }, () => 200));
    replies.forEach((r, i) =>
      expect((JSON.parse(r.body) as { url: string }).url).toBe(`/h2/c${i}`),
    );
  });

  it('aborts the LLM call when the client cancels its stream mid-SSE', async () => {
    llm.clear();
    const stream = session.request({
      ':method': 'POST',
      ':path': '/h2-ai/chat',
      'content-type': 'application/json',
      'x-mock-content': Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '),
      'x-mock-tokens-per-second': '20',
    });
    stream.end(chat(true));
    await new Promise<void>((resolve, reject) => {
      stream.once('data', () => resolve());
      stream.once('error', reject);
    });
    expect(await activeLlmConnections()).toContain(1);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await waitFor(
      'LLM request aborted',
      () => llm.requests.length === 1 && llm.requests[0]?.aborted === true,
      5_000,
    );
    await waitFor(
      'apisix_llm_active_connections back to 0',
      async () => (await activeLlmConnections()).every((v) => v === 0),
      5_000,
    );
    // The session carries on.
    expect((await h2Request(session, { ':method': 'GET', ':path': '/h2/next' })).status).toBe(200);
  });

  it('survives a malformed frame and a client GOAWAY: the worker keeps serving', async () => {
    const frameTypes = await new Promise<number[]>((resolve, reject) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: tlsPort(),
        servername: HOST,
        ca: ca.cert,
        ALPNProtocols: ['h2'],
      });
      let got = Buffer.alloc(0);
      const types: number[] = [];
      socket.on('data', (c: Buffer) => {
        got = Buffer.concat([got, c]);
        while (got.length >= 9 && got.length >= 9 + got.readUIntBE(0, 3)) {
          types.push(got[3] ?? -1);
          got = got.subarray(9 + got.readUIntBE(0, 3));
        }
        if (types.includes(7)) {
          socket.destroy();
          resolve(types);
        }
      });
      socket.once('secureConnect', () => {
        socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
        // A SETTINGS frame whose length is not a multiple of 6: FRAME_SIZE_ERROR.
        socket.write(Buffer.from([0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5]));
      });
      socket.once('error', reject);
      socket.setTimeout(5000, () => socket.destroy(new Error('no GOAWAY within 5 s')));
    });
    // The server's SETTINGS, then its GOAWAY (type 7).
    expect(frameTypes).toContain(7);
    const other = await connect(tlsPort());
    expect((await h2Request(other, { ':method': 'GET', ':path': '/h2/a' })).status).toBe(200);
    other.goaway(http2.constants.NGHTTP2_NO_ERROR);
    other.destroy();
    expect((await h2Request(session, { ':method': 'GET', ':path': '/h2/b' })).status).toBe(200);
  });

  it('keeps serving HTTP/1.1 on the same port', async () => {
    const reply = await https1Get(tlsPort(), '/h2/one');
    expect(reply.status).toBe(200);
    const echoed = JSON.parse(reply.body) as { headers: Record<string, string> };
    expect(echoed.headers['x-proto']).toBe('HTTP/1.1');
  });

  it('answers curl --http2 with HTTP/2 where curl exists', async () => {
    const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'h2-e2e-')), 'ca.pem');
    fs.writeFileSync(caFile, ca.cert);
    const out = await new Promise<string | undefined>((resolve) => {
      execFile(
        'curl',
        [
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{http_version} %{http_code}',
          '--http2',
          '--cacert',
          caFile,
          '--resolve',
          `${HOST}:${tlsPort()}:127.0.0.1`,
          `https://${HOST}:${tlsPort()}/h2/curl`,
        ],
        { timeout: 10_000 },
        (err, stdout) =>
          resolve(err && (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : stdout),
      );
    });
    if (out === undefined) return;
    report(`curl --http2: ${out}`);
    expect(out).toBe('2 200');
  });
});

describe('apisix.enable_http2: false', () => {
  it('offers http/1.1 only', async () => {
    const port = await freePort();
    h1Node = await startTollgate({
      config: {
        apisix: {
          node_listen: [{ ip: '127.0.0.1', port: await freePort() }],
          enable_admin: false,
          enable_http2: false,
          ssl: { listen: [{ ip: '127.0.0.1', port }] },
        },
        nginx_config: { worker_processes: 1 },
        deployment: {
          role: 'data_plane',
          etcd: { host: [cluster.etcd.endpoint], prefix: '/apisix', timeout: 3 },
        },
      },
      readyPorts: [port],
    });
    await waitFor(
      'ssl served',
      async () => (await https1Get(port, '/h2/x').catch(() => undefined))?.status === 200,
      15_000,
    );
    expect(await alpnOf(port, ['h2', 'http/1.1'])).toBe('http/1.1');
    // A client that accepts h2 only is refused as nginx refuses it: `no_application_protocol`.
    await expect(alpnOf(port, ['h2'])).rejects.toThrow(/no application protocol/);
  });
});
