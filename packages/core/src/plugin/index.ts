export * from './define-plugin';
export * from './instance';
export * from './runner';
