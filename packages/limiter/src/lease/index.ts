export * from './messages';
export * from './host';
export * from './client';
