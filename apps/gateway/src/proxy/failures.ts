/**
 * @module proxy/failures
 * What a failed attempt means for the client: its status (nginx: 504 for timeouts, 502 for every
 * other upstream error), whether another node may be tried (nginx's default
 * `proxy_next_upstream error timeout`), and nginx's short error pages.
 */
import type { AttemptStage } from './attempt';

/** undici and socket codes that mean a timeout. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** Methods nginx resends after the request was written (non_idempotent is not set in APISIX). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/** The error code of an undici or socket error. */
export function errorCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}

/** 504 for timeouts, 502 for refused, reset, DNS and every other upstream error. */
export function failureStatus(error: Error): 502 | 504 {
  return TIMEOUT_CODES.has(errorCode(error)) ? 504 : 502;
}

/**
 * Whether another node may be tried: always when nothing was written (connect failures); after
 * the request was written only for idempotent methods whose body can be sent again; never once a
 * response (any status) arrived. Our own argument errors are not the node's fault and are final.
 */
export function mayRetry(
  stage: AttemptStage,
  error: Error,
  method: string,
  replayable: boolean,
): boolean {
  if (errorCode(error) === 'UND_ERR_INVALID_ARG') return false;
  if (stage === 'connect') return true;
  return stage === 'sent' && replayable && IDEMPOTENT.has(method);
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  413: 'Request Entity Too Large',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** nginx's error page for `status`, without the server signature. */
export function errorPage(status: number): string {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`;
}
