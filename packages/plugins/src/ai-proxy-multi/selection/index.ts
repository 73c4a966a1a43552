/**
 * @module ai-proxy-multi/selection
 * Instance selection for ai-proxy-multi: the picker, health as eligibility, chash keys and the
 * fallback/retry policy.
 */
export * from './fallback-policy';
export * from './hash-key';
export * from './instance-health';
export * from './instance-picker';
