export type { CounterState, CounterStore } from '@tollgate/core';
export type * from './errors';
export {
  TOLLGATE_ERR_COUNTER_UNAVAILABLE,
  CounterStoreUnavailableError,
  isCounterStoreUnavailable,
} from './errors';
export type * from './charge-args';
export {
  checkChargeArgs,
  checkReserve,
  checkBucketArgs,
  checkGaugeArgs,
  slidingDecision,
  checkSlidingArgs,
} from './charge-args';
export type * from './local-store';
export { monotonicClock, LocalCounterStore, dropWhere } from './local-store';
export type * from './redis-conf';
export {
  parseNodeAddress,
  resolveRedisTarget,
  redisTargetKey,
  describeRedisTarget,
  reconnectDelay,
  singleNodeOptions,
  clusterOptions,
  sentinelOptions,
} from './redis-conf';
export type * from './redis-store';
export { RedisCounterStore } from './redis-store';
export type * from './redis-registry';
export { redisCounterStore, redisStoreCount, closeRedisStores } from './redis-registry';
export type { LimiterLogger } from './throttled-log';
export type * from './redis-value-store';
export {
  RedisValueStoreError,
  RedisValueStore,
  redisValueStore,
  redisValueStoreCount,
  closeRedisValueStores,
} from './redis-value-store';
export { throttledWarn } from './throttled-log';
export type * from './lease';
export {
  isWorkerLeaseMessage,
  isLeaseReply,
  isLeaseViews,
  isLeaseRevoke,
  LeaseHost,
  LeaseClient,
} from './lease';
