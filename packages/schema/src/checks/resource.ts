/**
 * @module checks/resource
 * Code-level checks APISIX's Admin API runs after a resource's schema (routes.lua,
 * services.lua, upstreams.lua, ssl.lua), limited to those that need no storage. `vars` expressions and
 * referenced ids are checked elsewhere.
 */
import type { SchemaName } from '../resources';
import { sslConfError } from './ssl';
import { checkUpstream, type CheckFailure } from './upstream';

type Conf = Record<string, unknown>;

function isObj(v: unknown): v is Conf {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** First failing code-level check of a schema-valid resource, or undefined. */
export function checkResource(name: SchemaName, conf: Conf): CheckFailure | undefined {
  if (name === 'route' || name === 'service') {
    // The route schema already rejects both pairs; kept for services and for parity with APISIX.
    if (conf.host !== undefined && conf.hosts !== undefined) {
      return { message: 'only one of host or hosts is allowed', verbatim: true };
    }
    if (conf.remote_addr !== undefined && conf.remote_addrs !== undefined) {
      return { message: 'only one of remote_addr or remote_addrs is allowed', verbatim: true };
    }
    return isObj(conf.upstream) ? checkUpstream(conf.upstream) : undefined;
  }
  if (name === 'upstream') return checkUpstream(conf);
  if (name === 'ssl') {
    const message = sslConfError(conf);
    return message === undefined ? undefined : { message, verbatim: true };
  }
  return undefined;
}
