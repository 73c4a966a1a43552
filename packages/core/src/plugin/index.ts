export * from './define-plugin';
export * from './instance';
export * from './instance-load';
export * from './runner';
