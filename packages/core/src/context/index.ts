export * from './request-context';
export * from './response-writer';
export * from './vars';
export * from './consumers';
export * from './ai-context';
export * from './ai-response-hooks';
export * from './resolve-var';
export * from './ai-log-fields';
