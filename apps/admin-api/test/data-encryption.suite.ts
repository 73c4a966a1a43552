/**
 * `apisix.data_encryption` through the Admin API: APISIX 3.18's t/node/data_encrypt.t admin
 * cases (ciphertexts computed by APISIX for keyring `edd1c9f0985e76a2`), plus rotation, PATCH,
 * credentials, ai-proxy-multi instances and private keys, over HTTP to a real listener.
 */
import { createDecipheriv } from 'node:crypto';
import { createLogger } from '@tollgate/core';
import { AdminClient, makeCa, makeCert } from '@tollgate/testkit';
import type { DataEncryptionSettings } from '@tollgate/schema';
import { startAdminServer, type RunningAdminServer } from '../src';
import type { SuiteStore } from './admin-api.suite';

const ADMIN_KEY = 'test-admin-key-0123456789abcdef';
const KEY = 'edd1c9f0985e76a2';
const NEW_KEY = 'qeddd145sfvddff3';

/** APISIX's cipher, written out here so the test does not trust the code it checks. */
function apisixDecrypt(stored: string, key = KEY): string {
  const k = Buffer.from(key);
  const d = createDecipheriv('aes-128-cbc', k, k);
  return Buffer.concat([d.update(Buffer.from(stored, 'base64')), d.final()]).toString();
}

type Json = Record<string, any>;

