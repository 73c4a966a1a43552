/**
 * @module ai-aws-content-moderation/segments
 * Cutting text into what DetectToxicContent accepts (spec A.5): segments of at most `limit`
 * bytes (Comprehend's own cap is 1 KiB a segment), never ending inside a UTF-8 character, sent at
 * most 10 segments and 10 000 bytes a call. Text over that needs several calls.
 */

/** Comprehend refuses a call with more segments than this. */
export const MAX_SEGMENTS_PER_CALL = 10;
/** APISIX's cap on one call's text, under Comprehend's 10 KiB list limit. */
export const MAX_CALL_BYTES = 10_000;

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * Where the segment starting at `from` ends (exclusive): `from + limit` or the end of `bytes`,
 * moved back to the start of a character cut in two. A character wider than `limit` (only
 * possible below 4 bytes, which the schema refuses) or invalid UTF-8 is cut on the byte.
 */
function segmentEnd(bytes: Buffer, from: number, limit: number): number {
  const end = from + limit;
  if (end >= bytes.length) return bytes.length;
  let cut = end;
  // At most 3 continuation bytes follow a lead byte.
  for (let steps = 0; steps < 3 && isContinuation(bytes[cut]); steps += 1) cut -= 1;
  if (cut <= from || isContinuation(bytes[cut])) return end;
  return cut;
}

/**
 * The calls that cover `text`: each a list of segments within Comprehend's limits, in order.
 *
 * @example
 * segmentBatches('a'.repeat(1100), 100); // one call of 10 segments of 100 bytes, then one of 1
 */
export function segmentBatches(text: string, limit: number): string[][] {
  const bytes = Buffer.from(text, 'utf8');
  const calls: string[][] = [];
  let cursor = 0;
  while (cursor < bytes.length) {
    const segments: string[] = [];
    let callBytes = 0;
    while (cursor < bytes.length && segments.length < MAX_SEGMENTS_PER_CALL) {
      const stop = segmentEnd(bytes, cursor, limit);
      const size = stop - cursor;
      if (segments.length > 0 && callBytes + size > MAX_CALL_BYTES) break;
      segments.push(bytes.toString('utf8', cursor, stop));
      callBytes += size;
      cursor = stop;
    }
    calls.push(segments);
  }
  return calls;
}
