/**
 * @module proxy
 * The plain upstream proxy: APISIX upstream semantics (balancing, retries, timeouts, pass_host,
 * X-Forwarded-* headers) over undici connection pools.
 */
export { UpstreamProxy, type UpstreamProxyOptions } from './upstream-proxy';
export { normaliseUpstream, type ProxyUpstream, type UpstreamNode } from './upstream-conf';
