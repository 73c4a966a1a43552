export * from './counter-store';
