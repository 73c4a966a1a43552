/**
 * Propagation delay: from an Admin API PUT to both gateway nodes serving the change, over 200
 * changes, p50/p99. Real processes: etcd, a control plane, two data-plane nodes with 2 workers.
 *   pnpm bench propagation
 */
import { freshGet, startCluster, startEchoServer } from '@tollgate/testkit';
import { printTable } from './lib';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);

async function servedAt(url: string, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    const res = await freshGet(url).catch(() => undefined);
    if (res?.status === 200) return performance.now();
  }
  throw new Error(`${url} not served within the deadline`);
}

async function main() {
  const echo = await startEchoServer('bench');
  const cluster = await startCluster(2, 2);
  const delays: number[] = [];
  try {
    for (let i = 0; i < CHANGES; i++) {
      const t0 = performance.now();
      const res = await cluster.admin.put(`/apisix/admin/routes/p${i}`, {
        uri: `/p${i}`,
        upstream: { nodes: { [`127.0.0.1:${echo.port}`]: 1 }, type: 'roundrobin' },
      });
      if (res.status !== 201) throw new Error(`PUT failed: ${res.status} ${res.text}`);
      const deadline = Date.now() + 10_000;
      const served = await Promise.all(
        cluster.gateways.map((g) => servedAt(g.url(`/p${i}`), deadline)),
      );
      delays.push(Math.max(...served) - t0);
    }
  } finally {
    await cluster.destroy();
    await echo.close();
  }
  delays.sort((a, b) => a - b);
  const pct = (p: number) =>
    delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))] ?? 0;
  process.stdout.write(
    `Admin API PUT → both nodes (2 workers each) serving the new route, ${CHANGES} changes\n`,
  );
  printTable([
    {
      changes: CHANGES,
      'p50 ms': pct(50),
      'p99 ms': pct(99),
      'max ms': delays[delays.length - 1] ?? 0,
    },
  ]);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
