/**
 * @module request-validation/parse-body
 * The request body as request-validation checks it: a form when the Content-Type media type is
 * `application/x-www-form-urlencoded`, any case, parameters ignored (ngx.decode_args: repeated keys become arrays, a key with
 * no `=` is `true`), JSON otherwise. Depth is bounded by MAX_JSON_DEPTH before parsing.
 */
import { findNestingOverflow, MAX_JSON_DEPTH, ownValue, setOwn } from '@tollgate/core';

/** A parsed body, or the decode error APISIX answers with. */
export type ParsedBody = { ok: true; value: unknown; json: boolean } | { ok: false; error: string };

function unescapeForm(s: string): string {
  const spaced = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** ngx.decode_args(body, 0) as a prototype-less record. */
export function decodeForm(body: string): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = unescapeForm(eq === -1 ? part : part.slice(0, eq));
    const value: string | true = eq === -1 ? true : unescapeForm(part.slice(eq + 1));
    const prev = ownValue(out, key);
    if (prev === undefined) setOwn(out, key, value);
    else if (Array.isArray(prev)) prev.push(value);
    else setOwn(out, key, [prev, value]);
  }
  return out;
}

/** Parse `raw` by the request's Content-Type. */
export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') {
    return { ok: true, value: decodeForm(raw.toString('latin1')), json: false };
  }
  const overflow = findNestingOverflow(raw, MAX_JSON_DEPTH);
  if (overflow) {
    return {
      ok: false,
      error:
        `too many nested arrays or objects (more than ${MAX_JSON_DEPTH}) ` +
        `at character ${overflow.offset + 1}`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown, json: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
