export * from './ports';
export * from './process';
export * from './etcd';
export * from './redis';
export * from './services';
