import {
  clusterOptions,
  describeRedisTarget,
  parseNodeAddress,
  reconnectDelay,
  redisTargetKey,
  resolveRedisTarget,
  singleNodeOptions,
  type RedisClusterTarget,
  type RedisTarget,
} from './redis-conf';

describe('resolveRedisTarget', () => {
  it("applies APISIX's defaults to the redis policy", () => {
    expect(resolveRedisTarget({ policy: 'redis', redis_host: '10.0.0.5' })).toEqual({
      kind: 'redis',
      host: '10.0.0.5',
      port: 6379,
      database: 0,
      timeoutMs: 1000,
      tls: false,
    });
  });

  it('keeps credentials, database, timeout and TLS (verify off by default, as APISIX)', () => {
    const target = resolveRedisTarget({
      redis_host: 'redis.internal',
      redis_port: 6380,
      redis_username: 'gw',
      redis_password: 's3cret',
      redis_database: 2,
      redis_timeout: 250,
      redis_ssl: true,
      redis_keepalive_pool: 10,
      redis_keepalive_timeout: 5000,
    });
    expect(target).toEqual({
      kind: 'redis',
      host: 'redis.internal',
      port: 6380,
      username: 'gw',
      password: 's3cret',
      database: 2,
      timeoutMs: 250,
      tls: { verify: false },
    });
  });

  it('reads the redis-cluster fields', () => {
    expect(
      resolveRedisTarget({
        policy: 'redis-cluster',
        redis_cluster_name: 'c1',
        redis_cluster_nodes: ['10.0.0.1:7000', '[::1]:7001', 'node3'],
        redis_password: 'pw',
        redis_cluster_ssl: true,
        redis_cluster_ssl_verify: true,
      }),
    ).toEqual({
      kind: 'redis-cluster',
      name: 'c1',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
        { host: 'node3', port: 6379 },
      ],
      password: 'pw',
      timeoutMs: 1000,
      tls: { verify: true },
    });
  });

  it('refuses missing required fields and other policies', () => {
    expect(() => resolveRedisTarget({ policy: 'redis' })).toThrow('redis_host is required');
    expect(() => resolveRedisTarget({ policy: 'redis-cluster', redis_cluster_nodes: [] })).toThrow(
      'redis_cluster_nodes is required',
    );
    expect(() => resolveRedisTarget({ policy: 'redis-sentinel' })).toThrow(
      'redis_sentinels and redis_master_name are required',
    );
    expect(() => resolveRedisTarget({ policy: 'local' })).toThrow('not supported');
    expect(() => parseNodeAddress('host:99999')).toThrow('invalid redis cluster node address');
  });
});

describe('redisTargetKey', () => {
  const key = (conf: Parameters<typeof resolveRedisTarget>[0]) =>
    redisTargetKey(resolveRedisTarget(conf));

  it('is equal for confs that connect the same way', () => {
    expect(key({ redis_host: 'a' })).toBe(
      key({ policy: 'redis', redis_host: 'a', redis_port: 6379 }),
    );
    const nodes = ['a:1', 'b:2'];
    expect(
      key({ policy: 'redis-cluster', redis_cluster_name: 'c', redis_cluster_nodes: nodes }),
    ).toBe(
      key({
        policy: 'redis-cluster',
        redis_cluster_name: 'c',
        redis_cluster_nodes: [...nodes].reverse(),
      }),
    );
  });

  it('differs when any connection field differs, and never shows the password', () => {
    const base = key({ redis_host: 'a', redis_password: 'hunter2' });
    expect(key({ redis_host: 'a', redis_password: 'other' })).not.toBe(base);
    expect(key({ redis_host: 'a', redis_password: 'hunter2', redis_database: 1 })).not.toBe(base);
    expect(key({ redis_host: 'a', redis_password: 'hunter2', redis_timeout: 999 })).not.toBe(base);
    expect(base).not.toContain('hunter2');
    expect(base).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('ioredis options', () => {
  const single = resolveRedisTarget({
    redis_host: 'r',
    redis_password: 'pw',
    redis_timeout: 300,
    redis_ssl: true,
    redis_ssl_verify: true,
  }) as RedisTarget;

  it('bound every wait by redis_timeout and never queue or replay commands', () => {
    const options = singleNodeOptions(single, 1000);
    expect(options).toMatchObject({
      host: 'r',
      port: 6379,
      password: 'pw',
      db: 0,
      connectTimeout: 300,
      commandTimeout: 300,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      tls: { rejectUnauthorized: true, servername: 'r' },
    });
    expect(options.retryStrategy?.(1)).toBe(50);
    expect(options.retryStrategy?.(30)).toBe(1000);
  });

  it('give cluster node connections the same bounds', () => {
    const cluster = resolveRedisTarget({
      policy: 'redis-cluster',
      redis_cluster_name: 'c',
      redis_cluster_nodes: ['a:1'],
      redis_timeout: 200,
    }) as RedisClusterTarget;
    const options = clusterOptions(cluster, 500);
    expect(options).toMatchObject({
      enableOfflineQueue: false,
      slotsRefreshTimeout: 200,
      redisOptions: {
        connectTimeout: 200,
        commandTimeout: 200,
        autoResendUnfulfilledCommands: false,
      },
    });
    expect(options.clusterRetryStrategy?.(100)).toBe(500);
    expect(options.redisOptions?.tls).toBeUndefined();
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 100].map((n) => reconnectDelay(n, 1000))).toEqual([
      50, 100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('describes targets without credentials', () => {
    expect(describeRedisTarget(single)).toBe('redis r:6379/0');
    expect(
      describeRedisTarget(
        resolveRedisTarget({ policy: 'redis-cluster', redis_cluster_nodes: ['a:1', 'b:2'] }),
      ),
    ).toBe('redis-cluster a:1,b:2');
  });
});

describe('redis-sentinel targets', () => {
  const conf = {
    policy: 'redis-sentinel',
    redis_sentinels: [
      { host: '10.0.0.2', port: 26379 },
      { host: '10.0.0.1', port: 26379 },
    ],
    redis_master_name: 'mymaster',
    redis_password: 'secret',
    redis_read_timeout: 1500,
  };

  it('applies APISIX defaults: role master, database 0, the longer timeout', () => {
    expect(resolveRedisTarget(conf)).toEqual({
      kind: 'redis-sentinel',
      sentinels: [
        { host: '10.0.0.2', port: 26379 },
        { host: '10.0.0.1', port: 26379 },
      ],
      name: 'mymaster',
      role: 'master',
      password: 'secret',
      database: 0,
      timeoutMs: 1500,
      tls: false,
    });
  });

  it('requires sentinels and a master name', () => {
    expect(() => resolveRedisTarget({ policy: 'redis-sentinel', redis_master_name: 'm' })).toThrow(
      TypeError,
    );
    expect(() =>
      resolveRedisTarget({ policy: 'redis-sentinel', redis_sentinels: conf.redis_sentinels }),
    ).toThrow(TypeError);
  });

  it('has one identity whatever the sentinel order, and a name without the password', () => {
    const reversed = { ...conf, redis_sentinels: [...conf.redis_sentinels].reverse() };
    expect(redisTargetKey(resolveRedisTarget(conf))).toBe(
      redisTargetKey(resolveRedisTarget(reversed)),
    );
    expect(describeRedisTarget(resolveRedisTarget(conf))).toBe('redis-sentinel mymaster/0');
  });
});
