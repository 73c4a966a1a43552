/**
 * @module ai-common/accept-request
 * The access-phase checks of the AI proxy plugins (spec §1.8 "client request acceptance"): content
 * type, body size, empty and invalid JSON, protocol detection. Fills `ctx.ai` or returns the exit
 * APISIX answers with, body for body.
 */
import { detectProtocol, promptCharsOf } from '@tollgate/ai';
import { AiContext, BodyTooLargeError, exit, type Exit, type RequestContext } from '@tollgate/core';

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
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return exit(400, { message: `could not parse JSON request body: ${(err as Error).message}` });
  }
  const protocol = detectProtocol(ctx.vars.uri, body);
  if (!protocol || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return exit(400, 'no matching AI protocol for the request');
  }
  const object = body as Record<string, unknown>;
  const ai = (ctx.ai ??= new AiContext());
  ai.protocol = protocol;
  ai.body = object;
  ai.rawBody = raw;
  ai.requestModel = typeof object.model === 'string' ? object.model : undefined;
  ai.requestType =
    protocol !== 'openai-embeddings' && object.stream === true ? 'ai_stream' : 'ai_chat';
  const endUser = object.safety_identifier ?? object.user;
  ai.endUserId = typeof endUser === 'string' ? endUser : undefined;
  ai.promptChars = promptCharsOf(object, protocol);
  ctx.vars.set('request_type', ai.requestType);
  if (ai.requestModel !== undefined) ctx.vars.set('request_llm_model', ai.requestModel);
  return undefined;
}
