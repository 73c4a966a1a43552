export type { CounterState, CounterStore } from '@tollgate/core';
export * from './errors';
export * from './charge-args';
export * from './local-store';
export * from './redis-conf';
export * from './redis-store';
export * from './redis-registry';
export type { LimiterLogger } from './throttled-log';
