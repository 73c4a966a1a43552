/**
 * @module response
 * What every Admin API handler returns: a status and a body. Expected refusals (bad input, missing
 * keys) are responses, not exceptions; faults (store unreachable) are thrown and mapped by the
 * error handler in server.ts.
 */

/** A reply: objects are sent as JSON plus a newline (APISIX's core.response), strings verbatim. */
export interface AdminResponse {
  status: number;
  body?: unknown;
}

/** `{status, {"error_msg": message}}`, APISIX's error envelope. */
export function errorResponse(status: number, message: string): AdminResponse {
  return { status, body: { error_msg: message } };
}

/** 404 as etcd-backed APISIX answers for a missing key. */
export const KEY_NOT_FOUND: AdminResponse = { status: 404, body: { message: 'Key not found' } };

/**
 * 400 for a configuration whose stored form the config store cannot hold: worded as APISIX's
 * refusal of a body over 1.5 MiB, the same kind of mistake.
 */
export function valueTooLarge(err: Error): AdminResponse {
  return errorResponse(400, `invalid request body: ${err.message}`);
}