export function runDataEncryptionSuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`Admin API data encryption on ${name}`, () => {
    let target: SuiteStore;
    let server: RunningAdminServer | undefined;
    let admin: AdminClient;
    const warnings: string[] = [];

    const logger = createLogger('admin-api-test');
    jest.spyOn(logger, 'warn').mockImplementation(((msg: string, meta?: unknown) => {
      warnings.push(`${msg} ${JSON.stringify(meta)}`);
      return logger;
    }) as never);

    async function start(dataEncryption?: DataEncryptionSettings): Promise<void> {
      await server?.close();
      server = await startAdminServer({
        store: target.store,
        prefix: target.prefix,
        adminKeys: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
        host: '127.0.0.1',
        port: 0,
        dataEncryption,
        logger,
      });
      admin = new AdminClient(`http://127.0.0.1:${server.port}`, ADMIN_KEY);
    }

    const raw = async (key: string): Promise<Json> => {
      const item = await target.store.get(`${target.prefix}/${key}`);
      return JSON.parse(item?.value ?? 'null') as Json;
    };
    const putRaw = (key: string, value: unknown) =>
      target.store.put(`${target.prefix}/${key}`, JSON.stringify(value));

    beforeEach(async () => {
      warnings.length = 0;
      target = await open();
      await start({ enableEncryptFields: true, keyring: [KEY] });
    });

    afterEach(async () => {
      await server?.close();
      server = undefined;
      await target.cleanup();
    });

    it('TEST 1: stores basic-auth password encrypted, GET shows it decrypted', async () => {
      const put = await admin.put('/apisix/admin/consumers', {
        username: 'foo',
        plugins: { 'basic-auth': { username: 'foo', password: 'bar' } },
      });
      expect(put.status).toBe(201);
      // The PUT answer shows what was stored, as APISIX's does.
      expect((put.json as Json).value.plugins['basic-auth'].password).toBe(
        '77+NmbYqNfN+oLm0aX5akg==',
      );
      const get = await admin.get('/apisix/admin/consumers/foo');
      expect((get.json as Json).value.plugins['basic-auth'].password).toBe('bar');
      expect((await raw('consumers/foo')).plugins['basic-auth'].password).toBe(
        '77+NmbYqNfN+oLm0aX5akg==',
      );
    });

    it('TEST 7: enable_encrypt_fields false stores plain text', async () => {
      await start({ enableEncryptFields: false, keyring: [KEY] });
      await admin.put('/apisix/admin/consumers', {
        username: 'foo',
        plugins: { 'basic-auth': { username: 'foo', password: 'bar' } },
      });
      expect((await raw('consumers/foo')).plugins['basic-auth'].password).toBe('bar');
    });

    it('TEST 8/9: plain and APISIX-encrypted values stored side by side both read', async () => {
      await putRaw('consumers/foo2', {
        username: 'foo2',
        plugins: {
          'basic-auth': { username: 'foo2', password: 'bar' },
          'key-auth': { key: 'vU/ZHVJw7b0XscDJ1Fhtig==' },
        },
      });
      const get = await admin.get('/apisix/admin/consumers/foo2');
      expect(get.status).toBe(200);
      const plugins = (get.json as Json).value.plugins;
      expect(plugins['basic-auth'].password).toBe('bar');
      expect(plugins['key-auth'].key).toBe('auth-two');
      expect(warnings.join('\n')).toContain('plugin [basic-auth] key [password]');
      expect(warnings.join('\n')).not.toContain('"bar"');
      const stored = await raw('consumers/foo2');
      expect(stored.plugins['key-auth'].key).toBe('vU/ZHVJw7b0XscDJ1Fhtig==');
    });

    it('TEST 13: a list shows every consumer decrypted', async () => {
      for (const [username, password] of [
        ['foo', 'bar'],
        ['test', 'test'],
      ]) {
        await admin.put('/apisix/admin/consumers', {
          username,
          plugins: { 'basic-auth': { username, password } },
        });
      }
      const list = await admin.get('/apisix/admin/consumers');
      const passwords = (list.json as Json).list.map(
        (e: Json) => e.value.plugins['basic-auth'].password,
      );
      expect(passwords).toEqual(['bar', 'test']);
    });

    it('rotation: values written with the old key still read, new ones use the first key', async () => {
      await admin.put('/apisix/admin/consumers', {
        username: 'jack',
        plugins: { 'key-auth': { key: 'auth-one' } },
      });
      await start({ enableEncryptFields: true, keyring: [NEW_KEY, KEY] });
      const get = await admin.get('/apisix/admin/consumers/jack');
      expect((get.json as Json).value.plugins['key-auth'].key).toBe('auth-one');
      // The same key on another consumer is still a duplicate, whatever key encrypted it.
      const dup = await admin.put('/apisix/admin/consumers', {
        username: 'rose',
        plugins: { 'key-auth': { key: 'auth-one' } },
      });
      expect(dup.status).toBe(400);
      expect(dup.json).toEqual({
        error_msg: 'duplicate key of plugin key-auth found with consumer: jack',
      });
      await admin.put('/apisix/admin/consumers', {
        username: 'rose',
        plugins: { 'key-auth': { key: 'auth-rose' } },
      });
      const stored = (await raw('consumers/rose')).plugins['key-auth'].key as string;
      expect(stored).toBe('beOt0BHea1ZYWcFiks1pmg==');
      expect(apisixDecrypt(stored, NEW_KEY)).toBe('auth-rose');
    });

    it('credentials: key-auth key stored encrypted, shown decrypted', async () => {
      await admin.put('/apisix/admin/consumers', { username: 'jack' });
      const put = await admin.put('/apisix/admin/consumers/jack/credentials/c1', {
        plugins: { 'key-auth': { key: 'auth-one' } },
      });
      expect(put.status).toBe(201);
      const stored = (await raw('consumers/jack/credentials/c1')).plugins['key-auth'].key as string;
      expect(apisixDecrypt(stored)).toBe('auth-one');
      const get = await admin.get('/apisix/admin/consumers/jack/credentials/c1');
      expect((get.json as Json).value.plugins['key-auth'].key).toBe('auth-one');
      const list = await admin.get('/apisix/admin/consumers/jack/credentials');
      expect((list.json as Json).list[0].value.plugins['key-auth'].key).toBe('auth-one');
    });

    it('PATCH merges onto the decrypted value and encrypts once', async () => {
      await admin.put('/apisix/admin/routes/1', {
        uri: '/hello',
        plugins: { 'http-logger': { uri: 'http://127.0.0.1:1980/log', auth_header: 'Basic abc' } },
        upstream: { nodes: { '127.0.0.1:1980': 1 }, type: 'roundrobin' },
      });
      const merged = await admin.patch('/apisix/admin/routes/1', { name: 'r1' });
      expect(merged.status).toBe(200);
      expect(apisixDecrypt((await raw('routes/1')).plugins['http-logger'].auth_header)).toBe(
        'Basic abc',
      );
      const sub = await admin.patch(
        '/apisix/admin/routes/1/plugins/http-logger/auth_header',
        'Bearer xyz',
      );
      expect(sub.status).toBe(200);
      const stored = (await raw('routes/1')).plugins['http-logger'].auth_header as string;
      expect((sub.json as Json).value.plugins['http-logger'].auth_header).toBe(stored);
      expect(apisixDecrypt(stored)).toBe('Bearer xyz');
      const get = await admin.get('/apisix/admin/routes/1');
      expect((get.json as Json).value.plugins['http-logger'].auth_header).toBe('Bearer xyz');
    });

    it('ai-proxy-multi: each instance auth header and query value is encrypted', async () => {
      const put = await admin.put('/apisix/admin/routes/ai', {
        uri: '/v1/chat/completions',
        plugins: {
          'ai-proxy-multi': {
            instances: [
              {
                name: 'a',
                provider: 'openai',
                weight: 1,
                auth: { header: { Authorization: 'Bearer sk-a' }, query: { key: 'q-a' } },
              },
              {
                name: 'b',
                provider: 'openai',
                weight: 1,
                auth: { header: { 'x-api-key': 'sk-b' } },
              },
            ],
          },
        },
      });
      expect(put.status).toBe(201);
      const [a, b] = (await raw('routes/ai')).plugins['ai-proxy-multi'].instances as Json[];
      expect(apisixDecrypt(a?.auth.header.Authorization)).toBe('Bearer sk-a');
      expect(apisixDecrypt(a?.auth.query.key)).toBe('q-a');
      expect(apisixDecrypt(b?.auth.header['x-api-key'])).toBe('sk-b');
      const get = await admin.get('/apisix/admin/routes/ai');
      expect(JSON.stringify(get.json)).toContain('Bearer sk-a');
    });

    it('ssl private keys and upstream client keys are stored encrypted', async () => {
      const pair = makeCert(makeCa(), { cn: 'enc.test' });
      const put = await admin.put('/apisix/admin/ssls/1', {
        cert: pair.cert,
        key: pair.key,
        snis: ['enc.test'],
      });
      expect(put.status).toBe(201);
      const stored = await raw('ssls/1');
      expect(stored.key).not.toContain('PRIVATE KEY');
      expect(apisixDecrypt(stored.key)).toBe(pair.key);
      const get = await admin.get('/apisix/admin/ssls/1');
      expect((get.json as Json).value.key).toBeUndefined();
      // A PATCH re-checks the decrypted key against the certificate and keeps it encrypted.
      const patch = await admin.patch('/apisix/admin/ssls/1', { snis: ['enc.test', 'b.test'] });
      expect(patch.status).toBe(200);
      expect((await raw('ssls/1')).key).toBe(stored.key);

      const client = makeCert(makeCa(), { cn: 'client', client: true });
      const up = await admin.put('/apisix/admin/upstreams/1', {
        nodes: { '127.0.0.1:1980': 1 },
        type: 'roundrobin',
        scheme: 'https',
        tls: { client_cert: client.cert, client_key: client.key },
      });
      expect(up.status).toBe(201);
      expect(apisixDecrypt((await raw('upstreams/1')).tls.client_key)).toBe(client.key);
    });
  });
}
