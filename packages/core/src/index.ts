export * from './errors';
export * from './logger';
export * from './env';
export * from './expr';
export * from './router';
export * from './plugin';
export * from './context';
export * from './counter-store';
