/**
 * The list answer of every Admin API collection, as the APISIX Dashboard and other Admin API
 * clients read it (APISIX 3.18 resource.lua + core/etcd.lua): `{total, list}` with items
 * `{key, value, createdIndex, modifiedIndex}`, `total` counted after filtering and before
 * paging, `page`/`page_size` in creation order, the `name` (regex) and `label` filters, and
 * `{"total":0,"list":[]}` for an empty collection. One table of resources, one set of checks.
 */
import { makeCa, makeCert, type AdminClient } from '@tollgate/testkit';
import type { SuiteStore } from './admin-api.suite';
import { useAdminHarness } from './admin-harness';

const UPSTREAM = { type: 'roundrobin', nodes: { '127.0.0.1:8080': 1 } };

interface Collection {
  /** URL path under /apisix/admin and etcd directory. */
  path: string;
  /** A valid body for item `i` (without name and labels). */
  body(i: number): Record<string, unknown>;
  /** Whether items carry a `name` (consumers and global rules do not). */
  named: boolean;
  /** Whether items carry `labels` (global rules do not, in APISIX's schema). */
  labelled?: false;
  /** Id written in the URL of item `i`; consumers are keyed by username. */
  id?(i: number): string;
}

interface ListAnswer {
  total: number;
  list: {
    key: string;
    value: Record<string, unknown>;
    createdIndex: number;
    modifiedIndex: number;
  }[];
}

/** Registers the list cases under `describe(name)`. */
export function runResourceListsSuite(name: string, open: () => Promise<SuiteStore>): void {
  describe(`list answers of every resource on ${name}`, () => {
    const harness = useAdminHarness(open);
    const ca = makeCa('lists suite CA');
    const site = makeCert(ca, { cn: 'list.test.com', sans: ['*.test.com'] });

    const collections: Collection[] = [
      { path: 'routes', named: true, body: (i) => ({ uri: `/r${i}`, upstream: UPSTREAM }) },
      { path: 'services', named: true, body: () => ({ upstream: UPSTREAM }) },
      { path: 'upstreams', named: true, body: () => UPSTREAM },
      {
        path: 'consumers',
        named: false,
        id: (i) => `user${i}`,
        body: (i) => ({ username: `user${i}` }),
      },
      {
        path: 'plugin_configs',
        named: true,
        body: () => ({ plugins: { 'key-auth': {} } }),
      },
      {
        path: 'global_rules',
        named: false,
        labelled: false,
        body: () => ({ plugins: { prometheus: {} } }),
      },
      { path: 'consumer_groups', named: true, body: () => ({ plugins: {} }) },
      {
        path: 'ssls',
        named: false,
        body: (i) => ({ cert: site.cert, key: site.key, snis: [`s${i}.test.com`] }),
      },
      {
        path: 'protos',
        named: true,
        body: (i) => ({ content: `syntax = "proto3"; package p${i}; message M { string a = 1; }` }),
      },
      {
        path: 'secrets/vault',
        named: false,
        body: () => ({ uri: 'http://127.0.0.1:8200', prefix: 'kv/apisix', token: 'root' }),
      },
    ];

    /** Item i of `c`: the `team` label on every fourth one, a name where the resource has one. */
    const put = async (admin: AdminClient, c: Collection, i: number) => {
      const body = {
        ...c.body(i),
        ...(c.named ? { name: `item-${i}` } : {}),
        ...(c.labelled === false
          ? {}
          : { labels: i % 4 === 0 ? { team: 'ai' } : { team2: 'web' } }),
      };
      const id = c.id?.(i) ?? `${i}`;
      const res =
        c.path === 'consumers'
          ? await admin.put('/apisix/admin/consumers', body)
          : await admin.put(`/apisix/admin/${c.path}/${id}`, body);
      if (res.status !== 201) throw new Error(`${c.path}/${id}: ${res.status} ${res.text}`);
    };

    const list = async (admin: AdminClient, c: Collection, query = '') => {
      const res = await admin.get(`/apisix/admin/${c.path}${query}`);
      expect(res.status).toBe(200);
      return res.json as ListAnswer;
    };

    it.each(collections.map((c) => [c.path, c]))(
      '%s: empty list, items with key and indexes, paging, name and label filters',
      async (_path, c) => {
        const { admin, target } = harness();
        expect(await list(admin, c)).toEqual({ total: 0, list: [] });

        for (let i = 1; i <= 12; i++) await put(admin, c, i);
        const all = await list(admin, c);
        expect(all.total).toBe(12);
        expect(all.list).toHaveLength(12);
        for (const item of all.list) {
          expect(item.key.startsWith(`${target.prefix}/${c.path}/`)).toBe(true);
          expect(typeof item.createdIndex).toBe('number');
          expect(typeof item.modifiedIndex).toBe('number');
          expect(typeof item.value.create_time).toBe('number');
          expect(typeof item.value.update_time).toBe('number');
        }

        // Pages follow creation order; total counts every match.
        const second = await list(admin, c, '?page=2&page_size=10');
        expect(second.total).toBe(12);
        expect(second.list).toHaveLength(2);
        const firstPage = await list(admin, c, '?page=1&page_size=10');
        const created = [...firstPage.list, ...second.list].map((x) => x.createdIndex);
        expect(created).toEqual([...created].sort((a, b) => a - b));
        expect(new Set([...firstPage.list, ...second.list].map((x) => x.key)).size).toBe(12);

        if (c.labelled !== false) expect((await list(admin, c, '?label=team')).total).toBe(3);

        if (c.named) {
          // `name` is a regular expression: item-1, item-10, item-11, item-12.
          const named = await list(admin, c, '?name=item-1');
          expect(named.total).toBe(4);
          expect((await list(admin, c, '?name=item-7')).total).toBe(1);
        }

        const bad = await admin.get(`/apisix/admin/${c.path}?page_size=5`);
        expect(bad.status).toBe(400);
      },
    );
  });
}
