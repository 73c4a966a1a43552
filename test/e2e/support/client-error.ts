/**
 * What a gateway-made refusal on an AI route looks like with the client protocol error objects
 * (issue 16, on by default): APISIX's body, plus OpenAI's `error` or Anthropic's `type`/`error`.
 * Written out literally (not computed by the gateway's code) so the tests check the wire shape.
 */

/** OpenAI's `error.type` and `error.code` for the statuses the tests refuse with. */
const OPENAI: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'permission_denied' },
  413: { type: 'invalid_request_error', code: null },
  429: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: null },
};

/** Anthropic's `error.type` for the statuses the tests refuse with. */
const ANTHROPIC: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
};

/**
 * `apisix` (the body APISIX answers, `{"message"}` or `{"error_msg"}`) with the error object an
 * OpenAI (default) or Anthropic client gets added; `code` overrides OpenAI's default code.
 *
 * @example
 * withClientError({ message: 'Missing API key in request' }, 401);
 */
export function withClientError(
  apisix: { message?: string; error_msg?: string },
  status: number,
  dialect: 'openai' | 'anthropic' = 'openai',
  code?: string,
): Record<string, unknown> {
  const message = apisix.message ?? apisix.error_msg ?? '';
  if (dialect === 'anthropic') {
    return { ...apisix, type: 'error', error: { type: ANTHROPIC[status], message } };
  }
  const defaults = OPENAI[status] ?? { type: 'invalid_request_error', code: null };
  return { ...apisix, error: { message, type: defaults.type, code: code ?? defaults.code } };
}
