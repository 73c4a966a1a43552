export * from './ports';
export * from './process';
export * from './etcd';
export * from './redis';
export * from './services';
export * from './http-client';
export * from './fixtures';
export * from './tollgate';
