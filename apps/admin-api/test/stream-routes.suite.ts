/**
 * `/apisix/admin/stream_routes`: APISIX 3.18's t/admin/stream-routes.t, stream-routes-disable.t
 * and stream-routes-subordinate.t cases (PUT/GET/DELETE/POST, string ids, unknown plugin and
 * protocol, references, `superior_id`), the service in-use refusal for stream routes, and the
 * http-only mode where every method answers 400, over HTTP to a real listener, run on etcd and
 * on the embedded store.
 */
import { AdminClient, type HttpReply } from '@tollgate/testkit';
import { startAdminServer, type RunningAdminServer } from '../src';
import { ADMIN_KEY, type SuiteStore } from './admin-api.suite';

const UPSTREAM = { nodes: { '127.0.0.1:8080': 1 }, type: 'roundrobin' };
const DISABLED = { error_msg: 'stream mode is disabled, can not add stream routes' };

function errorOf(reply: HttpReply): unknown {
  return (reply.json as { error_msg?: unknown } | undefined)?.error_msg;
}

/** Registers the stream route cases under `describe(name)`. */
export function runStreamRoutesSuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`stream_routes on ${name}`, () => {
    let target: SuiteStore;
    let server: RunningAdminServer | undefined;
    let admin: AdminClient;

    const start = async (streamProxy: boolean) => {
      server = await startAdminServer({
        store: target.store,
        prefix: target.prefix,
        adminKeys: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
        streamProxy,
        host: '127.0.0.1',
        port: 0,
      });
      admin = new AdminClient(`http://127.0.0.1:${server.port}`, ADMIN_KEY);
    };
    const stored = async () =>
      (await target.store.range(`${target.prefix}/stream_routes/`)).items.map((i) => i.key);

    beforeEach(async () => {
      target = await open();
    });
    afterEach(async () => {
      await server?.close();
      server = undefined;
      await target.cleanup();
    });

    describe('with proxy_mode http&stream', () => {
      beforeEach(() => start(true));

      it('TEST 1-3: PUT, GET and DELETE one stream route', async () => {
        const body = { remote_addr: '127.0.0.1', upstream: UPSTREAM, desc: 'new route' };
        const put = await admin.put('/apisix/admin/stream_routes/1', body);
        expect(put.status).toBe(201);
        expect(put.json).toMatchObject({
          key: `${target.prefix}/stream_routes/1`,
          value: { ...body, id: '1' },
        });
        const value = (put.json as { value: Record<string, unknown> }).value;
        expect(typeof value.create_time).toBe('number');
        expect(typeof value.update_time).toBe('number');
        const get = await admin.get('/apisix/admin/stream_routes/1');
        expect(get.status).toBe(200);
        expect(get.json).toMatchObject({ key: `${target.prefix}/stream_routes/1`, value: body });
        const del = await admin.delete('/apisix/admin/stream_routes/1');
        expect(del.status).toBe(200);
        expect(del.json).toEqual({ deleted: '1', key: `${target.prefix}/stream_routes/1` });
        expect(await stored()).toEqual([]);
      });

      it('TEST 4/11: POST generates the id, then DELETE', async () => {
        const post = await admin.post('/apisix/admin/stream_routes', {
          remote_addr: '127.0.0.1',
          upstream: UPSTREAM,
        });
        expect(post.status).toBe(201);
        const { key, value } = post.json as { key: string; value: Record<string, unknown> };
        expect(key).toBe(`${target.prefix}/stream_routes/${String(value.id)}`);
        expect(value).toMatchObject({ remote_addr: '127.0.0.1', upstream: UPSTREAM });
        expect((await admin.delete(`/apisix/admin/stream_routes/${String(value.id)}`)).status).toBe(
          200,
        );
      });

      it('TEST 6: server_addr, server_port and sni are stored as given', async () => {
        const body = {
          remote_addr: '127.0.0.0/24',
          server_addr: '127.0.0.1',
          server_port: 1982,
          sni: '*.test.com',
          upstream: UPSTREAM,
          name: 'l4',
          labels: { env: 'test' },
        };
        expect((await admin.put('/apisix/admin/stream_routes/1', body)).status).toBe(201);
        expect((await admin.get('/apisix/admin/stream_routes/1')).json).toMatchObject({
          value: body,
        });
      });

      it('TEST 5: a chash upstream keyed on any variable (no upstream code checks, as APISIX)', async () => {
        const reply = await admin.put('/apisix/admin/stream_routes/1', {
          remote_addr: '127.0.0.1',
          upstream: {
            type: 'chash',
            key: 'mqtt_client_id',
            nodes: [{ host: '127.0.0.1', port: 1980, weight: 1 }],
          },
        });
        expect(reply.status).toBe(201);
      });

      it('TEST 8-10: string ids, an invalid one refused', async () => {
        const body = { remote_addr: '127.0.0.1', upstream: UPSTREAM };
        expect((await admin.put('/apisix/admin/stream_routes/a-b-c-ABC_0123', body)).status).toBe(
          201,
        );
        expect((await admin.delete('/apisix/admin/stream_routes/a-b-c-ABC_0123')).status).toBe(200);
        const bad = await admin.put('/apisix/admin/stream_routes/*invalid', body);
        expect(bad.status).toBe(400);
        expect(await stored()).toEqual([]);
      });

      it('TEST 15: an unknown plugin is refused and nothing is written', async () => {
        const reply = await admin.put('/apisix/admin/stream_routes/1', {
          remote_addr: '127.0.0.1',
          plugins: { 'mqttt-proxy': {} },
        });
        expect(reply.status).toBe(400);
        expect(reply.json).toEqual({ error_msg: 'unknown plugin [mqttt-proxy]' });
        expect(await stored()).toEqual([]);
      });

      it('stream plugins are checked with their schemas (stream_check_schema texts)', async () => {
        const bad = await admin.put('/apisix/admin/stream_routes/1', {
          plugins: { 'limit-conn': { burst: 1, default_conn_delay: 0.1, key: 'remote_addr' } },
          upstream: UPSTREAM,
        });
        expect(bad.status).toBe(400);
        expect(errorOf(bad)).toMatch(
          /^failed to check the configuration of stream plugin \[limit-conn\]: .*conn/,
        );
        const good = await admin.put('/apisix/admin/stream_routes/1', {
          plugins: {
            'limit-conn': { conn: 1, burst: 0, default_conn_delay: 0.1, key: 'remote_addr' },
            'ip-restriction': { whitelist: ['127.0.0.0/24'] },
          },
          upstream: UPSTREAM,
        });
        expect(good.status).toBe(201);
      });

      it('TEST 16: an xRPC protocol Tollgate does not have is refused', async () => {
        const reply = await admin.put('/apisix/admin/stream_routes/1', {
          protocol: { name: 'xxx' },
          upstream: UPSTREAM,
        });
        expect(reply.status).toBe(400);
        expect(reply.json).toEqual({ error_msg: 'unknown protocol [xxx]' });
      });

      it('subordinate checks: itself as superior_id, a missing superior', async () => {
        const self = await admin.put('/apisix/admin/stream_routes/5', {
          protocol: { name: 'pingpong', superior_id: '5' },
          upstream: UPSTREAM,
        });
        expect(self.json).toEqual({ error_msg: 'stream route can not set itself as superior_id' });
        const missing = await admin.put('/apisix/admin/stream_routes/6', {
          protocol: { name: 'pingpong', superior_id: '7' },
          upstream: UPSTREAM,
        });
        expect(missing.status).toBe(400);
        expect(missing.json).toEqual({
          error_msg: 'failed to fetch stream routes[7], response code: 404',
        });
      });

      it('a superior written by APISIX (xRPC) is not deleted while a subordinate names it', async () => {
        await admin.put('/apisix/admin/stream_routes/1', { upstream: UPSTREAM });
        // Tollgate refuses xRPC protocols, so the subordinate is written as an APISIX node would.
        await target.store.put(
          `${target.prefix}/stream_routes/12`,
          JSON.stringify({ id: '12', protocol: { name: 'pingpong', superior_id: '1' } }),
        );
        const refused = await admin.delete('/apisix/admin/stream_routes/1');
        expect(refused.status).toBe(400);
        expect(refused.json).toEqual({
          error_msg:
            'can not delete this stream route directly, stream route [12] is still using it as superior_id',
        });
        expect((await admin.delete('/apisix/admin/stream_routes/1?force=true')).status).toBe(200);
      });

      it('references: upstream_id and service_id must exist', async () => {
        const up = await admin.put('/apisix/admin/stream_routes/1', { upstream_id: '9' });
        expect(up.status).toBe(400);
        expect(up.json).toEqual({
          error_msg: 'failed to fetch upstream info by upstream id [9], response code: 404',
        });
        const svc = await admin.put('/apisix/admin/stream_routes/1', { service_id: 's1' });
        expect(svc.json).toEqual({
          error_msg: 'failed to fetch service info by service id [s1], response code: 404',
        });
        expect(await stored()).toEqual([]);
        expect((await admin.put('/apisix/admin/upstreams/9', UPSTREAM)).status).toBe(201);
        expect((await admin.put('/apisix/admin/services/s1', { upstream_id: '9' })).status).toBe(
          201,
        );
        const ok = await admin.put('/apisix/admin/stream_routes/1', {
          service_id: 's1',
          server_port: 9100,
        });
        expect(ok.status).toBe(201);
      });

      it('schema: a bad port, address or sni is refused with the validator text', async () => {
        const bad: [string, unknown][] = [
          ['server_port', '9100'],
          ['remote_addr', 'not-an-ip'],
          ['server_addr', '10.0.0.0/33'],
          ['sni', 'a b'],
        ];
        for (const [field, value] of bad) {
          const reply = await admin.put('/apisix/admin/stream_routes/1', {
            [field]: value,
            upstream: UPSTREAM,
          });
          expect(reply.status).toBe(400);
          expect(errorOf(reply)).toMatch(
            new RegExp(`^invalid configuration: property "${field}" validation failed`),
          );
        }
        expect(await stored()).toEqual([]);
      });

      it('schema endpoints know stream_route; validate checks stream plugins', async () => {
        const schema = await admin.get('/apisix/admin/schema/stream_route');
        expect(schema.status).toBe(200);
        expect(schema.json).toMatchObject({ properties: { sni: { type: 'string' } } });
        const valid = await admin.post('/apisix/admin/schema/validate/stream_routes', {
          plugins: { 'ip-restriction': { blacklist: ['10.0.0.0/8'] } },
          upstream: UPSTREAM,
        });
        expect(valid.status).toBe(200);
        const unknown = await admin.post('/apisix/admin/schema/validate/stream_routes', {
          plugins: { 'key-auth': {} },
        });
        expect(unknown.json).toEqual({ error_msg: 'unknown plugin [key-auth]' });
        expect(await stored()).toEqual([]);
      });

      it('PATCH is not supported (unsupported_methods)', async () => {
        await admin.put('/apisix/admin/stream_routes/1', { upstream: UPSTREAM });
        const reply = await admin.patch('/apisix/admin/stream_routes/1', { desc: 'x' });
        expect(reply.status).toBe(405);
        expect(reply.json).toEqual({ error_msg: 'not supported `PATCH` method for stream route' });
      });

      it('a service a stream route uses is not deleted (services.lua delete_checker)', async () => {
        await admin.put('/apisix/admin/services/1', { upstream: UPSTREAM });
        await admin.put('/apisix/admin/stream_routes/3', { service_id: '1' });
        const refused = await admin.delete('/apisix/admin/services/1');
        expect(refused.status).toBe(400);
        expect(refused.json).toEqual({
          error_msg: 'can not delete this service directly, stream_route [3] is still using it now',
        });
        expect((await admin.delete('/apisix/admin/services/1?force=true')).status).toBe(200);
      });

      it('lists with total, paging and the service_id filter', async () => {
        await admin.put('/apisix/admin/services/1', { upstream: UPSTREAM });
        await admin.put('/apisix/admin/stream_routes/1', { service_id: '1', name: 'a' });
        await admin.put('/apisix/admin/stream_routes/2', { upstream: UPSTREAM, name: 'b' });
        const all = await admin.get('/apisix/admin/stream_routes');
        expect(all.status).toBe(200);
        expect(all.json).toMatchObject({ total: 2 });
        const filtered = await admin.get('/apisix/admin/stream_routes?filter=service_id%3D1');
        expect(filtered.json).toMatchObject({ total: 1, list: [{ value: { name: 'a' } }] });
        const named = await admin.get('/apisix/admin/stream_routes?name=b');
        expect(named.json).toMatchObject({ total: 1, list: [{ value: { name: 'b' } }] });
      });
    });

    describe('with proxy_mode http (stream-routes-disable.t)', () => {
      beforeEach(() => start(false));

      it('every method answers 400 and nothing is written', async () => {
        const body = { remote_addr: '127.0.0.1', upstream: UPSTREAM, desc: 'new route' };
        const replies = [
          await admin.get('/apisix/admin/stream_routes'),
          await admin.get('/apisix/admin/stream_routes/1'),
          await admin.put('/apisix/admin/stream_routes/1', body),
          await admin.post('/apisix/admin/stream_routes', body),
          await admin.patch('/apisix/admin/stream_routes/1', { desc: 'x' }),
          await admin.delete('/apisix/admin/stream_routes/1'),
        ];
        for (const reply of replies) {
          expect(reply.status).toBe(400);
          expect(reply.json).toEqual(DISABLED);
        }
        expect(await stored()).toEqual([]);
        // Other resources are served as usual.
        expect((await admin.get('/apisix/admin/routes')).status).toBe(200);
      });
    });
  });
}
