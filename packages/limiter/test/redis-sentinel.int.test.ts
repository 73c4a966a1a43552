/**
 * The Redis counter store through a real Redis Sentinel (`redis-server --sentinel`) that monitors
 * the suite's Redis: counters and buckets work, and the store finds the master by its name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, ManagedProcess, testRedisUrl, waitForPort } from '@tollgate/testkit';
import { RedisCounterStore, type RedisStoreConf } from '../src';

const redis = new URL(testRedisUrl());
let sentinel: ManagedProcess;
let sentinelPort = 0;
let dir = '';

beforeAll(async () => {
  sentinelPort = await freePort();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-sentinel-'));
  const file = path.join(dir, 'sentinel.conf');
  fs.writeFileSync(
    file,
    `port ${sentinelPort}\nbind 127.0.0.1\ndir ${dir}\n` +
      `sentinel monitor tollgate-master ${redis.hostname} ${redis.port} 1\n`,
  );
  sentinel = new ManagedProcess({
    command: process.env.TOLLGATE_REDIS_BIN ?? 'redis-server',
    args: [file, '--sentinel'],
    ready: () => waitForPort(sentinelPort),
  });
  await sentinel.start();
});

afterAll(async () => {
  await sentinel?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('RedisCounterStore with policy redis-sentinel', () => {
  it('counts on the master the sentinel names', async () => {
    const conf: RedisStoreConf = {
      policy: 'redis-sentinel',
      redis_sentinels: [{ host: '127.0.0.1', port: sentinelPort }],
      redis_master_name: 'tollgate-master',
    };
    const prefix = `t-sentinel-${process.pid}-${Date.now().toString(36)}:`;
    const store = new RedisCounterStore(conf, { keyPrefix: prefix });
    try {
      expect((await store.charge('k', 2, 60)).consumed).toBe(2);
      expect((await store.charge('k', 3, 60)).consumed).toBe(5);
      expect((await store.slidingWindow('w', 1, 100, 1)).rejected).toBe(false);
      expect((await store.slidingWindow('w', 1, 100, 1)).rejected).toBe(true);
      expect(await store.adjustGauge('g', 1, 60)).toBe(1);
    } finally {
      await store.close();
    }
  });
});
