/**
 * @module ai-content-common/request-json
 * The request body of an AI content plugin that runs before ai-proxy, read once
 * (`ctx.readBody`, so later plugins get the same bytes) and parsed as JSON the way lua-cjson
 * would: a body nested deeper than 1000 levels fails as cjson's does.
 */
import {
  BodyTooLargeError,
  findNestingOverflow,
  MAX_JSON_DEPTH,
  type RequestContext,
} from '@tollgate/core';

/** Why the body could not be had: none, or over `limit` (with APISIX's `get_body` wording). */
export type BodyFailure = { empty: true; reason: string } | { tooLarge: true; reason: string };

/** The body's bytes, or why there are none to check. */
export async function readRequestBody(
  ctx: RequestContext,
  limit: number,
): Promise<{ raw: Buffer } | BodyFailure> {
  let raw: Buffer;
  try {
    raw = await ctx.readBody(limit);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    const declared = Number(ctx.req.headers['content-length']);
    const size = Number.isFinite(declared) && declared > limit ? `${declared} ` : '';
    return {
      tooLarge: true,
      reason: `request size ${size}is greater than the maximum size ${limit} allowed`,
    };
  }
  if (raw.length === 0) return { empty: true, reason: 'request body is empty' };
  return { raw };
}

/** `raw` parsed as JSON, or the parser's complaint. */
export function parseJsonBody(raw: Buffer): { value: unknown } | { error: string } {
  const overflow = findNestingOverflow(raw, MAX_JSON_DEPTH);
  if (overflow) {
    return {
      error: `too many nested arrays or objects (more than ${MAX_JSON_DEPTH}) at character ${overflow.offset + 1}`,
    };
  }
  try {
    return { value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
