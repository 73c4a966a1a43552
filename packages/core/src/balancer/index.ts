export type * from './round-robin';
export { SmoothRoundRobin, effectiveWeights } from './round-robin';
export type * from './consistent-hash';
export { ConsistentHashRing, hash32 } from './consistent-hash';
export type * from './hash-key';
export { hashKeyOf } from './hash-key';
