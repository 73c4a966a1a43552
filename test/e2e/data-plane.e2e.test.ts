/**
 * The data plane as operators meet it (issue: gateway nodes that watch etcd): etcd, one Admin API
 * and two gateway nodes with two workers each, all real processes; faults injected into etcd.
 */
import {
  freshGet,
  sleep,
  startCluster,
  startEchoServer,
  startLoad,
  untilServed,
  waitFor,
  type Cluster,
  type EchoServer,
} from '@tollgate/testkit';

jest.setTimeout(180_000);

let cluster: Cluster;
let echoA: EchoServer;
let echoB: EchoServer;

const upstreamOf = (server: EchoServer) => ({
  nodes: { [`127.0.0.1:${server.port}`]: 1 },
  type: 'roundrobin',
});
const servedBy = (name: string) => (status: number, body: string) =>
  status === 200 && (JSON.parse(body) as { upstream: string }).upstream === name;

beforeAll(async () => {
  echoA = await startEchoServer('a');
  echoB = await startEchoServer('b');
  cluster = await startCluster(2, 2);
});

afterAll(async () => {
  await cluster?.destroy();
  await echoA?.close();
  await echoB?.close();
});

describe('config changes reach every node', () => {
  it('PUT is served by both nodes, PATCH is visible on both, DELETE makes both answer 404', async () => {
    const { admin, gateways } = cluster;
    expect(
      (await admin.put('/apisix/admin/routes/r1', { uri: '/r1', upstream: upstreamOf(echoA) }))
        .status,
    ).toBe(201);
    await untilServed(gateways, '/r1', servedBy('a'));
    // Every worker has it now: fresh connections are all served.
    for (const g of gateways) {
      for (let i = 0; i < 6; i++) expect((await freshGet(g.url('/r1'))).status).toBe(200);
    }

    // A sub-path PATCH replaces the upstream (a whole-object PATCH would merge the nodes maps).
    expect((await admin.patch('/apisix/admin/routes/r1/upstream', upstreamOf(echoB))).status).toBe(
      200,
    );
    await untilServed(gateways, '/r1', servedBy('b'));
    for (const g of gateways) {
      for (let i = 0; i < 6; i++) {
        const res = await freshGet(g.url('/r1'));
        expect((JSON.parse(res.body) as { upstream: string }).upstream).toBe('b');
      }
    }

    expect((await admin.delete('/apisix/admin/routes/r1')).status).toBe(200);
    await untilServed(
      gateways,
      '/r1',
      (status, body) => status === 404 && body === '{"error_msg":"404 Route Not Found"}\n',
    );
  });
});

describe('a config change every 100 ms under load', () => {
  it('fails no request and serves every request from one complete config', async () => {
    const { admin, gateways } = cluster;
    // An upstream and a route that uses it by id: a node that applied the route without its
    // upstream (a half-applied config) would answer 503/404 instead of proxying.
    expect((await admin.put('/apisix/admin/upstreams/u-live', upstreamOf(echoA))).status).toBe(201);
    expect(
      (await admin.put('/apisix/admin/routes/live', { uri: '/live', upstream_id: 'u-live' }))
        .status,
    ).toBe(201);
    expect(
      (
        await admin.put('/apisix/admin/routes/stable', {
          uri: '/stable',
          upstream: upstreamOf(echoB),
        })
      ).status,
    ).toBe(201);
    await untilServed(gateways, '/live', servedBy('a'));
    await untilServed(gateways, '/stable', servedBy('b'));

    const validBodies = (status: number, body: string) => {
      if (status !== 200) return `status ${status}: ${body.slice(0, 120)}`;
      const upstream = (JSON.parse(body) as { upstream: string }).upstream;
      return upstream === 'a' || upstream === 'b' ? undefined : `unexpected upstream ${upstream}`;
    };
    const load = startLoad(
      gateways.flatMap((g) => [
        { url: g.url('/live'), check: validBodies },
        { url: g.url('/stable'), check: validBodies },
      ]),
      { concurrency: 8, maxMs: 60_000 },
    );
    const changes = 60;
    for (let i = 0; i < changes; i++) {
      const target = i % 2 === 0 ? echoB : echoA;
      const id = `u-${i}`;
      expect((await admin.put(`/apisix/admin/upstreams/${id}`, upstreamOf(target))).status).toBe(
        201,
      );
      expect(
        (await admin.put('/apisix/admin/routes/live', { uri: '/live', upstream_id: id })).status,
      ).toBe(200);
      if (i > 0) await admin.delete(`/apisix/admin/upstreams/u-${i - 1}?force=true`);
      await sleep(100);
    }
    const report = await load.stop();
    process.stdout.write(
      `reload-under-load: ${report.requests} requests, ${report.failures.length} failures, ${changes * 3} config writes\n`,
    );
    expect(report.failures).toEqual([]);
    expect(report.requests).toBeGreaterThan(200);
  });
});

