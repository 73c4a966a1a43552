/**
 * @module request-body
 * Reads and parses Admin API bodies: at most 1.5 MiB (APISIX's MAX_REQ_BODY), JSON whatever the
 * Content-Type says, and no `__proto__`/`constructor`/`prototype` keys at any depth (they would
 * poison objects once merged by PATCH).
 */
import type { Request } from 'express';
import { errorResponse, type AdminResponse } from './response';

export const MAX_BODY_BYTES = 1.5 * 1024 * 1024;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A parsed body (`undefined` when the request had none) or the 400 to answer. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; response: AdminResponse };

/** Reads the raw body of `req`, refusing more than MAX_BODY_BYTES. */
export async function readRawBody(req: Request): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a raw body the way APISIX's admin does, with Tollgate's extra key check. */
export function parseBody(raw: Buffer | 'too-large'): ParsedBody {
  if (raw === 'too-large') {
    return {
      ok: false,
      response: errorResponse(
        400,
        `invalid request body: request size is greater than the maximum size ${MAX_BODY_BYTES} allowed`,
      ),
    };
  }
  if (raw.length === 0) return { ok: true, value: undefined };
  const text = raw.toString('utf8');
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(text, function reviver(this: unknown, key: string, v: unknown) {
      if (FORBIDDEN_KEYS.has(key)) forbidden ??= key;
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
  if (forbidden !== undefined) {
    return {
      ok: false,
      response: errorResponse(400, `invalid request body: forbidden key "${forbidden}"`),
    };
  }
  // `null` carries no configuration, like an empty body.
  return { ok: true, value: value === null ? undefined : value };
}
