/**
 * The Admin API behaviour of APISIX 3.18 (spec §6, §8.4, decision D7), run once against a real
 * etcd and once against the embedded store. Every case goes over HTTP to a real listener.
 */
import type { ConfigStore } from '@tollgate/config-store';
import {
  AdminClient,
  httpRequest,
  loopbackScenarioValues,
  scenarioText,
  sleep,
} from '@tollgate/testkit';
import { startAdminServer, type RunningAdminServer } from '../src';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const VIEWER_KEY = 'test-viewer-key-0123456789abcdef';

export interface SuiteStore {
  store: ConfigStore;
  prefix: string;
  cleanup(): Promise<void>;
}

const ROUTE_75 = {
  methods: ['GET'],
  upstream: { nodes: { '127.0.0.1:8080': 1 }, type: 'roundrobin' },
  desc: 'new route',
  uri: '/index.html',
};

const keyAuthConsumer = (username: string, key: string) => ({
  username,
  plugins: { 'key-auth': { key } },
});

/** Registers the shared Admin API cases under `describe(name)`. */
export function runAdminApiSuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`Admin API on ${name}`, () => {
    let target: SuiteStore;
    let server: RunningAdminServer;
    let admin: AdminClient;
    let prefix: string;

    beforeEach(async () => {
      target = await open();
      prefix = target.prefix;
      server = await startAdminServer({
        store: target.store,
        prefix,
        adminKeys: [
          { name: 'admin', key: ADMIN_KEY, role: 'admin' },
          { name: 'viewer', key: VIEWER_KEY, role: 'viewer' },
        ],
        host: '127.0.0.1',
        port: 0,
      });
      admin = new AdminClient(`http://127.0.0.1:${server.port}`, ADMIN_KEY);
    });

    afterEach(async () => {
      await server.close();
      await target.cleanup();
    });

    const storedKeys = async (dir: string) =>
      (await target.store.range(`${prefix}/${dir}/`)).items.map((i) => i.key);

    describe('routes (spec §8.4)', () => {
      it('#75 PUT creates with 201 and returns key/value with id and timestamps', async () => {
        const before = Math.floor(Date.now() / 1000);
        const res = await admin.put('/apisix/admin/routes/1', ROUTE_75);
        expect(res.status).toBe(201);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.headers.get('x-api-version')).toBe('v3');
        expect(res.text.endsWith('}\n')).toBe(true);
        const body = res.json as { key: string; value: Record<string, unknown> };
        expect(body.key).toBe(`${prefix}/routes/1`);
        expect(body.value).toMatchObject({ ...ROUTE_75, id: '1' });
        expect(body.value.create_time).toBeGreaterThanOrEqual(before);
        expect(body.value.update_time).toBe(body.value.create_time);
        // Defaults are not persisted (APISIX ≥ 3.14).
        expect(body.value).not.toHaveProperty('priority');
        expect(body.value).not.toHaveProperty('status');
        const stored = await target.store.get(`${prefix}/routes/1`);
        expect(JSON.parse(stored?.value ?? '{}')).toEqual(body.value);
      });

      it('#76 GET returns the value with createdIndex and modifiedIndex', async () => {
        await admin.put('/apisix/admin/routes/1', ROUTE_75);
        const res = await admin.get('/apisix/admin/routes/1');
        expect(res.status).toBe(200);
        const body = res.json as Record<string, unknown>;
        const stored = await target.store.get(`${prefix}/routes/1`);
        expect(body).toEqual({
          key: `${prefix}/routes/1`,
          value: JSON.parse(stored?.value ?? ''),
          createdIndex: stored?.createRevision,
          modifiedIndex: stored?.modRevision,
        });
      });

      it('a second PUT replaces with 200, keeps create_time and moves modifiedIndex', async () => {
        const first = await admin.put('/apisix/admin/routes/1', ROUTE_75);
        const created = (first.json as { value: { create_time: number } }).value.create_time;
        const before = await admin.get('/apisix/admin/routes/1');
        const second = await admin.put('/apisix/admin/routes/1', { ...ROUTE_75, desc: 'changed' });
        expect(second.status).toBe(200);
        const after = (await admin.get('/apisix/admin/routes/1')).json as Record<string, any>;
        expect(after.value.desc).toBe('changed');
        expect(after.value.create_time).toBe(created);
        expect(after.createdIndex).toBe((before.json as any).createdIndex);
        expect(after.modifiedIndex).toBeGreaterThan((before.json as any).modifiedIndex);
      });

      it('PUT /routes with the id in the body; an integer id keeps its type', async () => {
        const res = await admin.put('/apisix/admin/routes', { ...ROUTE_75, id: 7 });
        expect(res.status).toBe(201);
        expect(res.json).toMatchObject({ key: `${prefix}/routes/7`, value: { id: 7 } });
      });

      it('#77 DELETE answers {"deleted":"1"}; a missing id is 404 Key not found', async () => {
        await admin.put('/apisix/admin/routes/1', ROUTE_75);
        const del = await admin.delete('/apisix/admin/routes/1');
        expect(del.status).toBe(200);
        expect(del.json).toEqual({ deleted: '1', key: `${prefix}/routes/1` });
        expect(await target.store.get(`${prefix}/routes/1`)).toBeUndefined();
        const missing = await admin.delete('/apisix/admin/routes/not_found');
        expect(missing.status).toBe(404);
        expect(missing.json).toEqual({ message: 'Key not found' });
        const get = await admin.get('/apisix/admin/routes/not_found');
        expect(get.status).toBe(404);
        expect(get.json).toEqual({ message: 'Key not found' });
      });

      it('#78 POST generates a 20-digit id and stores timestamps', async () => {
        const res = await admin.post('/apisix/admin/routes', ROUTE_75);
        expect(res.status).toBe(201);
        const body = res.json as { key: string; value: Record<string, unknown> };
        expect(body.key).toMatch(new RegExp(`^${prefix}/routes/\\d{20}$`));
        const id = body.key.split('/').pop() ?? '';
        expect(body.value.id).toBe(id);
        expect(typeof body.value.create_time).toBe('number');
        expect(typeof body.value.update_time).toBe('number');
        const again = await admin.post('/apisix/admin/routes', ROUTE_75);
        expect(((again.json as { key: string }).key.split('/').pop() ?? '') > id).toBe(true);
      });

      it('#79 an invalid method is refused with the schema message', async () => {
        const res = await admin.put('/apisix/admin/routes/1', {
          ...ROUTE_75,
          methods: ['invalid_method'],
        });
        expect(res.status).toBe(400);
        expect(res.json).toEqual({
          error_msg:
            'invalid configuration: property "methods" validation failed: failed to validate item 1: matches none of the enum values',
        });
        expect(await storedKeys('routes')).toEqual([]);
      });

      it('#80 references to missing services and upstreams are refused', async () => {
        const svc = await admin.put('/apisix/admin/routes/1', {
          uri: '/a',
          service_id: '99999999999999',
        });
        expect(svc.status).toBe(400);
        expect(svc.json).toEqual({
          error_msg:
            'failed to fetch service info by service id [99999999999999], response code: 404',
        });
        const ups = await admin.put('/apisix/admin/routes/1', {
          uri: '/a',
          upstream_id: '99999999',
        });
        expect(ups.status).toBe(400);
        expect(ups.json).toEqual({
          error_msg: 'failed to fetch upstream info by upstream id [99999999], response code: 404',
        });
        const pc = await admin.put('/apisix/admin/routes/1', {
          ...ROUTE_75,
          plugin_config_id: '5',
        });
        expect(pc.json).toEqual({
          error_msg:
            'failed to fetch plugin config info by plugin config id [5], response code: 404',
        });
        expect(await storedKeys('routes')).toEqual([]);
      });

      it('#81 id mismatches', async () => {
        const a = await admin.put('/apisix/admin/routes/1', { ...ROUTE_75, id: 3 });
        expect(a.status).toBe(400);
        expect(a.json).toEqual({ error_msg: 'wrong route id' });
        const b = await admin.post('/apisix/admin/routes', { ...ROUTE_75, id: 1 });
        expect(b.json).toEqual({ error_msg: 'wrong route id, do not need it' });
        const c = await admin.post('/apisix/admin/routes/1', ROUTE_75);
        expect(c.status).toBe(400);
        expect(c.json).toEqual({ error_msg: 'wrong route id, do not need it' });
        const d = await admin.put('/apisix/admin/routes', ROUTE_75);
        expect(d.json).toEqual({ error_msg: 'missing route id' });
      });

      it('#82 an empty list is {"list":[],"total":0}', async () => {
        const res = await admin.get('/apisix/admin/routes');
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ list: [], total: 0 });
      });

      it('#84 create_time and update_time are forbidden on PUT and POST', async () => {
        const res = await admin.put('/apisix/admin/routes/1', { ...ROUTE_75, create_time: 1 });
        expect(res.status).toBe(400);
        expect(res.json).toEqual({ error_msg: 'the property is forbidden:  create_time' });
        const post = await admin.post('/apisix/admin/routes', { ...ROUTE_75, update_time: 1 });
        expect((post.json as { error_msg: string }).error_msg).toMatch(
          /^the property is forbidden:/,
        );
      });

      it('host together with hosts is refused', async () => {
        const res = await admin.put('/apisix/admin/routes/1', {
          ...ROUTE_75,
          host: 'a.com',
          hosts: ['b.com'],
        });
        expect(res.status).toBe(400);
        expect(res.json).toEqual({ error_msg: 'only one of host or hosts is allowed' });
      });

      it('a bad vars expression is refused', async () => {
        const res = await admin.put('/apisix/admin/routes/1', {
          ...ROUTE_75,
          vars: [['arg_a', 'bogus', '1']],
        });
        expect(res.status).toBe(400);
        expect(res.json).toEqual({
          error_msg: "failed to validate the 'vars' expression: invalid operator 'bogus'",
        });
        const ok = await admin.put('/apisix/admin/routes/1', {
          ...ROUTE_75,
          vars: [['arg_a', '==', '1']],
        });
        expect(ok.status).toBe(201);
      });

      it('a route without uri or uris is refused', async () => {
        const res = await admin.put('/apisix/admin/routes/1', { upstream: ROUTE_75.upstream });
        expect(res.status).toBe(400);
        expect((res.json as { error_msg: string }).error_msg).toMatch(/^invalid configuration: /);
      });

      it('lists in key order with createdIndex/modifiedIndex, filters and pages', async () => {
        for (const id of ['b', 'a', 'c']) {
          await admin.put(`/apisix/admin/routes/${id}`, {
            ...ROUTE_75,
            name: `route-${id}`,
            uri: `/${id}`,
          });
        }
        const list = (await admin.get('/apisix/admin/routes')).json as {
          total: number;
          list: any[];
        };
        expect(list.total).toBe(3);
        expect(list.list.map((i) => i.value.id)).toEqual(['a', 'b', 'c']);
        expect(list.list[0]).toEqual(
          expect.objectContaining({
            key: `${prefix}/routes/a`,
            createdIndex: expect.any(Number),
            modifiedIndex: expect.any(Number),
          }),
        );
        const byName = (await admin.get('/apisix/admin/routes?name=route-[ab]')).json as {
          total: number;
        };
        expect(byName.total).toBe(2);
        const byUri = (await admin.get('/apisix/admin/routes?uri=^/c$')).json as {
          total: number;
          list: any[];
        };
        expect(byUri.list.map((i) => i.value.id)).toEqual(['c']);
        const page = (await admin.get('/apisix/admin/routes?page=1&page_size=10')).json as {
          total: number;
          list: any[];
        };
        // Paging sorts by createdIndex: b was created first.
        expect(page.list.map((i) => i.value.id)).toEqual(['b', 'a', 'c']);
        expect(page.total).toBe(3);
        const bad = await admin.get('/apisix/admin/routes?page=1&page_size=5');
        expect(bad.status).toBe(400);
        expect(bad.json).toEqual({ error_msg: 'page_size must be between 10 and 500' });
      });

      it('ignores placeholder keys (init_dir) when listing', async () => {
        await target.store.put(`${prefix}/routes/`, 'init_dir');
        await admin.put('/apisix/admin/routes/1', ROUTE_75);
        const list = (await admin.get('/apisix/admin/routes')).json as { total: number };
        expect(list.total).toBe(1);
      });
    });

    describe('PATCH', () => {
      beforeEach(async () => {
        await admin.put('/apisix/admin/routes/1', { ...ROUTE_75, labels: { a: '1', b: '2' } });
      });

      it('merges objects, replaces arrays and deletes null keys', async () => {
        const before = (await admin.get('/apisix/admin/routes/1')).json as any;
        const res = await admin.patch('/apisix/admin/routes/1', {
          methods: ['GET', 'POST'],
          labels: { b: null, c: '3' },
          desc: null,
        });
        expect(res.status).toBe(200);
        const value = (res.json as { value: Record<string, unknown> }).value;
        expect(value.methods).toEqual(['GET', 'POST']);
        expect(value.labels).toEqual({ a: '1', c: '3' });
        expect(value).not.toHaveProperty('desc');
        expect(value.create_time).toBe(before.value.create_time);
        const after = (await admin.get('/apisix/admin/routes/1')).json as any;
        expect(after.value).toEqual(value);
        expect(after.modifiedIndex).toBeGreaterThan(before.modifiedIndex);
      });

      it('replaces the value at a sub-path', async () => {
        const res = await admin.patch('/apisix/admin/routes/1/upstream/nodes', {
          '127.0.0.1:9090': 2,
        });
        expect(res.status).toBe(200);
        expect((res.json as any).value.upstream.nodes).toEqual({ '127.0.0.1:9090': 2 });
        const methods = await admin.patch('/apisix/admin/routes/1/methods', ['POST']);
        expect((methods.json as any).value.methods).toEqual(['POST']);
      });

      it('re-validates the merged value and writes nothing when it is invalid', async () => {
        const before = await target.store.get(`${prefix}/routes/1`);
        const res = await admin.patch('/apisix/admin/routes/1', { methods: ['nope'] });
        expect(res.status).toBe(400);
        expect((res.json as { error_msg: string }).error_msg).toMatch(
          /^invalid configuration: property "methods"/,
        );
        expect((await target.store.get(`${prefix}/routes/1`))?.modRevision).toBe(
          before?.modRevision,
        );
      });

      it('answers 404 for a missing key, 400 without a body or with a non-object body', async () => {
        const missing = await admin.patch('/apisix/admin/routes/nope', { desc: 'x' });
        expect(missing.status).toBe(404);
        expect(missing.json).toEqual({ message: 'Key not found' });
        const empty = await admin.patch('/apisix/admin/routes/1');
        expect(empty.json).toEqual({ error_msg: 'missing new configuration' });
        const scalar = await admin.patch('/apisix/admin/routes/1', 'x');
        expect(scalar.json).toEqual({ error_msg: 'invalid configuration' });
      });

      it('keeps an update_time the patch supplies', async () => {
        const res = await admin.patch('/apisix/admin/routes/1', { update_time: 1234 });
        expect((res.json as any).value.update_time).toBe(1234);
      });
    });

    describe('upstreams and services', () => {
      it('an upstream in use cannot be deleted without force', async () => {
        expect(
          (
            await admin.put('/apisix/admin/upstreams/u1', {
              nodes: { '127.0.0.1:80': 1 },
              type: 'roundrobin',
            })
          ).status,
        ).toBe(201);
        expect(
          (await admin.put('/apisix/admin/routes/1', { uri: '/a', upstream_id: 'u1' })).status,
        ).toBe(201);
        const refused = await admin.delete('/apisix/admin/upstreams/u1');
        expect(refused.status).toBe(400);
        expect(refused.json).toEqual({
          error_msg: 'can not delete this upstream, route [1] is still using it now',
        });
        const forced = await admin.delete('/apisix/admin/upstreams/u1?force=true');
        expect(forced.status).toBe(200);
      });

      it('a service in use cannot be deleted; routes filter by service_id', async () => {
        expect(
          (
            await admin.put('/apisix/admin/services/s1', {
              upstream: { nodes: { '127.0.0.1:80': 1 } },
            })
          ).status,
        ).toBe(201);
        expect(
          (await admin.put('/apisix/admin/routes/1', { uri: '/a', service_id: 's1' })).status,
        ).toBe(201);
        const refused = await admin.delete('/apisix/admin/services/s1');
        expect(refused.json).toEqual({
          error_msg: 'can not delete this service directly, route [1] is still using it now',
        });
        const list = (await admin.get('/apisix/admin/routes?filter=service_id%3Ds1')).json as {
          total: number;
        };
        expect(list.total).toBe(1);
      });

      it('an upstream without nodes is refused', async () => {
        const res = await admin.put('/apisix/admin/upstreams/u1', { type: 'roundrobin' });
        expect(res.status).toBe(400);
        expect((res.json as { error_msg: string }).error_msg).toMatch(/^invalid configuration: /);
      });
    });

    describe('consumers and credentials (spec §6.5, §8.3, §8.4)', () => {
      it('#87 PUT, GET, DELETE a consumer', async () => {
        const put = await admin.put('/apisix/admin/consumers', {
          username: 'jack',
          desc: 'new consumer',
        });
        expect(put.status).toBe(201);
        expect(put.json).toMatchObject({
          key: `${prefix}/consumers/jack`,
          value: { username: 'jack', desc: 'new consumer' },
        });
        expect((put.json as any).value).not.toHaveProperty('id');
        const get = await admin.get('/apisix/admin/consumers/jack');
        expect(get.status).toBe(200);
        expect((get.json as any).value.username).toBe('jack');
        expect((await admin.put('/apisix/admin/consumers/jack', { username: 'jack' })).status).toBe(
          200,
        );
        expect((await admin.delete('/apisix/admin/consumers/jack')).status).toBe(200);
        expect((await admin.delete('/apisix/admin/consumers/not_found')).status).toBe(404);
      });

      it('#88 username is required; POST and PATCH are 405', async () => {
        const res = await admin.put('/apisix/admin/consumers', { id: 'jack' });
        expect(res.status).toBe(400);
        expect(res.json).toEqual({
          error_msg: 'invalid configuration: property "username" is required',
        });
        const post = await admin.post('/apisix/admin/consumers', { username: 'jack' });
        expect(post.status).toBe(405);
        expect(post.json).toEqual({ error_msg: 'not supported `POST` method for consumer' });
        const patch = await admin.patch('/apisix/admin/consumers/jack', { desc: 'x' });
        expect(patch.status).toBe(405);
        expect(patch.json).toEqual({ error_msg: 'not supported `PATCH` method for consumer' });
        const wrong = await admin.put('/apisix/admin/consumers/jack', { username: 'rose' });
        expect(wrong.json).toEqual({ error_msg: 'wrong username' });
      });

      it('#65 key-auth on a consumer needs a key', async () => {
        const res = await admin.put('/apisix/admin/consumers', {
          username: 'error',
          plugins: { 'key-auth': {} },
        });
        expect(res.status).toBe(400);
        expect(res.json).toEqual({
          error_msg:
            'invalid plugins configuration: failed to check the configuration of plugin key-auth err: property "key" is required',
        });
      });

      it('#61 a non-string key is refused', async () => {
        const res = await admin.put('/apisix/admin/consumers', {
          username: 'jack',
          plugins: { 'key-auth': { key: 123 } },
        });
        expect((res.json as { error_msg: string }).error_msg).toBe(
          'invalid plugins configuration: failed to check the configuration of plugin key-auth err: property "key" validation failed: wrong type: expected string, got number',
        );
      });

      it('#74 a key-auth key belongs to one consumer only', async () => {
        expect(
          (
            await admin.put(
              '/apisix/admin/consumers',
              keyAuthConsumer('case_a', 'duplicate-check-key-1'),
            )
          ).status,
        ).toBe(201);
        const dup = await admin.put(
          '/apisix/admin/consumers',
          keyAuthConsumer('case_b', 'duplicate-check-key-1'),
        );
        expect(dup.status).toBe(400);
        expect(dup.json).toEqual({
          error_msg: 'duplicate key of plugin key-auth found with consumer: case_a',
        });
        // Re-saving the owner with its own key is fine.
        expect(
          (
            await admin.put(
              '/apisix/admin/consumers',
              keyAuthConsumer('case_a', 'duplicate-check-key-1'),
            )
          ).status,
        ).toBe(200);
      });

      it('credentials live under their consumer and go with it', async () => {
        const orphan = await admin.put('/apisix/admin/consumers/nobody/credentials/c1', {
          plugins: { 'key-auth': { key: 'k1' } },
        });
        expect(orphan.status).toBe(404);
        expect(orphan.json).toEqual({ error_msg: 'consumer not found' });
        await admin.put('/apisix/admin/consumers', { username: 'jack' });
        const put = await admin.put('/apisix/admin/consumers/jack/credentials/c1', {
          plugins: { 'key-auth': { key: 'k1' } },
        });
        expect(put.status).toBe(201);
        expect((put.json as { key: string }).key).toBe(`${prefix}/consumers/jack/credentials/c1`);
        const dup = await admin.put('/apisix/admin/consumers', keyAuthConsumer('rose', 'k1'));
        expect(dup.json).toEqual({
          error_msg: 'duplicate key of plugin key-auth found with consumer: jack',
        });
        const creds = (await admin.get('/apisix/admin/consumers/jack/credentials')).json as {
          total: number;
        };
        expect(creds.total).toBe(1);
        const consumers = (await admin.get('/apisix/admin/consumers')).json as {
          total: number;
          list: any[];
        };
        expect(consumers.list.map((c) => c.value.username)).toEqual(['jack']);
        expect((await admin.delete('/apisix/admin/consumers/jack')).status).toBe(200);
        expect(await storedKeys('consumers')).toEqual([]);
      });

      it('a consumer group in use cannot be deleted', async () => {
        expect((await admin.put('/apisix/admin/consumer_groups/g1', { plugins: {} })).status).toBe(
          201,
        );
        const missing = await admin.put('/apisix/admin/consumers', {
          username: 'jack',
          group_id: 'g2',
        });
        expect(missing.json).toEqual({
          error_msg:
            'failed to fetch consumer group info by consumer group id [g2], response code: 404',
        });
        expect(
          (await admin.put('/apisix/admin/consumers', { username: 'jack', group_id: 'g1' })).status,
        ).toBe(201);
        const refused = await admin.delete('/apisix/admin/consumer_groups/g1');
        expect(refused.json).toEqual({
          error_msg: 'can not delete this consumer group, consumer [jack] is still using it now',
        });
      });
    });

    describe('other resources', () => {
      it('plugin_configs, global_rules and plugin_metadata round-trip', async () => {
        expect(
          (await admin.put('/apisix/admin/plugin_configs/1', { plugins: { 'key-auth': {} } }))
            .status,
        ).toBe(201);
        expect(
          (await admin.put('/apisix/admin/routes/1', { ...ROUTE_75, plugin_config_id: 1 })).status,
        ).toBe(201);
        const inUse = await admin.delete('/apisix/admin/plugin_configs/1');
        expect(inUse.json).toEqual({
          error_msg: 'can not delete this plugin config, route [1] is still using it now',
        });
        expect(
          (await admin.put('/apisix/admin/global_rules/1', { plugins: { prometheus: {} } })).status,
        ).toBe(201);
        const meta = await admin.put('/apisix/admin/plugin_metadata/nope', {});
        expect(meta.json).toEqual({ error_msg: 'invalid plugin name' });
      });

      it('an unknown plugin is refused', async () => {
        const res = await admin.put('/apisix/admin/routes/1', {
          uri: '/a',
          plugins: { 'no-such-plugin': {} },
        });
        expect(res.status).toBe(400);
        expect(res.json).toEqual({ error_msg: 'unknown plugin [no-such-plugin]' });
      });

      it('a plugin check failure is wrapped as APISIX does', async () => {
        const res = await admin.put('/apisix/admin/routes/1', {
          uri: '/anything',
          plugins: {
            'ai-proxy-multi': {
              instances: [
                {
                  name: 'a',
                  provider: 'openai',
                  weight: 1,
                  auth: {},
                  override: { endpoint: 'http//127.0.0.1:1980' },
                },
              ],
            },
          },
        });
        expect(res.status).toBe(400);
        expect(res.json).toEqual({
          error_msg:
            'failed to check the configuration of plugin ai-proxy-multi err: invalid endpoint',
        });
      });

      it('an unknown resource type is 404', async () => {
        const res = await admin.get('/apisix/admin/nothing');
        expect(res.status).toBe(404);
        expect(res.json).toEqual({ error_msg: 'Unsupported resource type: nothing' });
      });

      it('ttl attaches a lease; a non-numeric ttl is refused', async () => {
        const bad = await admin.put('/apisix/admin/routes/1?ttl=abc', ROUTE_75);
        expect(bad.status).toBe(400);
        expect(bad.json).toEqual({ error_msg: 'invalid argument ttl: should be a number' });
        expect((await admin.put('/apisix/admin/routes/1?ttl=1', ROUTE_75)).status).toBe(201);
        const deadline = Date.now() + 10_000;
        while ((await admin.get('/apisix/admin/routes/1')).status === 200 && Date.now() < deadline)
          await sleep(200);
        expect((await admin.get('/apisix/admin/routes/1')).status).toBe(404);
      });
    });

    describe('plugin and schema endpoints (spec §6.6)', () => {
      it('lists plugins by descending priority', async () => {
        const res = await admin.get('/apisix/admin/plugins/list');
        expect(res.status).toBe(200);
        const names = res.json as string[];
        // Relative order only: plugins of higher priority (real-ip, request-id, cors...) come
        // before these as they are added.
        const order = ['key-auth', 'ai-proxy-multi', 'ai-proxy', 'ai-consumer-rate-limiting'];
        const positions = order.map((name) => names.indexOf(name));
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        expect(names).toContain('ai-rate-limiting');
        expect((await admin.get('/apisix/admin/plugins/list?subsystem=stream')).json).toEqual([
          'ip-restriction',
          'limit-conn',
        ]);
        const bad = await admin.get('/apisix/admin/plugins/list?subsystem=x');
        expect(bad.status).toBe(400);
        expect(bad.json).toEqual({ error_msg: 'invalid subsystem passed' });
      });

      it('serves plugin schemas', async () => {
        const route = await admin.get('/apisix/admin/plugins/key-auth');
        expect(route.status).toBe(200);
        expect((route.json as any).properties).toHaveProperty('header');
        const consumer = await admin.get('/apisix/admin/plugins/key-auth?schema_type=consumer');
        expect((consumer.json as any).required).toEqual(['key']);
        const none = await admin.get('/apisix/admin/plugins/ai-proxy?schema_type=consumer');
        expect(none.status).toBe(400);
        expect(none.json).toEqual({ error_msg: 'not found schema' });
        const unknown = await admin.get('/apisix/admin/plugins/nope');
        expect(unknown.status).toBe(404);
        expect(unknown.json).toEqual({ error_msg: 'plugin not found in subsystem http' });
      });

      it('serves and validates against resource schemas', async () => {
        expect((await admin.get('/apisix/admin/schema/route')).status).toBe(200);
        const unknown = await admin.get('/apisix/admin/schema/nope');
        expect(unknown.status).toBe(400);
        expect(unknown.json).toEqual({ error_msg: 'not found schema: nope' });
        const ok = await admin.post('/apisix/admin/schema/validate/routes', ROUTE_75);
        expect(ok.status).toBe(200);
        expect(ok.text).toBe('');
        const bad = await admin.post('/apisix/admin/schema/validate/routes', {
          ...ROUTE_75,
          methods: ['x'],
        });
        expect(bad.status).toBe(400);
        expect((bad.json as { error_msg: string }).error_msg).toMatch(
          /^property "methods" validation failed/,
        );
        expect(await storedKeys('routes')).toEqual([]);
      });

      it('#86 PUT /plugins/reload answers done and publishes the plugin list', async () => {
        const res = await admin.request(
          'PUT',
          `/apisix/admin/plugins/reload?api_key=${ADMIN_KEY}`,
          { headers: {} },
        );
        expect(res.status).toBe(200);
        expect(res.text).toBe('done');
        const stored = await target.store.get(`${prefix}/plugins`);
        expect(JSON.parse(stored?.value ?? '[]')).toContainEqual({ name: 'ai-proxy-multi' });
      });
    });

    describe('authentication (spec §6.1, #85, #86)', () => {
      const endpoints: [string, string][] = [
        ['GET', '/apisix/admin/routes'],
        ['PUT', '/apisix/admin/routes/1'],
        ['POST', '/apisix/admin/routes'],
        ['PATCH', '/apisix/admin/routes/1'],
        ['DELETE', '/apisix/admin/routes/1'],
        ['GET', '/apisix/admin/consumers'],
        ['PUT', '/apisix/admin/consumers/jack/credentials/1'],
        ['GET', '/apisix/admin/plugins/list'],
        ['GET', '/apisix/admin/plugins/key-auth'],
        ['PUT', '/apisix/admin/plugins/reload'],
        ['GET', '/apisix/admin/schema/route'],
        ['POST', '/apisix/admin/schema/validate/routes'],
        ['GET', '/apisix/admin/upstreams'],
        ['GET', '/apisix/admin/nothing'],
      ];

      it.each(endpoints)('%s %s without a key is 401 missing apikey', async (method, path) => {
        const res = await httpRequest(method, `${admin.baseUrl}${path}`, { body: ROUTE_75 });
        expect(res.status).toBe(401);
        expect(res.json).toEqual({
          error_msg: 'failed to check token',
          description: 'missing apikey',
        });
        expect(res.headers.get('x-api-version')).toBeNull();
      });

      it.each(endpoints)('%s %s with a wrong key is 401 wrong apikey', async (method, path) => {
        const res = await httpRequest(method, `${admin.baseUrl}${path}`, {
          body: ROUTE_75,
          headers: { 'X-API-KEY': 'wrong' },
        });
        expect(res.status).toBe(401);
        expect(res.json).toEqual({
          error_msg: 'failed to check token',
          description: 'wrong apikey',
        });
      });

      it('accepts the key from the api_key query argument and the x_api_key cookie', async () => {
        const q = await httpRequest(
          'GET',
          `${admin.baseUrl}/apisix/admin/routes?api_key=${ADMIN_KEY}`,
        );
        expect(q.status).toBe(200);
        const c = await httpRequest('GET', `${admin.baseUrl}/apisix/admin/routes`, {
          headers: { Cookie: `x_api_key=${ADMIN_KEY}` },
        });
        expect(c.status).toBe(200);
      });

      it('a viewer may read but not write', async () => {
        const viewer = new AdminClient(admin.baseUrl, VIEWER_KEY);
        expect((await viewer.get('/apisix/admin/routes')).status).toBe(200);
        const put = await viewer.put('/apisix/admin/routes/1', ROUTE_75);
        expect(put.status).toBe(401);
        expect(put.json).toEqual({
          error_msg: 'failed to check token',
          description: 'invalid method for role viewer',
        });
        expect(await storedKeys('routes')).toEqual([]);
      });
    });

    describe('bad input (decision D7): 4xx with error_msg, nothing written', () => {
      const attempts: [string, () => Promise<{ status: number; json: unknown }>][] = [
        [
          'non-JSON body',
          () => admin.request('PUT', '/apisix/admin/routes/1', { raw: '{"uri": "/a",' }),
        ],
        ['empty body', () => admin.request('PUT', '/apisix/admin/routes/1', { raw: '' })],
        ['JSON scalar body', () => admin.request('PUT', '/apisix/admin/routes/1', { raw: '"x"' })],
        [
          'body over 1.5 MiB',
          () =>
            admin.request('PUT', '/apisix/admin/routes/1', {
              raw: JSON.stringify({ uri: '/a', desc: 'x'.repeat(1.6 * 1024 * 1024) }),
            }),
        ],
        [
          '__proto__ key',
          () =>
            admin.request('PUT', '/apisix/admin/routes/1', {
              raw: '{"uri":"/a","upstream":{"nodes":{"127.0.0.1:1":1}},"__proto__":{"polluted":1}}',
            }),
        ],
        [
          'nested constructor key',
          () =>
            admin.request('PUT', '/apisix/admin/routes/1', {
              raw: '{"uri":"/a","labels":{"constructor":"x"},"upstream":{"nodes":{"127.0.0.1:1":1}}}',
            }),
        ],
        [
          'prototype key in plugins',
          () =>
            admin.request('PUT', '/apisix/admin/routes/1', {
              raw: '{"uri":"/a","plugins":{"key-auth":{"prototype":{}}}}',
            }),
        ],
        ['id with a slash (encoded)', () => admin.put('/apisix/admin/routes/a%2Fb', ROUTE_75)],
        ['id with ..', () => admin.put('/apisix/admin/routes/..', ROUTE_75)],
        ['id with a space', () => admin.put('/apisix/admin/routes/a%20b', ROUTE_75)],
        ['id with a control character', () => admin.put('/apisix/admin/routes/a%01b', ROUTE_75)],
        [
          'id over 64 characters',
          () => admin.put(`/apisix/admin/routes/${'a'.repeat(65)}`, ROUTE_75),
        ],
        ['wrong type', () => admin.put('/apisix/admin/routes/1', { ...ROUTE_75, uri: 42 })],
        [
          'wrong nested type',
          () => admin.put('/apisix/admin/routes/1', { ...ROUTE_75, upstream: { nodes: 'x' } }),
        ],
        ['unknown field', () => admin.put('/apisix/admin/routes/1', { ...ROUTE_75, bogus: true })],
        [
          'unknown plugin',
          () => admin.put('/apisix/admin/routes/1', { ...ROUTE_75, plugins: { nope: {} } }),
        ],
        [
          'plugin conf not an object',
          () => admin.put('/apisix/admin/routes/1', { ...ROUTE_75, plugins: { 'key-auth': 1 } }),
        ],
        ['sub-path on PUT', () => admin.put('/apisix/admin/routes/1/x', ROUTE_75)],
        ['malformed percent-encoding', () => admin.put('/apisix/admin/routes/%E0%A4%A', ROUTE_75)],
      ];

      it.each(attempts)('%s', async (_label, attempt) => {
        const res = await attempt();
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.json).toEqual(expect.objectContaining({ error_msg: expect.any(String) }));
        expect(await storedKeys('routes')).toEqual([]);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });

      it('non-JSON bodies are echoed back as req_body', async () => {
        const res = await admin.request('PUT', '/apisix/admin/routes/1', { raw: '{bad' });
        expect(res.json).toEqual({
          error_msg: expect.stringMatching(/^invalid request body: /),
          req_body: '{bad',
        });
      });
    });

    describe("our users' configurations (user-scenarios.md)", () => {
      const values = loopbackScenarioValues(18080);

      it.each([
        ['scenario1-route.json', 'routes', 'ai-proxy-multi-route'],
        ['scenario2-route.json', 'routes', 'ai-proxy-multi-route'],
        ['scenario2-consumer-a.json', 'consumers', 'consumer_a'],
      ])('%s is accepted (201 then 200) and read back as sent', async (file, dir, id) => {
        const text = scenarioText(file, values);
        const sent = JSON.parse(text) as Record<string, unknown>;
        const first = await admin.request('PUT', `/apisix/admin/${dir}`, {
          raw: text,
          headers: { 'Content-Type': 'application/json' },
        });
        expect(first.status).toBe(201);
        const second = await admin.request('PUT', `/apisix/admin/${dir}`, { raw: text });
        expect(second.status).toBe(200);
        const got = (await admin.get(`/apisix/admin/${dir}/${id}`)).json as {
          key: string;
          value: Record<string, unknown>;
        };
        expect(got.key).toBe(`${prefix}/${dir}/${id}`);
        const { create_time, update_time, ...rest } = got.value;
        expect(typeof create_time).toBe('number');
        expect(typeof update_time).toBe('number');
        expect(rest).toEqual(sent);
      });
    });
  });
}
