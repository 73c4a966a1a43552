/**
 * @module transport/map-error
 * Classify undici / socket errors into the transport error kinds of spec §1.7 step 2.
 */
import { UpstreamConnectError, UpstreamResetError, UpstreamTimeoutError } from '../errors';

const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

const RESET_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
]);

/** Errors that are not transport failures: aborts and invalid arguments (bugs). */
const PASS_CODES: ReadonlySet<string> = new Set([
  'UND_ERR_ABORTED',
  'UND_ERR_ABORT',
  'ABORT_ERR',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_INVALID_RETURN_VALUE',
]);

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; errors?: unknown };
  if (typeof e.code === 'string') return e.code;
  // Happy-eyeballs connects fail with an AggregateError of the per-address errors.
  if (Array.isArray(e.errors)) return codeOf(e.errors[0]);
  return undefined;
}

/** True for an abort (the caller's signal, or `AiUpstreamResponse.abort()`). */
export function isAbortError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = codeOf(err);
  return (err as Error).name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR';
}

/**
 * Map an error from the upstream exchange to a typed transport error:
 * timeouts (connect, headers, body idle) → `timeout`; resets and closed sockets → `reset`;
 * anything else from the network (refused, DNS, TLS, unreachable) → `connect`.
 * Aborts and argument errors are returned unchanged; everything else becomes an
 * `UpstreamTransportError`.
 */
export function toTransportError(err: unknown, origin: string, beforeResponse: boolean): unknown {
  const code = codeOf(err);
  if (isAbortError(err) || (code !== undefined && PASS_CODES.has(code))) return err;
  const detail = err instanceof Error ? err.message : String(err);
  const options = { cause: err, beforeResponse };
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new UpstreamTimeoutError(`upstream ${origin} timed out: ${detail}`, options);
  }
  if (code !== undefined && RESET_CODES.has(code)) {
    return new UpstreamResetError(`upstream ${origin} closed the connection: ${detail}`, options);
  }
  return new UpstreamConnectError(`cannot connect to upstream ${origin}: ${detail}`, options);
}
