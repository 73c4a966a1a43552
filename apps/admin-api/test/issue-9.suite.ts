/**
 * Issue 9: one authenticated request must never break the control plane. The Admin API runs in
 * this process (so a check of Object.prototype here sees what the server did) and is reached
 * over HTTP; run once on etcd and once on the embedded store.
 */
import type { ConfigStore } from '@tollgate/config-store';
import { createLogger } from '@tollgate/core';
import { AdminClient, httpRequest, type HttpReply } from '@tollgate/testkit';
import { startAdminServer, type RunningAdminServer } from '../src';
import { ADMIN_KEY, type SuiteStore } from './admin-api.suite';

const upstream = { type: 'roundrobin', nodes: { '127.0.0.1:1980': 1 } };
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];
const MARKER = 'polluted_marker';

/** The marker the attacks below try to plant, as any object in this process would see it. */
function pollution(): unknown {
  return ({} as Record<string, unknown>)[MARKER];
}

function expectJsonError(res: HttpReply, status: number, message?: string | RegExp): void {
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
    status,
    type: expect.stringMatching(/^application\/json/),
  });
  const body = res.json as { error_msg?: unknown };
  if (message === undefined) expect(typeof body.error_msg).toBe('string');
  else if (typeof message === 'string') expect(body).toEqual({ error_msg: message });
  else expect(body.error_msg).toMatch(message);
}

