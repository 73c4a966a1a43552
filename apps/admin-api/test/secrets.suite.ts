/**
 * `/apisix/admin/secrets/<manager>/<id>`: APISIX 3.18's t/admin/secrets.t cases and the refusals
 * of admin/secrets.lua, over HTTP to a real listener, run on etcd and on the embedded store.
 */
import type { AdminClient } from '@tollgate/testkit';
import type { SuiteStore } from './admin-api.suite';
import { useAdminHarness } from './admin-harness';

const VAULT = { uri: 'http://127.0.0.1:12800/get', prefix: 'apisix', token: 'apisix' };
const AWS = {
  access_key_id: 'access',
  secret_access_key: 'secret',
  endpoint_url: 'http://127.0.0.1:4566',
};
const GCP = {
  auth_config: {
    client_email: 'svc@example.iam.gserviceaccount.com',
    private_key: 'pem',
    project_id: 'p1',
    token_uri: 'http://127.0.0.1:1980/token',
  },
};

interface Stored {
  key: string;
  value: Record<string, unknown>;
}

export function runSecretsSuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`Admin API secrets on ${name}`, () => {
    const harness = useAdminHarness(open);
    let admin: AdminClient;
    let prefix: string;

    beforeEach(() => {
      ({ admin } = harness());
      prefix = harness().target.prefix;
    });

    const storedKeys = () => harness().stored('secrets');
    const storedValue = async (key: string) => {
      const item = await harness().target.store.get(key);
      return item ? (JSON.parse(item.value) as Record<string, unknown>) : undefined;
    };
    it('TEST 1-2: PUT stores under secrets/vault/<id> with id "vault/<id>" and timestamps; GET reads it', async () => {
      const put = await admin.put('/apisix/admin/secrets/vault/test1', VAULT);
      expect(put.status).toBe(201);
      const body = put.json as Stored;
      expect(body.key).toBe(`${prefix}/secrets/vault/test1`);
      expect(body.value).toMatchObject({ ...VAULT, id: 'vault/test1' });
      const stored = await storedValue(`${prefix}/secrets/vault/test1`);
      expect(stored).toMatchObject({ ...VAULT, id: 'vault/test1' });
      expect(typeof stored?.create_time).toBe('number');
      expect(typeof stored?.update_time).toBe('number');

      const again = await admin.put('/apisix/admin/secrets/vault/test1', VAULT);
      expect(again.status).toBe(200);

      const get = await admin.get('/apisix/admin/secrets/vault/test1');
      expect(get.status).toBe(200);
      expect(get.json).toMatchObject({ key: `${prefix}/secrets/vault/test1`, value: VAULT });
    });

    it('TEST 3: GET /secrets lists every manager; /secrets/<manager> answers the same list', async () => {
      await admin.put('/apisix/admin/secrets/vault/test1', VAULT);
      await admin.put('/apisix/admin/secrets/aws/a1', AWS);
      await admin.put('/apisix/admin/secrets/gcp/g1', GCP);
      const all = await admin.get('/apisix/admin/secrets');
      expect(all.status).toBe(200);
      const list = all.json as { total: number; list: Stored[] };
      expect(list.total).toBe(3);
      expect(list.list.map((e) => e.key).sort()).toEqual([
        `${prefix}/secrets/aws/a1`,
        `${prefix}/secrets/gcp/g1`,
        `${prefix}/secrets/vault/test1`,
      ]);
      expect(list.list.find((e) => e.key.endsWith('/aws/a1'))?.value).toMatchObject({
        ...AWS,
        id: 'aws/a1',
      });
      const byManager = await admin.get('/apisix/admin/secrets/vault');
      expect((byManager.json as { total: number }).total).toBe(3);
      const paged = await admin.get('/apisix/admin/secrets?page=1&page_size=10');
      expect((paged.json as { list: unknown[] }).list).toHaveLength(3);
      const empty = await admin.get('/apisix/admin/secrets/vault/none');
      expect(empty.status).toBe(404);
    });

    it('TEST 4: PATCH a sub-path (`/secrets/vault/test1/token`) replaces that field', async () => {
      await admin.put('/apisix/admin/secrets/vault/test1', VAULT);
      const res = await admin.patch('/apisix/admin/secrets/vault/test1/token', 'unknown');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ value: { ...VAULT, token: 'unknown', id: 'vault/test1' } });
      expect((await storedValue(`${prefix}/secrets/vault/test1`))?.token).toBe('unknown');
    });

    it('TEST 5: PATCH the whole value merges it', async () => {
      await admin.put('/apisix/admin/secrets/vault/test1', { ...VAULT, token: 'old' });
      const res = await admin.patch('/apisix/admin/secrets/vault/test1', VAULT);
      expect(res.status).toBe(200);
      expect((await storedValue(`${prefix}/secrets/vault/test1`))?.token).toBe('apisix');
    });

    it('TEST 6: DELETE removes it', async () => {
      await admin.put('/apisix/admin/secrets/vault/test1', VAULT);
      const res = await admin.delete('/apisix/admin/secrets/vault/test1');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ deleted: '1', key: `${prefix}/secrets/vault/test1` });
      expect(await storedKeys()).toEqual([]);
      expect((await admin.delete('/apisix/admin/secrets/vault/test1')).status).toBe(404);
    });

    it('TEST 7: a uri without a scheme is 400 `failed to match pattern`, nothing written', async () => {
      const res = await admin.put('/apisix/admin/secrets/vault/test1', { ...VAULT, uri: '/get' });
      expect(res.status).toBe(400);
      expect((res.json as { error_msg: string }).error_msg).toMatch(
        /^invalid configuration: property "uri" validation failed: failed to match pattern/,
      );
      expect(await storedKeys()).toEqual([]);
    });

    it.each([
      [
        'an unknown manager',
        '/apisix/admin/secrets/consul/1',
        VAULT,
        'invalid secret manager: consul',
      ],
      [
        'vault without token',
        '/apisix/admin/secrets/vault/1',
        { uri: VAULT.uri, prefix: 'p' },
        'invalid configuration: property "token" is required',
      ],
      [
        'aws without secret_access_key',
        '/apisix/admin/secrets/aws/1',
        { access_key_id: 'a' },
        'invalid configuration: property "secret_access_key" is required',
      ],
      [
        'gcp with neither auth_config nor auth_file',
        '/apisix/admin/secrets/gcp/1',
        { ssl_verify: true },
        'invalid configuration: value should match only one schema, but matches none',
      ],
      [
        'a body id that is not <manager>/<id>',
        '/apisix/admin/secrets/vault/1',
        { ...VAULT, id: '1' },
        'wrong secret id',
      ],
      [
        'a secret id that is no safe key segment',
        '/apisix/admin/secrets/vault/bad%20id',
        VAULT,
        'invalid secret id: "bad id"',
      ],
      [
        'a manager that is no safe key segment',
        '/apisix/admin/secrets/bad%20manager/1',
        VAULT,
        'invalid secret id: "bad manager"',
      ],
    ])('bad input: %s → 400, nothing written', async (_what, path, body, message) => {
      const res = await admin.put(path, body);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error_msg: message });
      expect(await storedKeys()).toEqual([]);
    });

    it('POST is 405, PUT without an id is 400, PATCH of an unknown manager writes nothing', async () => {
      const post = await admin.post('/apisix/admin/secrets/vault', VAULT);
      expect(post.status).toBe(405);
      expect(post.json).toEqual({ error_msg: 'not supported `POST` method for secret' });
      const noId = await admin.put('/apisix/admin/secrets/vault', VAULT);
      expect(noId.status).toBe(400);
      expect(noId.json).toEqual({ error_msg: 'missing secret id' });
      expect((await admin.patch('/apisix/admin/secrets/consul/1', { token: 'x' })).status).toBe(
        404,
      );
      expect(await storedKeys()).toEqual([]);
    });

    it('a PATCH that breaks the schema is refused and the stored value is kept', async () => {
      await admin.put('/apisix/admin/secrets/vault/test1', VAULT);
      const res = await admin.patch('/apisix/admin/secrets/vault/test1/uri', 'nope');
      expect(res.status).toBe(400);
      expect((await storedValue(`${prefix}/secrets/vault/test1`))?.uri).toBe(VAULT.uri);
    });
  });
}
