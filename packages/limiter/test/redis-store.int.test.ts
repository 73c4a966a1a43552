import { Redis } from 'ioredis';
import { testRedisUrl } from '@tollgate/testkit';
import {
  closeRedisStores,
  redisCounterStore,
  redisStoreCount,
  RedisCounterStore,
  type RedisStoreConf,
} from '../src';
import { runCounterStoreSuite } from './counter-store.suite';
import { runQuotaStoreSuite } from './quota-store.suite';
import { runTrafficStoreSuite } from './traffic-store.suite';

const url = new URL(testRedisUrl());
const conf: RedisStoreConf = {
  policy: 'redis',
  redis_host: url.hostname,
  redis_port: Number(url.port),
  redis_timeout: 1000,
};
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const filePrefix = `t-redis-store-${process.pid}-${Date.now().toString(36)}:`;

let raw: Redis;
beforeAll(() => {
  raw = new Redis(testRedisUrl());
});
afterAll(async () => {
  const keys = await raw.keys(`${filePrefix}*`);
  if (keys.length) await raw.del(...keys);
  raw.disconnect();
  await closeRedisStores();
});

runCounterStoreSuite('RedisCounterStore', () => {
  const store = new RedisCounterStore(conf, { keyPrefix: filePrefix });
  return { store, advance: sleep, slackMs: 60, dispose: () => store.close() };
});

runTrafficStoreSuite('RedisCounterStore', () => {
  const store = new RedisCounterStore(conf, { keyPrefix: filePrefix });
  return { store, advance: sleep, slackMs: 60, dispose: () => store.close() };
});

runQuotaStoreSuite('RedisCounterStore', () => {
  const store = new RedisCounterStore(conf, { keyPrefix: filePrefix });
  return { store, advance: sleep, dispose: () => store.close() };
});

describe('RedisCounterStore on a real Redis', () => {
  let store: RedisCounterStore;
  let n = 0;
  let prefix: string;
  beforeEach(() => {
    prefix = `${filePrefix}${++n}:`;
    store = new RedisCounterStore(conf, { keyPrefix: prefix });
  });
  afterEach(() => store.close());

  it('stores the counter under the prefix with a TTL equal to the window', async () => {
    const charged = Date.now();
    await store.charge('a', 9, 30);
    expect(await raw.get(`${prefix}a`)).toBe('9');
    const ttl = await raw.pttl(`${prefix}a`);
    // The window's whole 30 s, less the time since the charge was sent (a loaded machine may
    // take longer than a few ms to read it back).
    expect(ttl).toBeGreaterThan(30_000 - (Date.now() - charged) - 5);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('gives a key left without a TTL one on the next charge', async () => {
    await raw.set(`${prefix}stale`, '40');
    expect(await store.peek('stale')).toEqual({ consumed: 40 });
    const state = await store.charge('stale', 2, 10);
    expect(state).toEqual({ consumed: 42, resetInMs: 10_000 });
    expect(await raw.pttl(`${prefix}stale`)).toBeGreaterThan(9_000);
  });

  it('rejects with CounterStoreUnavailableError on a key of another type, without tripping', async () => {
    await raw.lpush(`${prefix}list`, 'x');
    for (let i = 0; i < 5; i++) {
      await expect(store.charge('list', 1, 10)).rejects.toMatchObject({
        code: 'TOLLGATE_ERR_COUNTER_UNAVAILABLE',
      });
    }
    expect(store.breakerState).toBe('closed');
    expect((await store.charge('fine', 1, 10)).consumed).toBe(1);
  });

  it('two stores (two nodes) charging one key concurrently get an exact total', async () => {
    const other = new RedisCounterStore(conf, { keyPrefix: prefix });
    try {
      const charges = Array.from({ length: 300 }, (_, i) =>
        (i % 2 ? store : other).charge('shared', 7, 60),
      );
      const results = await Promise.all(charges);
      expect((await other.peek('shared')).consumed).toBe(2100);
      const totals = new Set(results.map((r) => r.consumed));
      expect(totals.size).toBe(300);
      expect(Math.max(...totals)).toBe(2100);
    } finally {
      await other.close();
    }
  });

  it('a closed store rejects with CounterStoreUnavailableError', async () => {
    await store.close();
    await expect(store.peek('a')).rejects.toMatchObject({
      code: 'TOLLGATE_ERR_COUNTER_UNAVAILABLE',
    });
  });
});

describe('redisCounterStore registry', () => {
  afterEach(() => closeRedisStores());

  it('shares one store per connection, defaults applied, other fields ignored', async () => {
    const a = redisCounterStore(conf);
    const b = redisCounterStore({ ...conf, redis_database: 0, redis_keepalive_pool: 5 });
    const c = redisCounterStore({ ...conf, redis_database: 1 });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(redisStoreCount()).toBe(2);
    const key = `${filePrefix}registry`;
    await a.charge(key, 4, 10);
    expect((await b.peek(key)).consumed).toBe(4);
    expect((await c.peek(key)).consumed).toBe(0);
    await closeRedisStores();
    expect(a.closed).toBe(true);
    expect(redisStoreCount()).toBe(0);
    const d = redisCounterStore(conf);
    expect(d).not.toBe(a);
    expect((await d.peek(key)).consumed).toBe(4);
  });
});
