/**
 * API-driven standalone mode (issue 15): `/apisix/admin/configs` on an Admin API whose store is
 * the in-memory standalone store, with the behaviour of APISIX's t/admin/standalone.spec.ts.
 */
import { MemoryStore } from '@tollgate/config-store';
import { AdminClient } from '@tollgate/testkit';
import YAML from 'yaml';
import { startAdminServer, type RunningAdminServer } from '../src';

const KEY = 'standalone-admin-key-0123456789';
const ENDPOINT = '/apisix/admin/configs';
const upstream = { type: 'roundrobin', nodes: { '127.0.0.1:1980': 1 } };
const route = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  uri: `/${id}`,
  upstream,
  ...extra,
});

let store: MemoryStore;
let server: RunningAdminServer;
let admin: AdminClient;
beforeEach(async () => {
  store = new MemoryStore();
  server = await startAdminServer({
    store,
    standalone: true,
    adminKeys: [{ name: 'admin', key: KEY, role: 'admin' }],
    host: '127.0.0.1',
    port: 0,
  });
  admin = new AdminClient(`http://127.0.0.1:${server.port}`, KEY);
});
afterEach(async () => {
  await server.close();
  await store.close();
});

const routeKeys = async () => (await store.range('/apisix/routes/')).items.map((i) => i.key);

describe('PUT/GET/HEAD /apisix/admin/configs', () => {
  it('starts empty at version 0, replaces the whole configuration, bumps every version', async () => {
    const empty = await admin.get(ENDPOINT);
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({ routes_conf_version: 0, consumers_conf_version: 0 });

    expect((await admin.put(ENDPOINT, { routes: [route('r1')] })).status).toBe(202);
    expect(await routeKeys()).toEqual(['/apisix/routes/r1']);
    const one = await admin.get(ENDPOINT);
    expect(one.json).toMatchObject({
      routes: [route('r1')],
      routes_conf_version: 1,
      ssls_conf_version: 1,
    });

    const yaml = await admin.request('PUT', ENDPOINT, {
      raw: YAML.stringify({ routes: [route('r2')] }),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(yaml.status).toBe(202);
    expect(await routeKeys()).toEqual(['/apisix/routes/r2']);
    const asYaml = await admin.get(ENDPOINT, { headers: { accept: 'application/yaml' } });
    expect(asYaml.headers.get('content-type')).toContain('application/yaml');
    expect(YAML.parse(asYaml.text)).toMatchObject({
      routes: [route('r2')],
      routes_conf_version: 2,
    });

    // Per-resource reads work; per-resource writes do not.
    expect((await admin.get('/apisix/admin/routes/r2')).status).toBe(200);
    const write = await admin.put('/apisix/admin/routes/r3', { uri: '/r3', upstream });
    expect(write.status).toBe(405);

    // An empty configuration deletes everything.
    expect((await admin.put(ENDPOINT, {})).status).toBe(202);
    expect(await routeKeys()).toEqual([]);
  });

  it('conf_version: higher replaces, equal keeps the current items, lower is refused', async () => {
    await admin.put(ENDPOINT, { routes: [route('r1')], routes_conf_version: 10 });
    const same = await admin.put(ENDPOINT, { routes: [route('r2')], routes_conf_version: 10 });
    expect(same.status).toBe(202);
    expect(await routeKeys()).toEqual(['/apisix/routes/r1']);
    const lower = await admin.put(ENDPOINT, { routes_conf_version: 9 });
    expect(lower.status).toBe(400);
    expect(lower.json).toEqual({
      error_msg: 'routes_conf_version must be greater than or equal to (10)',
    });
    const text = await admin.put(ENDPOINT, { routes_conf_version: 'abc' });
    expect(text.json).toEqual({ error_msg: 'routes_conf_version must be a number' });
  });

  it('an item whose modifiedIndex did not change is kept as it is', async () => {
    await admin.put(ENDPOINT, { routes: [route('r1', { modifiedIndex: 1 })] });
    await admin.put(ENDPOINT, { routes: [route('r1', { modifiedIndex: 1, uri: '/changed' })] });
    expect((await admin.get('/apisix/admin/routes/r1')).text).toContain('"/r1"');
    await admin.put(ENDPOINT, { routes: [route('r1', { modifiedIndex: 2, uri: '/changed' })] });
    expect((await admin.get('/apisix/admin/routes/r1')).text).toContain('"/changed"');
  });

  it('an invalid configuration is refused whole and changes nothing', async () => {
    await admin.put(ENDPOINT, { routes: [route('r1')] });
    const bad = await admin.put(ENDPOINT, { routes: [route('r2'), route('r3', { uri: 123 })] });
    expect(bad.status).toBe(400);
    expect((bad.json as { error_msg: string }).error_msg).toMatch(
      /^invalid routes at index 1, err: /,
    );
    expect(await routeKeys()).toEqual(['/apisix/routes/r1']);
    const empty = await admin.request('PUT', ENDPOINT, { raw: '' });
    expect(empty.json).toEqual({ error_msg: 'invalid request body: empty request body' });
    const broken = await admin.request('PUT', ENDPOINT, { raw: '{abcd' });
    expect(broken.status).toBe(400);
    const validate = await admin.post(`${ENDPOINT}/validate`, { routes: [route('x', { uri: 1 })] });
    expect(validate.status).toBe(400);
    expect((await admin.post(`${ENDPOINT}/validate`, { routes: [route('x')] })).status).toBe(200);
    expect(await routeKeys()).toEqual(['/apisix/routes/r1']);
  });

  it('X-Digest: the same digest again is a no-op (204); HEAD shows digest and time', async () => {
    const routes = Array.from({ length: 1000 }, (_, i) => route(`r${i}`));
    const started = performance.now();
    const first = await admin.put(ENDPOINT, { routes }, { headers: { 'X-Digest': 'd1' } });
    const ms = performance.now() - started;
    process.stdout.write(
      `standalone: PUT /apisix/admin/configs of 1000 routes checked and applied in ${ms.toFixed(0)} ms\n`,
    );
    expect(first.status).toBe(202);
    expect(await routeKeys()).toHaveLength(1000);
    const revision = await store.revision();
    const again = await admin.put(ENDPOINT, { routes }, { headers: { 'X-Digest': 'd1' } });
    expect(again.status).toBe(204);
    expect(await store.revision()).toBe(revision);
    const head = await admin.request('HEAD', ENDPOINT);
    expect(head.status).toBe(200);
    expect(head.headers.get('x-digest')).toBe('d1');
    expect(Number(head.headers.get('x-last-modified'))).toBeGreaterThan(1_700_000_000);
  });
});
