/**
 * @module @tollgate/ai
 * Provider and protocol knowledge for the AI proxy plugins (mostly pure functions) plus the
 * upstream transport. Plugins hold no provider knowledge: they call into this package.
 */
export * from './types';
export * from './errors';
export * from './sse';
export * from './usage';
export * from './target';
export * from './request-body';
export * from './request-headers';
export * from './protocols';
export * from './convert';
export * from './providers';
export * from './transport';
export * from './auth';
export * from './content';
export * from './json';
