/**
 * proxy-mirror through a real `tollgate start` on the suite's etcd, configured through the Admin
 * API: APISIX's t/plugin/proxy-mirror.t cases that define behaviour (schema accept/refuse for
 * host, path and sample_ratio; the mirror gets the request's URI, headers and Host over HTTP/1.1
 * while the client gets the upstream's answer; sample_ratio 1 and 0.5 counted; `path` in replace
 * and prefix modes), plus a POST body mirrored as sent, sample_ratio at its minimum, a mirror that
 * is down or never answers leaving the client's answer and latency alone, and a route written
 * into etcd as an APISIX control plane writes it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEchoServer, waitFor, type Echo } from '@tollgate/testkit';
import { startAccessNode, type AccessNode } from './support/access-node';

jest.setTimeout(120_000);

interface Mirrored {
  method: string;
  url: string;
  httpVersion: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A mirror target that records what it gets; `stall` requests are never answered. */
interface MirrorTarget {
  readonly port: number;
  readonly got: Mirrored[];
  close(): Promise<void>;
}

async function startMirrorTarget(stall = false): Promise<MirrorTarget> {
  const got: Mirrored[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      got.push({
        method: req.method ?? '',
        url: req.url ?? '',
        httpVersion: req.httpVersion,
        headers: req.headers,
        body,
      });
      if (!stall) res.end('mirror answer, ignored\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    got,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let node: AccessNode;
let mirror: MirrorTarget;
let routeSeq = 0;

beforeAll(async () => {
  mirror = await startMirrorTarget();
  node = await startAccessNode('proxy-mirror');
});

afterAll(async () => {
  await node?.close();
  await mirror?.close();
});

function putConf(conf: unknown) {
  return node.admin.put('/apisix/admin/routes/schema', {
    uri: '/schema',
    plugins: { 'proxy-mirror': conf },
    upstream: node.upstream,
  });
}

/** A fresh route `/pm<n>/hello` with `conf`; its URI. */
async function mirrorRoute(conf: Record<string, unknown>): Promise<string> {
  const id = `pm${++routeSeq}`;
  const uri = `/${id}/hello`;
  await node.putRoute(id, { uri, plugins: { 'proxy-mirror': conf }, upstream: node.upstream });
  return uri;
}

/**
 * Wait until the mirror got `count` requests for URLs starting with `prefix` (and, with `tag`,
 * carrying `x-test: <tag>`, which leaves out the gateway-readiness probes); those requests.
 */
async function mirroredFor(
  prefix: string,
  count: number,
  target = mirror,
  tag?: string,
): Promise<Mirrored[]> {
  return waitFor(`${count} mirrored ${prefix}`, () => {
    const hits = target.got.filter(
      (m) => m.url.startsWith(prefix) && (tag === undefined || m.headers['x-test'] === tag),
    );
    return hits.length >= count ? hits : undefined;
  });
}

const host = () => `http://127.0.0.1:${mirror.port}`;

describe('proxy-mirror (APISIX t/plugin/proxy-mirror.t)', () => {
  it('schema: refuses bad hosts, paths and ratios (TEST 1-3, 5, 13, 21)', async () => {
    for (const bad of [
      { host: 'ftp://127.0.0.1:1999' },
      { host: 'http://127.0.0.1::1999' },
      { host: '127.0.0.1:1999' },
      { host: 'http://127.0.0.1:1999/invalid_uri' },
      { host: 'http://127.0.0.1:1999', path: 'a' },
      { host: 'http://127.0.0.1:1999', path: '/a?a=c' },
      { host: 'http://127.0.0.1:1999', sample_ratio: 0 },
      { host: 'http://127.0.0.1:1999', path_concat_mode: 'append' },
      {},
    ]) {
      const res = await putConf(bad);
      expect([res.status, bad]).toEqual([400, bad]);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^failed to check the configuration of plugin proxy-mirror err: /,
      );
    }
    const ratio = await putConf({ host: 'http://127.0.0.1:1986', sample_ratio: 10 });
    expect(ratio.json).toEqual({
      error_msg:
        'failed to check the configuration of plugin proxy-mirror err: property "sample_ratio" validation failed: expected 10 to be at most 1',
    });
  });

  it('schema: accepts hosts without port, names and IPv6 (TEST 4, 6, 22)', async () => {
    for (const ok of [
      { host: 'http://127.0.0.1' },
      { host: 'http://127.0.0.1:1986' },
      { host: 'http://a' },
      { host: 'http://ab.com' },
      { host: 'http://[::1]' },
      { host: 'http://[::1]:202' },
      { host: 'https://127.0.0.1:1986', path: '/a', path_concat_mode: 'prefix' },
      { host: 'grpc://127.0.0.1:1986', sample_ratio: 0.00001 },
    ]) {
      const res = await putConf(ok);
      expect([res.status < 300, ok]).toEqual([true, ok]);
    }
  });

  it('mirrors the URI, headers and Host over HTTP/1.1; the client gets the upstream (TEST 6-11)', async () => {
    const uri = await mirrorRoute({ host: host() });
    const reply = await node.request(uri, {
      headers: {
        host: '127.0.0.2',
        'api-key': 'hello',
        'api-key2': 'world',
        name: 'jake',
        'x-test': 'headers',
      },
    });
    expect([reply.status, reply.body]).toEqual([200, 'hello world\n']);
    const [copy] = await mirroredFor(uri, 1, mirror, 'headers');
    expect(copy?.url).toBe(uri);
    expect(copy?.method).toBe('GET');
    expect(copy?.httpVersion).toBe('1.1');
    expect(copy?.headers).toMatchObject({
      host: '127.0.0.2',
      'api-key': 'hello',
      'api-key2': 'world',
      name: 'jake',
    });
  });

  it('sample_ratio 1 mirrors every request with its query (TEST 14-15)', async () => {
    const uri = await mirrorRoute({ host: host(), sample_ratio: 1 });
    for (let i = 0; i < 10; i++)
      expect((await node.request(`${uri}?sample_ratio=1`)).status).toBe(200);
    const copies = await mirroredFor(`${uri}?sample_ratio=1`, 10);
    expect(copies.every((m) => m.url === `${uri}?sample_ratio=1`)).toBe(true);
  });

  it('sample_ratio 0.5 mirrors 75..125 of 200 requests (TEST 16-17)', async () => {
    const uri = await mirrorRoute({ host: host(), sample_ratio: 0.5 });
    const before = mirror.got.length;
    for (let i = 0; i < 200; i++)
      expect((await node.request(`${uri}?sample_ratio=0.5`)).status).toBe(200);
    // Every mirrored request was sent before its client answer; wait for the slowest to land.
    const marker = await mirrorRoute({ host: host() });
    await node.request(marker);
    await mirroredFor(marker, 1);
    const count = mirror.got.slice(before).filter((m) => m.url.startsWith(`${uri}?`)).length;
    expect(count).toBeGreaterThanOrEqual(75);
    expect(count).toBeLessThanOrEqual(125);
  });

  it('sample_ratio at its minimum mirrors (almost) nothing', async () => {
    const uri = await mirrorRoute({ host: host(), sample_ratio: 0.00001 });
    for (let i = 0; i < 200; i++) expect((await node.request(uri)).status).toBe(200);
    const marker = await mirrorRoute({ host: host() });
    await node.request(marker);
    await mirroredFor(marker, 1);
    // P(any of 200 sampled at 1e-5) is 0.2 %; 2 or more is below 2e-6.
    expect(mirror.got.filter((m) => m.url.startsWith(uri)).length).toBeLessThanOrEqual(1);
  });

  it('path replaces the URI, keeping the query (TEST 18-20)', async () => {
    const uri = await mirrorRoute({ host: host(), path: '/a-replace' });
    const tagged = { headers: { 'x-test': 'replace' } };
    await node.request(uri, tagged);
    await node.request(`${uri}?a=1`, tagged);
    const copies = await mirroredFor('/a-replace', 2, mirror, 'replace');
    expect(copies.map((m) => m.url).sort()).toEqual(['/a-replace', '/a-replace?a=1']);
  });

  it('path_concat_mode prefix puts the path before the URI (TEST 27-29)', async () => {
    const uri = await mirrorRoute({ host: host(), path: '/a-prefix', path_concat_mode: 'prefix' });
    const tagged = { headers: { 'x-test': 'prefix' } };
    await node.request(uri, tagged);
    await node.request(`${uri}?a=1`, tagged);
    const copies = await mirroredFor('/a-prefix', 2, mirror, 'prefix');
    expect(copies.map((m) => m.url).sort()).toEqual([`/a-prefix${uri}`, `/a-prefix${uri}?a=1`]);
  });

  it('mirrors a POST body as sent, and the upstream still gets it', async () => {
    const echo = await startEchoServer('echo');
    try {
      const id = `pm${++routeSeq}`;
      const uri = `/${id}/post`;
      await node.putRoute(id, {
        uri,
        plugins: { 'proxy-mirror': { host: host() } },
        upstream: { type: 'roundrobin', nodes: { [`127.0.0.1:${echo.port}`]: 1 } },
      });
      const body = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(100_000) }] });
      const reply = await node.request(`${uri}?post=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(reply.status).toBe(200);
      const echoed = JSON.parse(reply.body) as Echo;
      expect([echoed.method, echoed.body === body]).toEqual(['POST', true]);
      const [copy] = await mirroredFor(`${uri}?post=1`, 1);
      expect(copy?.method).toBe('POST');
      expect(copy?.body === body).toBe(true);
      expect(copy?.headers['content-type']).toBe('application/json');
      expect(copy?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    } finally {
      await echo.close();
    }
  });

  it('a request a later plugin refuses is not mirrored (nginx mirrors after access)', async () => {
    const id = `pm${++routeSeq}`;
    const uri = `/${id}/hello`;
    await node.putRoute(
      id,
      {
        uri,
        plugins: {
          'proxy-mirror': { host: host() },
          'limit-count': { count: 1, time_window: 60, rejected_code: 503, key: 'http_x_test' },
        },
        upstream: node.upstream,
      },
      `${uri}?probe=1`,
    );
    const tagged = { headers: { 'x-test': 'limited' } };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await node.request(uri, tagged)).status);
    expect(statuses).toEqual([200, 503, 503]);
    const marker = await mirrorRoute({ host: host() });
    await node.request(marker, { headers: { 'x-test': 'marker' } });
    await mirroredFor(marker, 1, mirror, 'marker');
    expect(mirror.got.filter((m) => m.headers['x-test'] === 'limited')).toHaveLength(1);
  });

  it('a mirror that is down changes nothing for the client', async () => {
    const gone = await startMirrorTarget();
    const port = gone.port;
    await gone.close();
    const uri = await mirrorRoute({ host: `http://127.0.0.1:${port}` });
    for (let i = 0; i < 5; i++) {
      const reply = await node.request(uri);
      expect([reply.status, reply.body]).toEqual([200, 'hello world\n']);
    }
  });

  it('a mirror that never answers adds no latency for the client', async () => {
    const stalled = await startMirrorTarget(true);
    try {
      const uri = await mirrorRoute({ host: `http://127.0.0.1:${stalled.port}` });
      const started = performance.now();
      for (let i = 0; i < 5; i++) {
        const reply = await node.request(`${uri}?slow=${i}`);
        expect([reply.status, reply.body]).toEqual([200, 'hello world\n']);
      }
      const elapsed = performance.now() - started;
      await mirroredFor(uri, 5, stalled);
      // Five requests while the mirror holds every copy: far below the 60 s mirror timeout.
      expect(elapsed).toBeLessThan(3000);
    } finally {
      await stalled.close();
    }
  });
});

describe('an APISIX-written proxy-mirror route on a Tollgate data plane', () => {
  it('is loaded and mirrors', async () => {
    const NOW = 1_700_000_000;
    await node.putEtcd('routes/apisix-pm', {
      id: 'apisix-pm',
      uri: '/mixed/proxy-mirror/hello',
      plugins: {
        'proxy-mirror': {
          host: host(),
          path: '/from-apisix',
          path_concat_mode: 'prefix',
          sample_ratio: 1,
        },
      },
      upstream: { ...node.upstream, hash_on: 'vars', scheme: 'http', pass_host: 'pass' },
      status: 1,
      priority: 0,
      create_time: NOW,
      update_time: NOW,
    });
    await waitFor('the APISIX-written route', async () => {
      const reply = await node.request('/mixed/proxy-mirror/hello');
      return reply.status === 200;
    });
    const [copy] = await mirroredFor('/from-apisix/mixed/proxy-mirror/hello', 1);
    expect(copy?.method).toBe('GET');
  });
});