/** Registers the issue-9 cases under `describe(name)`. */
export function runIssue9Suite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`issue 9 on ${name}`, () => {
    let target: SuiteStore;
    let server: RunningAdminServer;
    let admin: AdminClient;
    let prefix: string;

    const start = async (store: ConfigStore) => {
      server = await startAdminServer({
        store,
        prefix,
        adminKeys: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
        host: '127.0.0.1',
        port: 0,
      });
      admin = new AdminClient(`http://127.0.0.1:${server.port}`, ADMIN_KEY);
    };

    beforeEach(async () => {
      target = await open();
      prefix = target.prefix;
      await start(target.store);
    });

    afterEach(async () => {
      // Should a case fail, do not let its pollution fail the next ones.
      delete (Object.prototype as Record<string, unknown>)[MARKER];
      await server.close();
      await target.cleanup();
    });

    // Resources only: the plugin list the server publishes at start is not one.
    const storedKeys = async () =>
      (await target.store.range(`${prefix}/`)).items
        .map((i) => i.key)
        .filter((key) => key !== `${prefix}/plugins`)
        .sort();

    describe('the PATCH reproduction', () => {
      it.each([
        ['__proto__', `/apisix/admin/routes/base/__proto__/${MARKER}`],
        ['constructor', `/apisix/admin/routes/base/constructor/prototype/${MARKER}`],
        ['__proto__', `/apisix/admin/routes/base/plugins/__proto__/${MARKER}`],
        ['__proto__', `/apisix/admin/routes/base/upstream/nodes/__proto__`],
      ])('a sub-path through %s is refused and pollutes nothing: %s', async (segment, path) => {
        const base = { uri: '/base', upstream };
        expect((await admin.put('/apisix/admin/routes/base', base)).status).toBe(201);
        const before = await target.store.get(`${prefix}/routes/base`);

        const res = await admin.request('PATCH', path, { raw: '"PWNED"' });
        expect(pollution()).toBeUndefined();
        expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain(MARKER);
        expectJsonError(res, 400, `invalid sub-path: forbidden key "${segment}"`);
        expect((await target.store.get(`${prefix}/routes/base`))?.modRevision).toBe(
          before?.modRevision,
        );

        // The process still accepts valid writes of every kind.
        const r2 = await admin.put('/apisix/admin/routes/r2', { uri: '/r2', upstream });
        expect(r2.status).toBe(201);
        const bob = await admin.put('/apisix/admin/consumers', { username: 'bob' });
        expect(bob.status).toBe(201);
        const patched = await admin.patch('/apisix/admin/routes/base/desc', 'fine');
        expect(patched.status).toBe(200);
      });

      it('a whole-object PATCH cannot smuggle a prototype key either', async () => {
        expect(
          (await admin.put('/apisix/admin/routes/base', { uri: '/base', upstream })).status,
        ).toBe(201);
        const res = await admin.request('PATCH', '/apisix/admin/routes/base', {
          raw: `{"plugins":{"__proto__":{"${MARKER}":"PWNED"}}}`,
        });
        expectJsonError(res, 400, 'invalid request body: forbidden key "__proto__"');
        expect(pollution()).toBeUndefined();
      });

      it.each(['__proto__', 'constructor', 'prototype'])(
        'the id %s is refused for every method and credential',
        async (id) => {
          for (const [method, path] of [
            ['PUT', `/apisix/admin/routes/${id}`],
            ['PATCH', `/apisix/admin/routes/${id}`],
            ['GET', `/apisix/admin/routes/${id}`],
            ['DELETE', `/apisix/admin/routes/${id}`],
            ['PUT', `/apisix/admin/consumers/${id}/credentials/c1`],
            ['PUT', `/apisix/admin/consumers/bob/credentials/${id}`],
          ] as const) {
            const res = await admin.request(method, path, { body: { uri: '/x', upstream } });
            expectJsonError(res, 400, /^invalid (route|consumer|credential) id: /);
          }
          expect(await storedKeys()).toEqual([]);
        },
      );
    });

    describe('item 1: prototype names as resource, schema and plugin names', () => {
      it.each(PROTOTYPE_NAMES)('%s', async (name) => {
        for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'PATCH']) {
          for (const path of [`/apisix/admin/${name}`, `/apisix/admin/${name}/x`]) {
            const res = await admin.request(method, path, { body: { uri: '/x', upstream } });
            expectJsonError(res, 404, `Unsupported resource type: ${name}`);
          }
        }
        const validate = await admin.post(`/apisix/admin/schema/validate/${name}`, { uri: '/x' });
        expectJsonError(validate, 400, `not found schema: ${name}`);
        expectJsonError(
          await admin.get(`/apisix/admin/schema/${name}`),
          400,
          `not found schema: ${name}`,
        );
        for (const path of [
          `/apisix/admin/plugins/${name}`,
          `/apisix/admin/schema/plugins/${name}`,
        ]) {
          expectJsonError(await admin.get(path), 404, 'plugin not found in subsystem http');
        }
        expect(await storedKeys()).toEqual([]);
      });

      it('a label filter named like a prototype member matches only real labels', async () => {
        const route = { uri: '/l', upstream, labels: { team: 'a' } };
        expect((await admin.put('/apisix/admin/routes/l', route)).status).toBe(201);
        for (const label of ['toString', 'constructor', '__proto__']) {
          const res = await admin.get(`/apisix/admin/routes?label=${label}`);
          expect(res.json).toEqual({ total: 0, list: [] });
        }
        expect((await admin.get('/apisix/admin/routes?label=team')).json).toMatchObject({
          total: 1,
        });
      });
    });

    describe('item 3: text that is not valid Unicode', () => {
      const routeBytes = (uri: Buffer) =>
        Buffer.concat([
          Buffer.from('{"uri":"/'),
          uri,
          Buffer.from('","upstream":{"nodes":{"127.0.0.1:1980":1}}}'),
        ]);

      it.each([
        ['a byte that never starts UTF-8', routeBytes(Buffer.from([0xff])), /invalid UTF-8$/],
        ['a truncated sequence', routeBytes(Buffer.from([0xc3])), /invalid UTF-8$/],
        ['a surrogate encoded as UTF-8', routeBytes(Buffer.from([0xed, 0xa0, 0x80])), /UTF-8/],
        ['an escaped lone high surrogate', routeBytes(Buffer.from('\\ud800')), /lone surrogate/],
        ['an escaped lone low surrogate', routeBytes(Buffer.from('x\\udc00y')), /lone surrogate/],
        [
          'reversed escaped surrogates',
          routeBytes(Buffer.from('\\udc00\\ud800')),
          /lone surrogate/,
        ],
        [
          'a lone surrogate in a key',
          Buffer.from('{"uri":"/a","labels":{"\\ud800":"x"},"upstream":{"nodes":{"a:1":1}}}'),
          /lone surrogate/,
        ],
      ])('%s is refused, nothing stored', async (_label, raw, message) => {
        const res = await admin.request('PUT', '/apisix/admin/routes/u', { raw });
        expectJsonError(res, 400, message);
        expect((res.json as { error_msg: string }).error_msg).toMatch(/^invalid request body: /);
        expect(await storedKeys()).toEqual([]);
      });

      it.each([
        ['arrays', `{"uri":"/d","desc":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
        ['objects', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
      ])('a body nested 100,000 deep in %s is refused before parsing', async (_label, text) => {
        const res = await admin.request('PUT', '/apisix/admin/routes/u', {
          raw: Buffer.from(text),
        });
        expectJsonError(res, 400, /^invalid request body: too many nested arrays or objects/);
        expect(await storedKeys()).toEqual([]);
      });

      it('a surrogate pair (an emoji) is text like any other', async () => {
        const res = await admin.request('PUT', '/apisix/admin/routes/u', {
          raw: routeBytes(Buffer.from('\\ud83d\\ude00')),
        });
        expect(res.status).toBe(201);
        expect((res.json as { value: { uri: string } }).value.uri).toBe('/\u{1F600}');
      });

      it.each([
        ['invalid percent-encoded UTF-8', '/apisix/admin/routes/a%FFb'],
        ['a percent-encoded surrogate', '/apisix/admin/routes/a%ED%A0%80'],
        ['a percent-encoded surrogate as sub-path', '/apisix/admin/routes/a/desc%ED%B0%80'],
      ])('an id with %s is refused', async (_label, path) => {
        const res = await admin.put(path, { uri: '/x', upstream });
        expectJsonError(res, 400, 'invalid URI: malformed percent-encoding');
        expect(await storedKeys()).toEqual([]);
      });
    });

    describe('item 4: ttl', () => {
      it.each([
        ['-1', 'invalid argument ttl: should be a positive integer'],
        ['0', 'invalid argument ttl: should be a positive integer'],
        ['1.5', 'invalid argument ttl: should be a positive integer'],
        ['-0.5', 'invalid argument ttl: should be a positive integer'],
        ['abc', 'invalid argument ttl: should be a number'],
        ['', 'invalid argument ttl: should be a number'],
        ['Infinity', 'invalid argument ttl: should be a number'],
        ['9000000001', 'invalid argument ttl: should be at most 9000000000'],
      ])('ttl=%s is refused', async (ttl, message) => {
        for (const [method, path] of [
          ['PUT', '/apisix/admin/routes/t'],
          ['POST', '/apisix/admin/routes'],
        ] as const) {
          const res = await admin.request(method, `${path}?ttl=${ttl}`, {
            body: { uri: '/t', upstream },
          });
          expectJsonError(res, 400, message);
        }
        expect(await storedKeys()).toEqual([]);
      });

      it('a positive integer ttl is accepted', async () => {
        const res = await admin.put('/apisix/admin/routes/t?ttl=60', { uri: '/t', upstream });
        expect(res.status).toBe(201);
        expect(await storedKeys()).toEqual([`${prefix}/routes/t`]);
      });
    });

    describe('item 5: every Admin API error body is JSON', () => {
      it('paging out of range', async () => {
        const res = await admin.get('/apisix/admin/routes?page_size=100000000&page=-1');
        expectJsonError(res, 400, 'page_size must be between 10 and 500');
        expect(res.text.endsWith('}\n')).toBe(true);
      });

      it.each([
        ['GET', '/apisix/admin/routes?page_size=5', 400],
        ['GET', '/apisix/admin/routes?page_size=abc', 400],
        ['GET', '/apisix/admin/plugins/list?subsystem=nope', 400],
        ['GET', '/apisix/admin/plugins/reload', 405],
        ['GET', '/apisix/admin/plugins', 400],
        ['POST', '/apisix/admin/consumers', 405],
        ['OPTIONS', '/apisix/admin/routes', 404],
        ['GET', '/apisix/admin/schema/validate/routes', 404],
        ['GET', '/apisix/admin', 404],
        ['GET', '/elsewhere', 404],
        ['PUT', '/apisix/admin/routes/r?ttl=x', 400],
      ])('%s %s', async (method, path, status) => {
        expectJsonError(await admin.request(method, path), status);
      });
    });

    describe('fuzz finding: a key that cannot be decoded', () => {
      const wrongKey = { error_msg: 'failed to check token', description: 'wrong apikey' };

      it.each([
        ['a cookie with bad percent-encoding', { Cookie: 'x_api_key=%zz' }, ''],
        ['a cookie with truncated UTF-8', { Cookie: 'a=1; x_api_key=%E0%A4%A' }, ''],
        [
          'a cookie that decodes to the key',
          { Cookie: `x_api_key=${encodeURI(ADMIN_KEY)}%41` },
          '',
        ],
        ['an api_key argument with bad percent-encoding', {}, '?api_key=%zz'],
        ['a repeated api_key argument', {}, `?api_key=%zz&api_key=${ADMIN_KEY}`],
      ])('%s is a wrong key: 401, nothing written', async (_label, headers, query) => {
        for (const method of ['GET', 'PUT', 'DELETE']) {
          const res = await httpRequest(
            method,
            `http://127.0.0.1:${server.port}/apisix/admin/routes/c${query}`,
            { headers, body: { uri: '/c', upstream } },
          );
          expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
            status: 401,
            type: expect.stringMatching(/^application\/json/),
          });
          expect(res.json).toEqual(wrongKey);
        }
        expect(await storedKeys()).toEqual([]);
      });

      it('the cookie is compared as sent, as nginx gives $cookie_x_api_key to APISIX', async () => {
        const res = await httpRequest(
          'GET',
          `http://127.0.0.1:${server.port}/apisix/admin/routes`,
          {
            headers: { Cookie: `theme=dark; x_api_key=${ADMIN_KEY}` },
          },
        );
        expect(res.status).toBe(200);
      });
    });

    describe('fuzz finding: a value too large for the store', () => {
      // The request-body limit (APISIX's 1.5 MiB) and etcd's default --max-request-bytes.
      const BODY_LIMIT = 1.5 * 1024 * 1024;
      /** A valid route whose JSON text is exactly `bytes` long: one long entry in `uris`. */
      const routeOfSize = (bytes: number): string => {
        const shell = JSON.stringify({ uris: ['/'], upstream }).length;
        return JSON.stringify({ uris: [`/${'a'.repeat(bytes - shell)}`], upstream });
      };
      const tooLarge =
        /^invalid request body: stored item would be \d+ bytes with its key, more than the 1568768 the config store accepts$/;

      it.each([
        ['PUT', '/apisix/admin/routes/big'],
        ['POST', '/apisix/admin/routes'],
      ])('%s of a body just under the body limit: 400, nothing written', async (method, path) => {
        // A first POST creates the id counter, so that its revision can be compared.
        const first = await admin.post('/apisix/admin/routes', { uri: '/first', upstream });
        expect(first.status).toBe(201);
        const genId = `${prefix}/gen_id`;
        const counter = await target.store.get(genId);
        expect(counter).toBeDefined();
        const before = await storedKeys();

        const raw = routeOfSize(1_572_800);
        expect(Buffer.byteLength(raw)).toBeLessThan(BODY_LIMIT);
        const res = await admin.request(method, path, { raw });
        expectJsonError(res, 400, tooLarge);
        expect(await storedKeys()).toEqual(before);
        expect((await target.store.get(genId))?.modRevision).toBe(counter?.modRevision);

        const next = await admin.put('/apisix/admin/routes/next', { uri: '/next', upstream });
        expect(next.status).toBe(201);
      });

      it('a PATCH that grows a value past the limit: 400, the value unchanged', async () => {
        expect(
          (await admin.request('PUT', '/apisix/admin/routes/p', { raw: routeOfSize(1_000_000) }))
            .status,
        ).toBe(201);
        const before = await target.store.get(`${prefix}/routes/p`);
        const res = await admin.patch('/apisix/admin/routes/p', {
          labels: { [`k${'b'.repeat(600_000)}`]: 'v' },
        });
        expectJsonError(res, 400, tooLarge);
        expect((await target.store.get(`${prefix}/routes/p`))?.modRevision).toBe(
          before?.modRevision,
        );
      });

      it('the largest route the limit allows is stored and read back', async () => {
        // 4 KiB under the body limit leaves room for the key, the id and the timestamps.
        const raw = routeOfSize(BODY_LIMIT - 4 * 1024 - 200);
        const res = await admin.request('PUT', '/apisix/admin/routes/edge', { raw });
        expect(res.status).toBe(201);
        const read = await admin.get('/apisix/admin/routes/edge');
        expect((read.json as { value: { uris: string[] } }).value.uris).toEqual(
          (JSON.parse(raw) as { uris: string[] }).uris,
        );
      });

      it('the store itself refuses such a value as bad input, not as an outage', async () => {
        const key = `${prefix}/routes/direct`;
        for (const write of [
          () => target.store.put(key, 'x'.repeat(BODY_LIMIT)),
          () => target.store.putIfUnchanged(key, 'x'.repeat(BODY_LIMIT), 0),
        ]) {
          await expect(write()).rejects.toMatchObject({
            code: 'TOLLGATE_ERR_STORE_VALUE_TOO_LARGE',
            status: 400,
          });
        }
        expect(await target.store.get(key)).toBeUndefined();
      });
    });

    describe('fuzz finding: list filters run in linear time', () => {
      const THIRTY = Array.from({ length: 30 }, (_, i) => i);
      /** 30 routes: uri `/` + 37 × `a` + two digits (40 characters), name the same less `/`. */
      const storeThirty = async () => {
        for (const i of THIRTY) {
          const uri = `/${'a'.repeat(37)}${String(i).padStart(2, '0')}`;
          const res = await admin.put(`/apisix/admin/routes/r${i}`, {
            uri,
            name: uri.slice(1),
            upstream,
          });
          expect(res.status).toBe(201);
        }
      };

      it.each([
        // V8's backtracking engine takes about 2^n steps on each 40-character subject.
        ['uri', '^/(a%2B)%2Bb$'],
        ['uri', '(a|aa)*c$'],
        ['name', '^(a%2B)%2B$'],
        ['name', '(.*a){12}x'],
      ])('?%s=%s over 30 stored routes answers within a second', async (field, pattern) => {
        await storeThirty();
        const started = performance.now();
        const res = await admin.get(`/apisix/admin/routes?${field}=${pattern}`);
        const elapsed = performance.now() - started;
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ total: 0, list: [] });
        expect(elapsed).toBeLessThan(1000);
      });

      it('the filters still search as APISIX does (unanchored, case-sensitive)', async () => {
        await storeThirty();
        const total = async (query: string) =>
          ((await admin.get(`/apisix/admin/routes?${query}`)).json as { total: number }).total;
        expect(await total('uri=05')).toBe(1);
        expect(await total('uri=^/a{37}0[0-4]$')).toBe(5);
        expect(await total('uri=A05')).toBe(0);
        expect(await total('uri=(?i)A05')).toBe(1);
        expect(await total('name=^a%2B1')).toBe(10);
        expect(await total('name=^a%2B[12]&uri=9$')).toBe(2);
        expect(await total('name=^/')).toBe(0);
      });

      it.each([
        ['a backreference', 'uri', '(a)\\1', /^invalid regex for uri: .*invalid escape sequence/],
        ['a lookahead', 'uri', 'a(%3F=b)', /^invalid regex for uri: .*Perl syntax/],
        [
          'a pattern that does not compile',
          'name',
          '(abc',
          /^invalid regex for name: .*missing closing \)/,
        ],
        [
          'a pattern over 256 characters',
          'uri',
          'a'.repeat(257),
          'invalid regex for uri: longer than 256 characters',
        ],
        [
          'nested counted repetitions',
          'uri',
          '((a{1,10}){10}){10}',
          'invalid regex for uri: repeats too much (over 256 when expanded)',
        ],
      ])('%s is refused with 400', async (_label, field, pattern, message) => {
        const res = await admin.get(`/apisix/admin/routes?${field}=${pattern}`);
        expectJsonError(res, 400, message);
      });
    });

    describe('a fault (not bad input) is a logged 500', () => {
      it('names the error in the log and answers JSON', async () => {
        await server.close();
        const broken = new Proxy(target.store, {
          get(store, property, receiver) {
            if (property === 'get') return () => Promise.reject(new Error('disk on fire'));
            return Reflect.get(store, property, receiver) as unknown;
          },
        });
        const logged: unknown[] = [];
        const logger = createLogger('admin-api-test');
        jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => {
          logged.push(args);
          return logger;
        });
        server = await startAdminServer({
          store: broken,
          prefix,
          adminKeys: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          host: '127.0.0.1',
          port: 0,
          logger,
        });
        const res = await httpRequest(
          'GET',
          `http://127.0.0.1:${server.port}/apisix/admin/routes/x`,
          { headers: { 'X-API-KEY': ADMIN_KEY } },
        );
        expectJsonError(res, 500, 'internal error');
        expect(logged).toEqual([
          ['admin request crashed', expect.objectContaining({ err: new Error('disk on fire') })],
        ]);
      });
    });
  });
}
