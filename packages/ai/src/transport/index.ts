/**
 * @module transport
 * Upstream HTTP transport for LLM calls.
 */
export * from './http';
export { readBodyUpTo } from './read-body';
export * from './exchange-cancel';
export { isAbortError, toTransportError } from './map-error';
export * from './aws-sigv4';
export * from './aws-eventstream';
