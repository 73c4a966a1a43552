import net from 'node:net';
import { Redis } from 'ioredis';
import { freePort, testRedisUrl } from '@tollgate/testkit';
import {
  closeRedisValueStores,
  redisValueStore,
  redisValueStoreCount,
  RedisValueStore,
  type RedisStoreConf,
} from '../src';

const url = new URL(testRedisUrl());
const conf: RedisStoreConf = {
  policy: 'redis',
  redis_host: url.hostname,
  redis_port: Number(url.port),
  redis_timeout: 1000,
};
const prefix = `t-redis-values-${process.pid}-${Date.now().toString(36)}:`;
const quiet = { warn: () => undefined, info: () => undefined };

let raw: Redis;
beforeAll(() => {
  raw = new Redis(testRedisUrl());
});
afterAll(async () => {
  const keys = await raw.keys(`${prefix}*`);
  if (keys.length) await raw.del(...keys);
  raw.disconnect();
  await closeRedisValueStores();
});

describe('RedisValueStore on a real Redis', () => {
  it('sets with a TTL and gets the bytes back; null for a missing key', async () => {
    const store = new RedisValueStore(conf, { logger: quiet });
    try {
      const value = Buffer.from('{"body":"é"}');
      await store.set(`${prefix}a`, value, 30);
      expect(await store.get(`${prefix}a`)).toEqual(value);
      const ttl = await raw.ttl(`${prefix}a`);
      expect(ttl).toBeGreaterThan(28);
      expect(ttl).toBeLessThanOrEqual(30);
      expect(await store.get(`${prefix}none`)).toBeNull();
      await expect(store.set(`${prefix}b`, 'x', 0)).rejects.toThrow(RangeError);
    } finally {
      await store.close();
    }
  });

  it('fails within redis_timeout when nothing answers (a listener that never replies)', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    const store = new RedisValueStore(
      { policy: 'redis', redis_host: '127.0.0.1', redis_port: port, redis_timeout: 150 },
      { logger: quiet },
    );
    try {
      const started = performance.now();
      await expect(store.get(`${prefix}x`)).rejects.toThrow(/redis_timeout \(150 ms\)|connection/);
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      await store.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('fails fast on a port nobody listens on', async () => {
    const port = await freePort();
    const store = new RedisValueStore(
      { policy: 'redis', redis_host: '127.0.0.1', redis_port: port, redis_timeout: 200 },
      // Three failures open the breaker; its reset timer would outlive the test.
      { logger: quiet, breakerResetMs: 50 },
    );
    try {
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        await expect(store.get(`${prefix}x`)).rejects.toThrow();
        expect(performance.now() - started).toBeLessThan(400);
      }
    } finally {
      await store.close();
    }
  });

  it('a closed store rejects', async () => {
    const store = new RedisValueStore(conf, { logger: quiet });
    await store.close();
    await expect(store.get(`${prefix}a`)).rejects.toThrow(/closed/);
  });
});

describe('redisValueStore registry', () => {
  afterEach(() => closeRedisValueStores());

  it('shares one store per connection, defaults applied, other fields ignored', async () => {
    const a = redisValueStore(conf);
    const b = redisValueStore({ ...conf, redis_database: 0, redis_keepalive_pool: 5 });
    const c = redisValueStore({ ...conf, redis_database: 1 });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(redisValueStoreCount()).toBe(2);
    await a.set(`${prefix}shared`, 'v', 10);
    expect((await b.get(`${prefix}shared`))?.toString()).toBe('v');
    expect(await c.get(`${prefix}shared`)).toBeNull();
    await closeRedisValueStores();
    expect(a.closed).toBe(true);
    expect(redisValueStore(conf)).not.toBe(a);
  });
});
