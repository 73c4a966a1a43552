/**
 * Route matching time with 10 and with 10,000 routes, same run: matching must not grow linearly
 * with the number of routes. Routes mix exact paths, prefixes, methods and hosts, as a real
 * config does; requests hit routes spread over the whole table.
 *   pnpm bench router
 */
import { buildRouter, type MatchRequest, type RouteInput } from '@tollgate/core';
import { printTable } from './lib';

function routes(n: number): RouteInput<number>[] {
  return Array.from({ length: n }, (_, i) => {
    const kind = i % 4;
    return {
      id: String(i),
      uri: kind === 1 ? `/api/v${i % 7}/svc${i}/*` : `/api/v${i % 7}/svc${i}/items`,
      methods: kind === 2 ? ['GET', 'POST'] : undefined,
      hosts: kind === 3 ? [`svc${i}.example.com`] : undefined,
      data: i,
    };
  });
}

function requests(n: number, count: number): MatchRequest[] {
  return Array.from({ length: count }, (_, k) => {
    const i = Math.floor((k * 7919) % n);
    const kind = i % 4;
    return {
      method: 'GET',
      host: kind === 3 ? `svc${i}.example.com` : 'gateway.local',
      path: kind === 1 ? `/api/v${i % 7}/svc${i}/deep/path` : `/api/v${i % 7}/svc${i}/items`,
      remoteAddr: '127.0.0.1',
      vars: () => undefined,
    };
  });
}

function measure(n: number) {
  const t0 = process.hrtime.bigint();
  const router = buildRouter(routes(n));
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const reqs = requests(n, 10_000);
  let found = 0;
  for (const r of reqs) if (router.match(r)) found++; // warm-up
  const rounds = 30;
  const t1 = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) for (const r of reqs) if (router.match(r)) found++;
  const perMatchNs = Number(process.hrtime.bigint() - t1) / (rounds * reqs.length);
  if (found !== (rounds + 1) * reqs.length)
    throw new Error(`only ${found} of ${(rounds + 1) * reqs.length} requests matched`);
  return { routes: n, 'build ms': buildMs, 'match ns': perMatchNs };
}

const small = measure(10);
const large = measure(10_000);
printTable([small, large]);
process.stdout.write(
  `match time ratio 10,000 / 10 routes: ${(large['match ns'] / small['match ns']).toFixed(2)}x (routes ratio 1000x)\n`,
);
