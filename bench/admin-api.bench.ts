/**
 * Admin API throughput: PUT and GET of routes against a real etcd and against the embedded
 * store, in the same run. Prints requests/s and p50/p99 latency.
 *   pnpm bench admin-api        (needs `pnpm build` and Debian's etcd)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { startAdminServer } from '@tollgate/admin-api';
import { EmbeddedStore, EtcdStore, type ConfigStore } from '@tollgate/config-store';
import { startEtcd } from '@tollgate/testkit';
import { printTable, runLoad } from './lib';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const KEY = 'bench-admin-key';

async function measure(name: string, store: ConfigStore) {
  const server = await startAdminServer({
    store,
    adminKeys: [{ name: 'admin', key: KEY, role: 'admin' }],
    host: '127.0.0.1',
    port: 0,
  });
  const dispatcher = new Agent({ connections: CONCURRENCY });
  const base = `http://127.0.0.1:${server.port}/apisix/admin/routes/`;
  const headers = { 'x-api-key': KEY, 'content-type': 'application/json' };
  const call = async (method: 'PUT' | 'GET', id: number, body?: string) => {
    const res = await request(`${base}r${id % 500}`, { method, headers, body, dispatcher });
    await res.body.dump();
    return res.statusCode < 300;
  };
  const route = (i: number) =>
    JSON.stringify({
      uri: `/r/${i}`,
      methods: ['GET'],
      upstream: { nodes: { '127.0.0.1:1980': 1 }, type: 'roundrobin' },
    });
  const put = await runLoad(TOTAL, CONCURRENCY, (i) => call('PUT', i, route(i)));
  const get = await runLoad(TOTAL, CONCURRENCY, (i) => call('GET', i));
  await server.close();
  await dispatcher.close();
  return [
    { store: name, op: 'PUT', ...put },
    { store: name, op: 'GET', ...get },
  ];
}

async function main() {
  const etcd = await startEtcd();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-'));
  try {
    const etcdStore = new EtcdStore({ hosts: [etcd.endpoint] });
    const embedded = await EmbeddedStore.open({ dataDir });
    const rows = [...(await measure('etcd', etcdStore)), ...(await measure('embedded', embedded))];
    await etcdStore.close();
    await embedded.close();
    process.stdout.write(
      `Admin API, ${TOTAL} requests per row, ${CONCURRENCY} concurrent clients, routes r0..r499\n`,
    );
    printTable(
      rows.map((r) => ({
        store: r.store,
        op: r.op,
        'req/s': r.perSecond,
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        errors: r.errors,
      })),
    );
  } finally {
    await etcd.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
