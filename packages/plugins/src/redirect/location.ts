/**
 * @module redirect/location
 * The Location of a redirect: `uri` with variables (APISIX's `concat_new_uri`), `regex_uri` over
 * the request path, then nginx-style escaping and the query string as configured.
 */
import { compilePcre, expandPcreTemplate, varToText, type RequestContext } from '@tollgate/core';
import type { RedirectConf } from '@tollgate/schema';

/** `\$name` (kept as written), `${name}`, `$name`, or a run of other text. */
const SEGMENT = /(\\\$[0-9a-zA-Z_]+)|\$\{([0-9a-zA-Z_]+)\}|\$([0-9a-zA-Z_]+)|(\$|[^$\\]+)/g;

/**
 * APISIX `concat_new_uri`: variables resolved (`uri` as nginx's decoded `$uri`), `\$name` kept,
 * unmatched characters dropped.
 */
export function resolveUriTemplate(uri: string, ctx: RequestContext): string {
  let out = '';
  for (const m of uri.matchAll(SEGMENT)) {
    const name = m[2] ?? m[3];
    if (name === undefined) out += m[1] ?? m[4] ?? '';
    else out += name === 'uri' ? decodedPath(ctx) : varToText(ctx.vars.get(name));
  }
  return out;
}

function mustEscape(byte: number): boolean {
  return byte <= 0x20 || byte >= 0x7f || byte === 0x23 || byte === 0x25 || byte === 0x3f;
}

/** `ngx.escape_uri(s, 0)` over the UTF-8 bytes of `text`. */
export function escapeUri(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += mustEscape(byte)
      ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
      : String.fromCharCode(byte);
  }
  return out;
}

/** nginx's `$uri`: the request path percent-decoded (as sent when it does not decode). */
function decodedPath(ctx: RequestContext): string {
  const path = varToText(ctx.vars.get('uri'));
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const regexes = new WeakMap<readonly string[], RegExp>();

/** The regex_uri rewrite of the path, or undefined when the regex does not match. */
export function regexLocation(
  regexUri: readonly string[],
  ctx: RequestContext,
): string | undefined {
  let re = regexes.get(regexUri);
  if (!re) {
    re = compilePcre(regexUri[0] ?? '');
    regexes.set(regexUri, re);
  }
  const path = decodedPath(ctx);
  const m = re.exec(path);
  if (!m) return undefined;
  const replaced = expandPcreTemplate(regexUri[1] ?? '', m);
  return path.slice(0, m.index) + replaced + path.slice(m.index + m[0].length);
}

/** `location` escaped (`encode_uri`) and with the query string appended (`append_query_string`). */
export function finishLocation(location: string, conf: RedirectConf, ctx: RequestContext): string {
  const index = location.indexOf('?');
  let out = location;
  if (conf.encode_uri) {
    out = index === -1 ? escapeUri(out) : escapeUri(out.slice(0, index)) + out.slice(index);
  }
  if (conf.append_query_string && (ctx.req.url ?? '').includes('?')) {
    out += `${index === -1 ? '?' : '&'}${ctx.vars.queryString}`;
  }
  return out;
}
