/**
 * @module ai-request-rewrite/access
 * The access phase (spec A.4): the raw client body, of any content type and unparsed, goes to the
 * LLM as the user message, and the LLM's text replaces the body verbatim (Content-Type left as
 * it is). As in APISIX, every failure is a bare status: 400 for a missing or oversized body, 500
 * when the LLM call fails, each with its error log line.
 */
import {
  BodyTooLargeError,
  createLogger,
  exit,
  ownerOf,
  type Exit,
  type RequestContext,
} from '@tollgate/core';
import type { AiRequestRewriteConf } from '@tollgate/schema';
import { errorPage } from '../fault-injection/page';
import { askLlm } from './llm-call';

const log = createLogger('ai-request-rewrite');

/** nginx's page for a status APISIX answers without a body. */
function bare(status: number): Exit {
  return exit(status, errorPage(status), { 'content-type': 'text/html' });
}

/** Rewrite the request body through the LLM; an Exit when the request cannot go on. */
export async function rewriteRequest(
  conf: AiRequestRewriteConf,
  ctx: RequestContext,
): Promise<Exit | undefined> {
  let raw: Buffer;
  try {
    raw = await ctx.readBody(conf.max_req_body_size);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    log.warn(`failed to get request body: ${err.message}`, { route_id: ctx.route?.id });
    return bare(400);
  }
  if (raw.length === 0) {
    log.warn('missing request body', { route_id: ctx.route?.id });
    return bare(400);
  }
  // One pool per route (the transport also keys pools by origin and connection settings).
  const poolKey = `${ownerOf(conf) ?? 'unbound'}#ai-request-rewrite`;
  const outcome = await askLlm(conf, raw.toString('utf8'), poolKey, ctx.clientSignal);
  if (!outcome.ok) {
    if (!outcome.clientGone) log.error(outcome.reason, { route_id: ctx.route?.id });
    return bare(500);
  }
  ctx.replaceBody(Buffer.from(outcome.text, 'utf8'));
  return undefined;
}
