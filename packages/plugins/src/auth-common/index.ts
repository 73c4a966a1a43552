/**
 * @module auth-common
 * What the auth plugins (basic-auth, jwt-auth, hmac-auth, multi-auth) share: constant-time
 * secret comparison, the anonymous-consumer fallback and header reads. Attaching a consumer is
 * core's `attachConsumer`, the same for every auth plugin.
 */
export { safeEqual } from './safe-equal';
export { refuse, NO_ANONYMOUS_CONSUMER } from './refuse';
export { requestHeader } from './request-header';
