/**
 * @module ai-proxy-multi/selection
 * Instance selection for ai-proxy-multi: the picker, health as eligibility, chash keys and the
 * fallback/retry policy.
 */
export type * from './fallback-policy';
export { fallbackPolicy, retryOnTransportError, shouldRetry } from './fallback-policy';
export type * from './hash-key';
export { hashKeyOf } from './hash-key';
export type * from './instance-health';
export { healthTargetKey, allUnhealthy, requestHealth } from './instance-health';
export type * from './instance-picker';
export { InstancePicker } from './instance-picker';
