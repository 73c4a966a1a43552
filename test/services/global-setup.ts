// Starts one etcd and one Redis for the integration and e2e tiers, unless the caller already
// exported TOLLGATE_TEST_ETCD / TOLLGATE_TEST_REDIS. A missing binary fails the run: integration
// tests never skip.
import {
  startEtcd,
  startRedis,
  type EtcdServer,
  type RedisServer,
} from '../../packages/testkit/src';

declare global {
  var __tollgateServices: { etcd?: EtcdServer; redis?: RedisServer } | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (globalThis.__tollgateServices) return;
  const started: { etcd?: EtcdServer; redis?: RedisServer } = {};
  globalThis.__tollgateServices = started;
  if (!process.env.TOLLGATE_TEST_ETCD) {
    started.etcd = await startEtcd();
    process.env.TOLLGATE_TEST_ETCD = started.etcd.endpoint;
  }
  if (!process.env.TOLLGATE_TEST_REDIS) {
    started.redis = await startRedis();
    process.env.TOLLGATE_TEST_REDIS = started.redis.url;
  }
}
