/**
 * @module oracle
 * What every fuzzed reply must be: a 2xx, or a 4xx whose body is a JSON error object
 * (`{"error_msg": …}`, `{"message": …}`, or OpenAI's `{"error": {"message": …}}` on AI routes),
 * or one of the few plain-text refusals the spec copies from APISIX. Never a 5xx, never a
 * dropped connection, never a hang.
 */
import type { RawReply, RawRequest } from './raw-http';

type JsonRecord = Record<string, unknown>;

const isRecord = (v: unknown): v is JsonRecord =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function errorText(body: JsonRecord): string | undefined {
  if (typeof body.error_msg === 'string') return body.error_msg;
  if (typeof body.message === 'string') return body.message;
  if (isRecord(body.error) && typeof body.error.message === 'string') return body.error.message;
  return undefined;
}

/**
 * Why `reply` breaks the contract for `req`, or undefined when it keeps it. `plainText` lists
 * the exact plain-text 4xx bodies the caller's spec requires.
 */
export function replyViolation(
  req: RawRequest,
  reply: RawReply,
  plainText: readonly RegExp[] = [],
): string | undefined {
  if (!reply.ok) return `no response: ${reply.error}`;
  const { status, body } = reply;
  const excerpt = JSON.stringify(body.slice(0, 200));
  if (status >= 500) return `status ${status}, body ${excerpt}`;
  if (status < 200 || (status >= 300 && status < 400)) return `unexpected status ${status}`;
  // A HEAD reply carries no body to judge.
  if (status < 400 || req.method === 'HEAD') return undefined;
  if (plainText.some((re) => re.test(body))) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `status ${status} with a body that is not JSON (${reply.contentType ?? 'no content-type'}): ${excerpt}`;
  }
  if (!isRecord(parsed) || errorText(parsed) === undefined) {
    return `status ${status} with a JSON body that is no error object: ${excerpt}`;
  }
  return undefined;
}
