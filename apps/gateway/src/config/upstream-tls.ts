/**
 * @module config/upstream-tls
 * Resolves an upstream's `tls.client_cert_id` to the certificate and key of that ssls item, so
 * the proxy sees `tls.client_cert`/`client_key` whichever way they were given (APISIX's init.lua
 * looks the ssl up per request). An id naming no ssl, or one not of type `client`, is left
 * unresolved: the proxy answers such an upstream with 502, as APISIX does.
 */
import type { ConfigValue } from './update';
import { idOf, objectOf } from './values';

/** Last resolution per upstream value, so an unchanged pair keeps its object (and its pools). */
const resolved = new WeakMap<ConfigValue, { ssl: ConfigValue | undefined; value: ConfigValue }>();

/** `upstream` with its client certificate filled from `ssls` (ssl values by id) when named by id. */
export function withClientCert(
  upstream: ConfigValue,
  ssls: ReadonlyMap<string, ConfigValue>,
): ConfigValue {
  const tls = objectOf(upstream.tls);
  const id = tls ? idOf(tls.client_cert_id) : undefined;
  if (!tls || id === undefined) return upstream;
  const ssl = ssls.get(id);
  const cached = resolved.get(upstream);
  if (cached && cached.ssl === ssl) return cached.value;
  const usable =
    ssl?.type === 'client' && typeof ssl.cert === 'string' && typeof ssl.key === 'string';
  const value = usable
    ? { ...upstream, tls: { ...tls, client_cert: ssl.cert, client_key: ssl.key } }
    : upstream;
  resolved.set(upstream, { ssl, value });
  return value;
}
