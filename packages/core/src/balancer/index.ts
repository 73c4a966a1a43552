export * from './round-robin';
export * from './consistent-hash';
export * from './hash-key';
