/**
 * @module hmac-auth/verify
 * Checks of a parsed HMAC signature against a consumer and the route's configuration, in APISIX
 * 3.x's order: fields present, consumer known, algorithm allowed, clock skew, required signed
 * headers, signature, then the body digest.
 */
import crypto from 'node:crypto';
import { BodyTooLargeError, type RequestContext } from '@tollgate/core';
import type { HmacAuthConf } from '@tollgate/schema';
import { requestHeader, safeEqual } from '../auth-common';
import type { SignatureParams } from './parse-signature';

/** Name under which consumers and credentials configure their key id and secret. */
export const PLUGIN_NAME = 'hmac-auth';

/** Largest body read to check a Digest header (Tollgate decision; APISIX reads it whole). */
export const MAX_DIGEST_BODY_BYTES = 16 * 1024 * 1024;

const HASHES: ReadonlyMap<string, string> = new Map([
  ['hmac-sha1', 'sha1'],
  ['hmac-sha256', 'sha256'],
  ['hmac-sha512', 'sha512'],
]);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
// IMF-fixdate, as `Date` headers carry it (`Fri, 06 Sep 2024 06:41:29 GMT`).
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * The signing string: the key id, then for each signed header in order `name: value` (or
 * `METHOD request-uri` for `@request-target`; headers the request lacks are skipped, as in
 * APISIX), each followed by a newline.
 */
export function signingString(ctx: RequestContext, params: SignatureParams): string {
  const items = [params.keyId ?? ''];
  for (const name of params.headers ?? []) {
    const value = requestHeader(ctx, name);
    if (value !== undefined) items.push(`${name}: ${value}`);
    else if (name === '@request-target')
      items.push(`${ctx.req.method ?? 'GET'} ${ctx.req.url || '/'}`);
  }
  return `${items.join('\n')}\n`;
}

function clockError(ctx: RequestContext, skew: number): string | undefined {
  const date = requestHeader(ctx, 'date') ?? requestHeader(ctx, 'x-date');
  if (date === undefined) return 'Date header missing. failed to validate clock skew';
  const time = HTTP_DATE.test(date) ? Date.parse(date) : Number.NaN;
  if (!Number.isFinite(time)) return 'Invalid GMT format time';
  return Math.abs(Date.now() - time) / 1000 > skew ? 'Clock skew exceeded' : undefined;
}

async function digestError(ctx: RequestContext): Promise<string | undefined> {
  const header = requestHeader(ctx, 'digest');
  if (header === undefined) return 'Invalid digest';
  let body: Buffer;
  try {
    body = await ctx.readBody(MAX_DIGEST_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return err.message;
    throw err;
  }
  const expected = `SHA-256=${crypto.createHash('sha256').update(body).digest('base64')}`;
  return safeEqual(header, expected) ? undefined : 'Invalid digest';
}

/** A verified request's consumer match, or the detailed failure reason. */
export type VerifyResult =
  | {
      readonly ok: true;
      readonly match: NonNullable<ReturnType<RequestContext['consumers']['findCredential']>>;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Verify a parsed signature. The reason is detailed (APISIX logs it, and multi-auth reports it);
 * the plugin answers a client only `client request can't be validated`.
 */
export async function verify(
  conf: HmacAuthConf,
  ctx: RequestContext,
  params: SignatureParams,
): Promise<VerifyResult> {
  const fail = (reason: string) => ({ ok: false, reason }) as const;
  if (params.keyId === undefined || params.signature === undefined) {
    return fail('keyId or signature missing');
  }
  if (params.algorithm === undefined) return fail('algorithm missing');
  const match = ctx.consumers.findCredential(PLUGIN_NAME, 'key_id', params.keyId);
  const secret = match?.conf.secret_key;
  if (!match || typeof secret !== 'string') return fail('Invalid key_id');
  const hash = HASHES.get(params.algorithm);
  if (hash === undefined || !conf.allowed_algorithms.includes(params.algorithm as never)) {
    return fail('Invalid algorithm');
  }
  const skew = clockError(ctx, conf.clock_skew);
  if (skew !== undefined) return fail(skew);
  if (conf.signed_headers && conf.signed_headers.length > 0) {
    if (!params.headers) return fail('headers missing');
    for (const name of conf.signed_headers) {
      if (!params.headers.includes(name))
        return fail(`expected header "${name}" missing in signing`);
    }
  }
  const expected = crypto.createHmac(hash, secret).update(signingString(ctx, params)).digest();
  const presented = BASE64.test(params.signature)
    ? Buffer.from(params.signature, 'base64')
    : undefined;
  if (!presented || !safeEqual(presented, expected)) return fail('Invalid signature');
  if (conf.validate_request_body) {
    const digest = await digestError(ctx);
    if (digest !== undefined) return fail(digest);
  }
  return { ok: true, match };
}
