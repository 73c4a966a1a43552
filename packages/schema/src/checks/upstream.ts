/**
 * @module checks/upstream
 * The storage-free part of APISIX's `check_upstream_conf` (apisix/upstream.lua), run on an
 * upstream that already passed its schema (defaults filled).
 */
import { chashKeyError } from './chash-key';
import { certKeyError } from './ssl';

/** A code-level failure; `verbatim` when APISIX prints it without `invalid configuration: `. */
export interface CheckFailure {
  message: string;
  verbatim: boolean;
}

/** Checks pass_host/upstream_host, the inline TLS client pair and the chash key of a validated upstream. */
export function checkUpstream(upstream: Record<string, unknown>): CheckFailure | undefined {
  const host = upstream.upstream_host;
  if (upstream.pass_host === 'rewrite' && (host === undefined || host === '')) {
    return {
      message: "`upstream_host` can't be empty when `pass_host` is `rewrite`",
      verbatim: true,
    };
  }
  const tls = upstream.tls as Record<string, unknown> | undefined;
  if (typeof tls?.client_cert === 'string') {
    const key = typeof tls.client_key === 'string' ? tls.client_key : undefined;
    const err = certKeyError(tls.client_cert, key);
    if (err !== undefined) return { message: err, verbatim: true };
  }
  if (upstream.type !== 'chash') return undefined;
  const hashOn = typeof upstream.hash_on === 'string' ? upstream.hash_on : 'vars';
  if (hashOn !== 'consumer' && upstream.key === undefined) {
    return { message: 'missing key', verbatim: true };
  }
  const err = chashKeyError(hashOn, upstream.key);
  return err === undefined ? undefined : { message: err, verbatim: false };
}