describe('etcd faults', () => {
  it('keeps serving every route with zero failures while etcd is down for 30 s, and takes new changes after', async () => {
    const { admin, gateways, etcd } = cluster;
    for (const id of ['f1', 'f2', 'f3']) {
      expect(
        (
          await admin.put(`/apisix/admin/routes/${id}`, {
            uri: `/${id}`,
            upstream: upstreamOf(echoA),
          })
        ).status,
      ).toBe(201);
    }
    for (const id of ['f1', 'f2', 'f3']) await untilServed(gateways, `/${id}`, servedBy('a'));

    const load = startLoad(
      gateways.flatMap((g) => ['/f1', '/f2', '/f3'].map((p) => ({ url: g.url(p) }))),
      { concurrency: 6, maxMs: 90_000 },
    );
    await etcd.process.stop();
    const downAt = Date.now();
    await sleep(30_000);
    const during = load.snapshot();
    await etcd.process.start();
    process.stdout.write(
      `etcd outage: ${Math.round((Date.now() - downAt) / 1000)} s, ${during.requests} requests, ${during.failures.length} failures\n`,
    );

    // After etcd returns, a new change reaches both nodes.
    await waitFor(
      'the Admin API to reach etcd again',
      async () => (await admin.get('/apisix/admin/routes')).status === 200,
      20_000,
    );
    expect(
      (
        await admin.put('/apisix/admin/routes/after', {
          uri: '/after',
          upstream: upstreamOf(echoB),
        })
      ).status,
    ).toBe(201);
    await untilServed(gateways, '/after', servedBy('b'), 30_000);
    const report = await load.stop();
    expect(report.failures).toEqual([]);
    expect(during.requests).toBeGreaterThan(100);
  });

  it('a node restarted while etcd is down serves its saved config', async () => {
    const { admin, gateways, etcd } = cluster;
    expect(
      (
        await admin.put('/apisix/admin/routes/saved', {
          uri: '/saved',
          upstream: upstreamOf(echoB),
        })
      ).status,
    ).toBe(201);
    await untilServed(gateways, '/saved', servedBy('b'));
    await etcd.process.stop();
    try {
      const node = gateways[1];
      if (!node) throw new Error('no second node');
      await node.restart();
      await untilServed([node], '/saved', servedBy('b'), 20_000);
      await untilServed([node], '/f1', servedBy('a'), 5_000);
    } finally {
      await etcd.process.start();
    }
    await waitFor(
      'the Admin API to reach etcd again',
      async () => (await admin.get('/apisix/admin/routes')).status === 200,
      20_000,
    );
    expect(
      (await admin.put('/apisix/admin/routes/back', { uri: '/back', upstream: upstreamOf(echoA) }))
        .status,
    ).toBe(201);
    await untilServed(gateways, '/back', servedBy('a'), 30_000);
  });

  it('a compaction while a node is cut off from etcd leads to a resync with nothing lost', async () => {
    const { admin, gateways, etcd } = cluster;
    const behind = gateways[0];
    if (!behind) throw new Error('no node');
    behind.etcdLink.cut();
    try {
      expect(
        (await admin.put('/apisix/admin/routes/c1', { uri: '/c1', upstream: upstreamOf(echoA) }))
          .status,
      ).toBe(201);
      expect(
        (await admin.put('/apisix/admin/routes/c2', { uri: '/c2', upstream: upstreamOf(echoB) }))
          .status,
      ).toBe(201);
      expect(
        (await admin.patch('/apisix/admin/routes/f2/upstream', upstreamOf(echoB))).status,
      ).toBe(200);
      expect((await admin.delete('/apisix/admin/routes/f3')).status).toBe(200);
      const status = await fetch(`${etcd.endpoint}/v3/kv/range`, {
        method: 'POST',
        body: JSON.stringify({ key: Buffer.from('/apisix').toString('base64') }),
      });
      const revision = Number(
        ((await status.json()) as { header: { revision: string } }).header.revision,
      );
      const compact = await fetch(`${etcd.endpoint}/v3/kv/compaction`, {
        method: 'POST',
        body: JSON.stringify({ revision, physical: true }),
      });
      expect(compact.status).toBe(200);
      // The other node follows at once; the cut-off one still serves its old config.
      const other = gateways[1];
      if (!other) throw new Error('no second node');
      await untilServed([other], '/c1', servedBy('a'));
      expect((await freshGet(behind.url('/c1'))).status).toBe(404);
    } finally {
      behind.etcdLink.restore();
    }
    await untilServed([behind], '/c1', servedBy('a'), 30_000);
    await untilServed([behind], '/c2', servedBy('b'));
    await untilServed([behind], '/f2', servedBy('b'));
    await untilServed([behind], '/f3', (s) => s === 404);
  });
});
