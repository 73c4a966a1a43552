/**
 * @module auth
 * The API-key check of the LLM endpoints. Pure.
 */
import type { IncomingHttpHeaders } from 'node:http';

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = Object.hasOwn(headers, name) ? headers[name] : undefined;
  return Array.isArray(v) ? v[0] : v;
}

/**
 * The keys a request presents: `Authorization: Bearer <k>`, `x-api-key` (Anthropic), `api-key`
 * (Azure), `x-goog-api-key` (Gemini), and the `api_key` / `key` query parameters.
 */
export function presentedKeys(headers: IncomingHttpHeaders, query: URLSearchParams): string[] {
  const keys: string[] = [];
  const bearer = /^Bearer\s+(.+)$/i.exec(headerValue(headers, 'authorization') ?? '');
  if (bearer?.[1]) keys.push(bearer[1].trim());
  for (const name of ['x-api-key', 'api-key', 'x-goog-api-key']) {
    const v = headerValue(headers, name);
    if (v) keys.push(v.trim());
  }
  for (const name of ['api_key', 'key']) keys.push(...query.getAll(name));
  return keys;
}

/** Whether the request may pass: no keys configured, or it presents one of them. */
export function isAuthorised(
  apiKeys: readonly string[] | undefined,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): boolean {
  if (!apiKeys || apiKeys.length === 0) return true;
  return presentedKeys(headers, query).some((k) => apiKeys.includes(k));
}
