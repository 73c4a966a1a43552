/**
 * @module proxy-rewrite/uri
 * The upstream URI: the client's normalised path, `uri` (with variables) or `regex_uri`, escaped
 * as nginx's `ngx_escape_uri` (NGX_ESCAPE_URI) does, with the client's query string appended.
 */
import { compilePcre, expandPcreTemplate, resolveVar, type RequestContext } from '@tollgate/core';
import type { ProxyRewriteConf } from '@tollgate/schema';

/** Bytes nginx escapes in a URI: space, `#`, `%`, `?`, controls and everything past ASCII. */
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

const escapeSeparator = (value: string): string => value.replace(/\?/g, '%3F');

/** nginx's `$uri`: the path percent-decoded (left as sent when it does not decode). */
export function decodedPath(ctx: RequestContext): string {
  try {
    return decodeURIComponent(ctx.vars.uri);
  } catch {
    return ctx.vars.uri;
  }
}

const compiled = new WeakMap<readonly string[], RegExp[]>();

function regexes(pairs: readonly string[]): RegExp[] {
  let list = compiled.get(pairs);
  if (!list) {
    list = [];
    for (let i = 0; i < pairs.length; i += 2) list.push(compilePcre(pairs[i] ?? ''));
    compiled.set(pairs, list);
  }
  return list;
}

/** The new URI and the regex_uri captures (for `$1` in header values). */
export interface RewrittenUri {
  upstreamUri: string;
  /** The path for `$uri` in later plugins (nginx `ngx.req.set_uri`); undefined when unchanged. */
  path?: string;
  captures?: readonly (string | undefined)[];
}

function applyRegexUri(
  pairs: readonly string[],
  uri: string,
): { uri: string; captures?: readonly (string | undefined)[] } {
  const list = regexes(pairs);
  for (let i = 0; i < list.length; i++) {
    const re = list[i];
    const m = re?.exec(uri);
    if (!re || !m) continue;
    const template = pairs[i * 2 + 1] ?? '';
    const replaced = expandPcreTemplate(template, m);
    return {
      uri: uri.slice(0, m.index) + replaced + uri.slice(m.index + m[0].length),
      captures: [...m],
    };
  }
  return { uri };
}

/** APISIX proxy-rewrite's `$upstream_uri` for this request. */
export function rewriteUri(conf: ProxyRewriteConf, ctx: RequestContext): RewrittenUri {
  const raw = ctx.req.url ?? '/';
  let uri = conf.use_real_request_uri_unsafe ? raw : decodedPath(ctx);
  let separatorEscaped = false;
  let captures: readonly (string | undefined)[] | undefined;
  if (conf.uri !== undefined) {
    separatorEscaped = true;
    uri = resolveVar(conf.uri, ctx.vars.lookup, escapeSeparator);
  } else if (conf.regex_uri !== undefined) {
    separatorEscaped = !uri.includes('?');
    ({ uri, captures } = applyRegexUri(conf.regex_uri, uri));
  }
  if (conf.use_real_request_uri_unsafe) return { upstreamUri: uri, captures };

  const index = separatorEscaped ? uri.indexOf('?') : -1;
  const path = index === -1 ? escapeUri(uri) : escapeUri(uri.slice(0, index));
  const encoded = index === -1 ? path : path + uri.slice(index);
  if (!raw.includes('?')) return { upstreamUri: encoded, path, captures };
  const args = ctx.vars.queryString;
  return { upstreamUri: `${encoded}${index === -1 ? '?' : '&'}${args}`, path, captures };
}
