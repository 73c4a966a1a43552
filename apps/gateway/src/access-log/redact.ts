/**
 * @module access-log/redact
 * What keeps secrets out of the access log and the control API (decision D7): query arguments
 * and config fields whose names look like credentials lose their values. (The access log carries
 * no request header but `user-agent`, `content-type` and `referer`; see `./entry`.)
 */

import { isPlainObject as isObj, setOwn } from '@tollgate/core';

export const REDACTED = '[REDACTED]';

/** Query argument names whose values are never logged (matched anywhere in the decoded name). */
const SECRET_ARG = /key|token|secret|passw|auth|signature|credential|session/i;

function decodeArgName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * A query string with the values of secret-looking arguments (and of `extraSecret` names, such as
 * key-auth's configured `query`) replaced by `[REDACTED]`; everything else is kept byte for byte.
 *
 * @example
 * redactQueryString('apikey=abc&page=2'); // 'apikey=[REDACTED]&page=2'
 */
export function redactQueryString(query: string, extraSecret?: ReadonlySet<string>): string {
  if (query === '') return query;
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      const name = decodeArgName(rawName);
      if (eq === -1 || !(SECRET_ARG.test(name) || extraSecret?.has(name))) return pair;
      return `${rawName}=${REDACTED}`;
    })
    .join('&');
}

/** A URL (absolute or a path) with its query string redacted as by `redactQueryString`. */
export function redactUrl(url: string, extraSecret?: ReadonlySet<string>): string;
export function redactUrl(
  url: string | undefined,
  extraSecret?: ReadonlySet<string>,
): string | undefined;
export function redactUrl(
  url: string | undefined,
  extraSecret?: ReadonlySet<string>,
): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const query = hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash);
  const tail = hash === -1 ? '' : url.slice(hash);
  return `${url.slice(0, q + 1)}${redactQueryString(query, extraSecret)}${tail}`;
}

/** Config field names whose (string) values are secrets wherever they appear. */
const SECRET_FIELD =
  /^(.*password.*|.*secret.*|.*_token|token|api_?key|apikey|client_key|auth_header|authorization|proxy-authorization|x-api-key|api-key|cookie|service_account_json)$/i;
/** `Name: value` header lines (health check `req_headers`) whose values are secrets. */
const SECRET_HEADER_LINE = /^\s*([^:\s]+)\s*:/;
const SECRET_HEADER_NAME = /auth|key|token|secret|cookie|session|passw/i;

type Obj = Record<string, unknown>;

/** Every string leaf of `value` replaced (credentials blocks such as `auth`). */
function redactLeaves(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return REDACTED;
  if (depth > 16) return value;
  if (Array.isArray(value)) return value.map((v) => redactLeaves(v, depth + 1));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, redactLeaves(v, depth + 1));
    return out;
  }
  return value;
}

function redactHeaderLines(lines: unknown): unknown {
  if (!Array.isArray(lines)) return lines;
  return (lines as unknown[]).map((line) => {
    if (typeof line !== 'string') return line;
    const name = SECRET_HEADER_LINE.exec(line)?.[1];
    return name && SECRET_HEADER_NAME.test(name) ? `${name}: ${REDACTED}` : line;
  });
}

/**
 * A deep copy of a config value (route, service, upstream, plugin metadata, ...) safe to show:
 * - `auth` blocks (ai-proxy and ai-proxy-multi instances: `header`, `query`, `gcp`, `aws`) keep
 *   their keys but every string value is replaced;
 * - key-auth's `key`, and any field named like a password, secret, token, API key, client key,
 *   `auth_header` or `authorization`, loses its value;
 * - `req_headers` lines (`Authorization: Bearer …`) lose the values of credential headers;
 * - `endpoint` and `uri` URLs lose the values of secret-looking query arguments.
 */
export function redactConfig(value: unknown, depth = 0, parentKey = ''): unknown {
  if (depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => redactConfig(v, depth + 1, parentKey));
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, redactField(k, v, depth, parentKey));
  return out;
}

function redactField(k: string, v: unknown, depth: number, parentKey: string): unknown {
  if (k === 'auth' && isObj(v)) return redactLeaves(v, depth + 1);
  if (typeof v === 'string' && SECRET_FIELD.test(k)) return REDACTED;
  if (k === 'key' && parentKey === 'key-auth' && typeof v === 'string') return REDACTED;
  if (k === 'req_headers') return redactHeaderLines(v);
  if ((k === 'endpoint' || k === 'uri') && typeof v === 'string') return redactUrl(v);
  return redactConfig(v, depth + 1, k);
}
