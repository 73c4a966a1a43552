/**
 * @module request-body
 * Reads and parses Admin API bodies: at most 1.5 MiB (APISIX's MAX_REQ_BODY), JSON whatever the
 * Content-Type says, valid Unicode, and no `__proto__`/`constructor`/`prototype` keys at any depth
 * (they would poison objects once merged by PATCH).
 */
import type { Request } from 'express';
import { findNestingOverflow, isPrototypeKey, MAX_JSON_DEPTH } from '@tollgate/core';
import { errorResponse, type AdminResponse } from './response';

export const MAX_BODY_BYTES = 1.5 * 1024 * 1024;

/** A parsed body (`undefined` when the request had none) or the 400 to answer. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; response: AdminResponse };

/**
 * Reads the raw body of `req`, refusing more than MAX_BODY_BYTES. A refused body is left unread,
 * not destroyed: destroying the request would reset the connection before the 400 is written.
 * The server discards the rest once the answer is out (`guardHttpServer`).
 */
export async function readRawBody(req: Request): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  const body = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

// `fatal`: invalid UTF-8 is refused instead of becoming U+FFFD; `ignoreBOM`: a BOM stays in the
// text, where JSON.parse refuses it as before.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function refused(message: string): ParsedBody {
  return { ok: false, response: errorResponse(400, `invalid request body: ${message}`) };
}

/**
 * Parses a raw body the way APISIX's admin does, with Tollgate's extra checks: at most
 * MAX_JSON_DEPTH levels of nesting (lua-cjson's limit; measured before parsing, so a deep body never
 * reaches the recursive reviver), valid UTF-8, no lone surrogate (`"\ud800"`) in any key or string, which etcd and other clients could not
 * read back as text, and no prototype key.
 */
export function parseBody(raw: Buffer | 'too-large'): ParsedBody {
  if (raw === 'too-large') {
    return refused(`request size is greater than the maximum size ${MAX_BODY_BYTES} allowed`);
  }
  if (raw.length === 0) return { ok: true, value: undefined };
  const overflow = findNestingOverflow(raw, MAX_JSON_DEPTH);
  if (overflow) {
    return refused(
      `too many nested arrays or objects (more than ${MAX_JSON_DEPTH}) at character ${overflow.offset + 1}`,
    );
  }
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    return refused('invalid UTF-8');
  }
  let forbidden: string | undefined;
  let surrogate = false;
  let value: unknown;
  try {
    value = JSON.parse(text, function reviver(this: unknown, key: string, v: unknown) {
      if (isPrototypeKey(key)) forbidden ??= key;
      surrogate ||= LONE_SURROGATE.test(key) || (typeof v === 'string' && LONE_SURROGATE.test(v));
      return v;
    });
  } catch (err) {
    return {
      ok: false,
      response: {
        status: 400,
        body: { error_msg: `invalid request body: ${(err as Error).message}`, req_body: text },
      },
    };
  }
  if (forbidden !== undefined) return refused(`forbidden key "${forbidden}"`);
  if (surrogate) return refused('lone surrogate in a string (not valid Unicode)');
  // `null` carries no configuration, like an empty body.
  return { ok: true, value: value === null ? undefined : value };
}
