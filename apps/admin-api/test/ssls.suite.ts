/**
 * `/apisix/admin/ssls` and the upstream `tls` references to it, as APISIX 3.18 answers them
 * (t/admin/ssl*.t, t/admin/ssls.t, t/admin/upstream*.t `tls.client_cert_id`), over HTTP to a
 * real listener on a real store. Every refusal is checked to have written nothing.
 */
import { makeCa, makeCert, type AdminClient, type CertPair } from '@tollgate/testkit';
import type { SuiteStore } from './admin-api.suite';
import { useAdminHarness } from './admin-harness';

const BAD_CERT = `-----BEGIN CERTIFICATE-----\n${'MIIEojCCAwqgAwIBAgIJAK253pMhgCkx'.repeat(4)}\n-----END CERTIFICATE-----\n`;
const BAD_KEY = `-----BEGIN RSA PRIVATE KEY-----\n${'MIIG5AIBAAKCAYEAyCM0rqJecvgnCfOw'.repeat(4)}\n-----END RSA PRIVATE KEY-----\n`;

interface Certs {
  ca: CertPair;
  site: CertPair;
  ecSite: CertPair;
  other: CertPair;
  client: CertPair;
}

/** Registers the ssls cases under `describe(name)`. */
export function runSslsSuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`ssls on ${name}`, () => {
    let certs: Certs;
    const harness = useAdminHarness(open);
    let target: SuiteStore;
    let admin: AdminClient;
    let stored: (dir: string) => Promise<string[]>;

    beforeAll(() => {
      const ca = makeCa('ssls suite CA');
      certs = {
        ca,
        site: makeCert(ca, { cn: 'test.com', sans: ['test.com', '*.foo.com'] }),
        ecSite: makeCert(ca, { cn: 'test.com', keyType: 'ec' }),
        other: makeCert(ca, { cn: 'other.com' }),
        client: makeCert(ca, { cn: 'gateway', client: true }),
      };
    });

    beforeEach(() => {
      ({ target, admin, stored } = harness());
    });

    const site = () => ({ cert: certs.site.cert, key: certs.site.key });

    /** PUT that must be refused with `message`, leaving the ssls directory as it was. */
    async function refused(path: string, body: unknown, message: string, dir = 'ssls') {
      const before = await stored(dir);
      const res = await admin.put(path, body);
      expect({ status: res.status, body: res.json }).toEqual({
        status: 400,
        body: { error_msg: message },
      });
      expect(await stored(dir)).toEqual(before);
    }

    it('PUT stores the certificate with id and timestamps; GET one leaves the key out', async () => {
      const res = await admin.put('/apisix/admin/ssls/1', { ...site(), sni: 'test.com' });
      expect(res.status).toBe(201);
      const body = res.json as { key: string; value: Record<string, unknown> };
      expect(body.key).toBe(`${target.prefix}/ssls/1`);
      expect(body.value).toMatchObject({ cert: certs.site.cert, sni: 'test.com', id: '1' });
      // The key is answered as stored (encrypted when data_encryption is on, as APISIX).
      const storedValue = JSON.parse(
        (await target.store.get(`${target.prefix}/ssls/1`))?.value ?? '{}',
      ) as { key?: string };
      expect(body.value.key).toBe(storedValue.key);
      expect(body.value.create_time).toEqual(expect.any(Number));
      // Defaults (type server, status 1) are not persisted (APISIX ≥ 3.14).
      expect(body.value).not.toHaveProperty('type');
      expect(body.value).not.toHaveProperty('status');

      const got = (await admin.get('/apisix/admin/ssls/1')).json as { value: object };
      expect(got.value).toMatchObject({ cert: certs.site.cert, sni: 'test.com', id: '1' });
      expect(got.value).not.toHaveProperty('key');
      // The list keeps each item as stored (APISIX strips the key of a single GET only).
      const list = (await admin.get('/apisix/admin/ssls')).json as {
        total: number;
        list: { value: { key?: string } }[];
      };
      expect(list.total).toBe(1);
      expect(list.list[0]?.value.key).toBe(storedValue.key);
    });

    it('wildcard snis, an ECDSA pair in certs/keys, a string id, POST with a generated id', async () => {
      const put = await admin.put('/apisix/admin/ssls/a-b-c-ABC_0123', {
        ...site(),
        snis: ['*.foo.com', 'test.com'],
        certs: [certs.ecSite.cert],
        keys: [certs.ecSite.key],
        ssl_protocols: ['TLSv1.2', 'TLSv1.3'],
        labels: { env: 'production' },
      });
      expect(put.status).toBe(201);
      const post = await admin.post('/apisix/admin/ssls', { ...site(), sni: 'test.com' });
      expect(post.status).toBe(201);
      const id = (post.json as { value: { id: string } }).value.id;
      expect(id).toMatch(/^\d{20}$/);
      expect(await stored('ssls')).toHaveLength(2);
    });

    it('bad PEM, a key that is not the certificate one and bad pairs are refused with APISIX texts', async () => {
      await refused(
        '/apisix/admin/ssls/1',
        { cert: BAD_CERT, key: certs.site.key, sni: 'test.com' },
        'failed to parse cert: PEM_read_bio_X509_AUX() failed',
      );
      await refused(
        '/apisix/admin/ssls/1',
        { cert: certs.site.cert, key: BAD_KEY, sni: 'test.com' },
        'failed to parse key: PEM_read_bio_PrivateKey() failed',
      );
      await refused(
        '/apisix/admin/ssls/1',
        { cert: certs.site.cert, key: certs.other.key, sni: 'test.com' },
        'failed to match key: the private key does not belong to the certificate',
      );
      await refused(
        '/apisix/admin/ssls/1',
        { ...site(), sni: 'test.com', certs: [BAD_CERT], keys: [certs.site.key] },
        'failed to handle cert-key pair[1]: failed to parse cert: PEM_read_bio_X509_AUX() failed',
      );
      await refused(
        '/apisix/admin/ssls/1',
        { ...site(), sni: 'test.com', certs: [certs.ecSite.cert], keys: [BAD_KEY] },
        'failed to handle cert-key pair[1]: failed to parse key: PEM_read_bio_PrivateKey() failed',
      );
      await refused(
        '/apisix/admin/ssls/1',
        { ...site(), sni: 'test.com', certs: [certs.ecSite.cert], keys: [] },
        'mismatched number of certs and keys',
      );
    });

    it('schema refusals: no certificate, empty snis, both sni and snis, a bad wildcard, a protocol, an unknown field', async () => {
      await refused(
        '/apisix/admin/ssls/1',
        { sni: 'foo.com' },
        'invalid configuration: then clause did not match',
      );
      await refused(
        '/apisix/admin/ssls/1',
        { ...site(), snis: [] },
        'invalid configuration: property "snis" validation failed: expect array to have at least 1 items',
      );
      await refused(
        '/apisix/admin/ssls/1',
        { ...site(), sni: 'a.com', snis: ['b.com'] },
        'invalid configuration: then clause did not match',
      );
      await refused(
        '/apisix/admin/ssls/1',
        { ...site(), sni: 'a.*.com' },
        'invalid configuration: property "sni" validation failed: failed to match pattern "^\\\\*?[0-9a-zA-Z-._]+$" with "a.*.com"',
      );
      await refused(
        '/apisix/admin/ssls/1',
        { ...site(), sni: 'a.com', ssl_protocols: ['TLSv1.0'] },
        'invalid configuration: property "ssl_protocols" validation failed: failed to validate item 1: matches none of the enum values',
      );
      // validity_start/validity_end left the schema in APISIX 3.6 (apache/apisix#10323).
      await refused(
        '/apisix/admin/ssls/1',
        { ...site(), sni: 'a.com', validity_start: 1, validity_end: 2 },
        'invalid configuration: additional properties forbidden, found validity_start',
      );
    });

    it('client mTLS: a CA with depth and skip_mtls_uri_regex; a CA that is not a certificate', async () => {
      const client = { ca: certs.ca.cert, depth: 2, skip_mtls_uri_regex: ['/hello[0-9]+'] };
      const res = await admin.put('/apisix/admin/ssls/1', { ...site(), sni: 'test.com', client });
      expect(res.status).toBe(201);
      await refused(
        '/apisix/admin/ssls/2',
        { ...site(), sni: 'test.com', client: { ca: BAD_CERT } },
        'failed to validate client_cert: failed to parse cert: PEM_read_bio_X509_AUX() failed',
      );
      await refused(
        '/apisix/admin/ssls/2',
        { ...site(), sni: 'test.com', client: { depth: 1 } },
        'invalid configuration: property "client" validation failed: property "ca" is required',
      );
    });

    it('type client needs no sni; secret references are not parsed', async () => {
      const client = { type: 'client', cert: certs.client.cert, key: certs.client.key };
      expect((await admin.put('/apisix/admin/ssls/c', client)).status).toBe(201);
      const refs = { cert: '$secret://vault/1/cert', key: '$env://SITE_KEY', sni: 'test.com' };
      expect((await admin.put('/apisix/admin/ssls/r', refs)).status).toBe(201);
    });

    it('an expired certificate is stored, as APISIX 3.6+ stores it (the log reports it)', async () => {
      const old = makeCert(certs.ca, { cn: 'old.test', days: -1 });
      const res = await admin.put('/apisix/admin/ssls/old', { ...old, sni: 'old.test' });
      expect(res.status).toBe(201);
      expect(await stored('ssls')).toEqual([`${target.prefix}/ssls/old`]);
    });

    it('PATCH merges and re-checks; a sub-path PATCH replaces snis; a bad PATCH changes nothing', async () => {
      await admin.put('/apisix/admin/ssls/1', { ...site(), snis: ['test.com'] });
      const merged = await admin.patch('/apisix/admin/ssls/1', { labels: { env: 'prod' } });
      expect(merged.status).toBe(200);
      expect(merged.json).toMatchObject({ value: { snis: ['test.com'], labels: { env: 'prod' } } });
      const sub = await admin.patch('/apisix/admin/ssls/1/snis', ['update1.com', 'update2.com']);
      expect(sub.status).toBe(200);
      expect(sub.json).toMatchObject({ value: { snis: ['update1.com', 'update2.com'] } });
      const before = await target.store.get(`${target.prefix}/ssls/1`);
      const bad = await admin.patch('/apisix/admin/ssls/1', { key: certs.other.key });
      expect(bad.json).toEqual({
        error_msg: 'failed to match key: the private key does not belong to the certificate',
      });
      expect(await target.store.get(`${target.prefix}/ssls/1`)).toEqual(before);
    });

    it('the schema endpoints know ssl: GET /schema/ssl and POST /schema/validate/ssls', async () => {
      const schema = (await admin.get('/apisix/admin/schema/ssl')).json as {
        properties: Record<string, unknown>;
      };
      expect(Object.keys(schema.properties)).toEqual(
        expect.arrayContaining(['cert', 'key', 'snis', 'client', 'ssl_protocols']),
      );
      const ok = await admin.post('/apisix/admin/schema/validate/ssls', { ...site(), sni: 'a.b' });
      expect(ok.status).toBe(200);
      const bad = await admin.post('/apisix/admin/schema/validate/ssls', {
        cert: BAD_CERT,
        key: certs.site.key,
        sni: 'a.b',
      });
      expect(bad.json).toEqual({
        error_msg: 'failed to parse cert: PEM_read_bio_X509_AUX() failed',
      });
      expect(await stored('ssls')).toEqual([]);
    });

    it('lists page and filter like the other resources', async () => {
      for (let i = 1; i <= 12; i += 1) {
        const labels = i % 2 === 0 ? { env: 'even' } : { tier: 'odd' };
        await admin.put(`/apisix/admin/ssls/${i}`, { ...site(), sni: `s${i}.test.com`, labels });
      }
      const page2 = (await admin.get('/apisix/admin/ssls?page=2&page_size=10')).json as {
        total: number;
        list: unknown[];
      };
      expect(page2.total).toBe(12);
      expect(page2.list).toHaveLength(2);
      const even = (await admin.get('/apisix/admin/ssls?label=env')).json as { total: number };
      expect(even.total).toBe(6);
      const bad = await admin.get('/apisix/admin/ssls?page_size=5');
      expect(bad.status).toBe(400);
    });

    describe('upstream tls', () => {
      const upstream = (tls: object) => ({
        scheme: 'https',
        type: 'roundrobin',
        nodes: { '127.0.0.1:8443': 1 },
        tls,
      });

      it('client_cert_id must name an existing ssl of type client', async () => {
        await refused(
          '/apisix/admin/upstreams/1',
          upstream({ client_cert_id: 9999999 }),
          'failed to fetch ssl info by ssl id [9999999], response code: 404',
          'upstreams',
        );
        await admin.put('/apisix/admin/ssls/1', { ...site(), sni: 'test.com' });
        await refused(
          '/apisix/admin/upstreams/1',
          upstream({ client_cert_id: 1 }),
          'failed to fetch ssl info by ssl id [1], wrong ssl type',
          'upstreams',
        );
        await refused(
          '/apisix/admin/routes/1',
          { uri: '/hello', upstream: upstream({ client_cert_id: 1 }) },
          'failed to fetch ssl info by ssl id [1], wrong ssl type',
          'routes',
        );
        const client = { type: 'client', cert: certs.client.cert, key: certs.client.key };
        await admin.put('/apisix/admin/ssls/2', client);
        const ok = await admin.put('/apisix/admin/upstreams/1', upstream({ client_cert_id: 2 }));
        expect(ok.status).toBe(201);
        const service = await admin.put('/apisix/admin/services/1', {
          upstream: upstream({ client_cert_id: 2 }),
        });
        expect(service.status).toBe(201);
        // APISIX has no in-use check for ssls: the referenced one is deleted.
        expect((await admin.delete('/apisix/admin/ssls/2')).status).toBe(200);
      });

      it('inline client_cert/client_key: both or neither, a parsable matching pair', async () => {
        const pair = { client_cert: certs.client.cert, client_key: certs.client.key };
        expect((await admin.put('/apisix/admin/upstreams/1', upstream(pair))).status).toBe(201);
        const alone = await admin.put('/apisix/admin/upstreams/2', {
          ...upstream({ client_cert: certs.client.cert }),
        });
        expect(alone.status).toBe(400);
        expect((alone.json as { error_msg: string }).error_msg).toMatch(
          /^invalid configuration: property "tls" validation failed/,
        );
        await refused(
          '/apisix/admin/upstreams/2',
          upstream({ client_cert: BAD_CERT, client_key: certs.client.key }),
          'failed to parse cert: PEM_read_bio_X509_AUX() failed',
          'upstreams',
        );
        await refused(
          '/apisix/admin/upstreams/2',
          upstream({ client_cert: certs.client.cert, client_key: certs.other.key }),
          'failed to match key: the private key does not belong to the certificate',
          'upstreams',
        );
      });
    });
  });
}
