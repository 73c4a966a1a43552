/**
 * @module ai-common/accept-request
 * The access-phase checks of the AI proxy plugins (spec §1.8 "client request acceptance"): content
 * type, body size, empty and invalid JSON, nesting depth, protocol detection. Fills `ctx.ai` or
 * returns the exit APISIX answers with, body for body.
 *
 * Two refusals go beyond the spec's list, both JSON like their neighbours (issue 9):
 * - a body nested deeper than MAX_JSON_DEPTH (1000, lua-cjson's limit, which makes APISIX answer
 *   `could not parse JSON request body: ...` too); deeper bodies would overflow the stack of the
 *   recursive walks that build the upstream body;
 * - valid JSON that is not an object (`[1,2]`, `null`, `"str"`, `123`): `{"message": "request body
 *   must be a JSON object"}`. APISIX has no defined answer for these (cjson's `null` even fails its
 *   protocol matchers with a 500). The spec's plain-text `no matching AI protocol for the request`
 *   stays for objects that match no protocol (`{}`), as APISIX answers.
 */
import { detectProtocol, getProtocol, promptCharsOf } from '@tollgate/ai';
import {
  AiContext,
  BodyTooLargeError,
  exit,
  findNestingOverflow,
  isPlainObject,
  MAX_JSON_DEPTH,
  type Exit,
  type RequestContext,
} from '@tollgate/core';

/** Read and check the client body; on success `ctx.ai` describes the request. */
export async function acceptAiRequest(
  ctx: RequestContext,
  maxBodyBytes: number,
): Promise<Exit | undefined> {
  const contentType = ctx.req.headers['content-type'];
  if (contentType !== undefined && !contentType.toLowerCase().startsWith('application/json')) {
    return exit(
      400,
      `unsupported content-type: ${contentType}, only application/json is supported`,
    );
  }
  let raw: Buffer;
  try {
    raw = await ctx.readBody(maxBodyBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      return exit(413, {
        message: `request size is greater than the maximum size ${maxBodyBytes} allowed`,
      });
    }
    throw err;
  }
  if (raw.length === 0) return exit(400, { message: 'could not get body: request body is empty' });
  const overflow = findNestingOverflow(raw, MAX_JSON_DEPTH);
  if (overflow) {
    return exit(400, {
      message:
        'could not parse JSON request body: too many nested arrays or objects ' +
        `(more than ${MAX_JSON_DEPTH}) at character ${overflow.offset + 1}`,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return exit(400, { message: `could not parse JSON request body: ${(err as Error).message}` });
  }
  if (!isPlainObject(body)) return exit(400, { message: 'request body must be a JSON object' });
  const protocol = detectProtocol(ctx.vars.uri, body);
  if (!protocol) return exit(400, 'no matching AI protocol for the request');
  const ai = (ctx.ai ??= new AiContext());
  ai.protocol = protocol;
  ai.body = body;
  ai.rawBody = raw;
  ai.requestModel = typeof body.model === 'string' ? body.model : undefined;
  ai.requestType = getProtocol(protocol).isStream(body, ctx.vars.uri) ? 'ai_stream' : 'ai_chat';
  const endUser = body.safety_identifier ?? body.user;
  ai.endUserId = typeof endUser === 'string' ? endUser : undefined;
  ai.promptChars = promptCharsOf(body, protocol);
  ctx.vars.set('request_type', ai.requestType);
  if (ai.requestModel !== undefined) ctx.vars.set('request_llm_model', ai.requestModel);
  return undefined;
}
