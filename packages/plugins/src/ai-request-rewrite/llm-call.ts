/**
 * @module ai-request-rewrite/llm-call
 * The one LLM call of ai-request-rewrite (spec A.4 steps 2–4): a non-streamed openai-chat request
 * `{messages: [system: prompt, user: client body], stream: false}` plus `options`, built and sent
 * by the same provider code ai-proxy uses (`resolveTarget`, `buildUpstreamBody`,
 * `buildUpstreamHeaders`, the worker's `AiTransport`), under one deadline for the whole call;
 * then the text of the answer's `choices[].message.content`, joined with a space.
 */
import {
  buildUpstreamBody,
  buildUpstreamHeaders,
  getProtocol,
  ExchangeCancel,
  getProvider,
  isUpstreamTransportError,
  readBodyUpTo,
  resolveTarget,
} from '@tollgate/ai';
import { isGatewayError } from '@tollgate/core';
import type { AiRequestRewriteConf } from '@tollgate/schema';
import { aiRuntime } from '../ai-common/runtime';

/** What the call produced: the new request body, or why there is none (an error log line). */
export type LlmOutcome =
  { ok: true; text: string } | { ok: false; reason: string; clientGone?: boolean };

/** APISIX's ai-request-rewrite has no keepalive_timeout; ai-proxy's default. */
const KEEPALIVE_TIMEOUT_MS = 60_000;
/** Most bytes of an error answer read before the connection is given up. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The request body the LLM gets (before `options` are merged in). */
export function rewriteRequestBody(prompt: string, userContent: string): Record<string, unknown> {
  return {
    messages: [
      { role: 'system', content: prompt },
      { role: 'user', content: userContent },
    ],
    stream: false,
  };
}

/**
 * The text of an openai-chat answer, or undefined when it has no `choices` to read. As APISIX's
 * `extract_response_text`, choices without a string `message.content` add nothing, so an answer
 * whose choices carry no text gives an empty body rather than an error.
 */
export function answerText(json: unknown): string | undefined {
  const choices = (json as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  return getProtocol('openai-chat').responseText(json);
}

async function exchange(
  conf: AiRequestRewriteConf,
  userContent: string,
  poolKey: string,
  signal: AbortSignal,
): Promise<LlmOutcome> {
  const provider = getProvider(conf.provider);
  if (!provider?.supports('openai-chat')) {
    return { ok: false, reason: `provider ${conf.provider} has no openai-chat capability` };
  }
  const instance = { auth: conf.auth, override: conf.override };
  let target;
  let body;
  try {
    target = resolveTarget(provider, instance, 'openai-chat');
    const request = rewriteRequestBody(conf.prompt, userContent);
    body = buildUpstreamBody({
      raw: Buffer.from(JSON.stringify(request)),
      body: request,
      protocol: 'openai-chat',
      targetProtocol: 'openai-chat',
      provider,
      options: conf.options,
    }).bytes;
  } catch (err) {
    if (isGatewayError(err)) return { ok: false, reason: `failed to request LLM: ${err.message}` };
    throw err;
  }
  const res = await aiRuntime().transport.send({
    key: poolKey,
    origin: target.origin,
    path: target.path,
    query: target.query,
    headers: buildUpstreamHeaders({}, conf.auth.header),
    hostHeader: target.hostHeader,
    body,
    timeoutMs: conf.timeout,
    keepalive: conf.keepalive,
    keepaliveTimeoutMs: KEEPALIVE_TIMEOUT_MS,
    keepalivePool: conf.keepalive_pool,
    sslVerify: conf.ssl_verify,
    tlsServername: target.tlsServername,
    cancel: ExchangeCancel.following(signal),
  });
  if (res.status !== 200) {
    await readBodyUpTo(res, MAX_ERROR_BODY_BYTES);
    return { ok: false, reason: `LLM service returned error status: ${res.status}` };
  }
  // The answer becomes the request body, so it is held to the same limit as the client's.
  const raw = await readBodyUpTo(res, conf.max_req_body_size);
  if (!raw) {
    return {
      ok: false,
      reason: `LLM response is greater than the maximum size ${conf.max_req_body_size} allowed`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `failed to decode LLM response: ${(err as Error).message}` };
  }
  const text = answerText(json);
  if (text === undefined) return { ok: false, reason: 'failed to extract text from LLM response' };
  return { ok: true, text };
}

/**
 * Ask the LLM to rewrite `userContent`. `clientSignal` ends the call when the client leaves;
 * `conf.timeout` bounds the whole call (connect, send and read), as APISIX's total timeout.
 */
export async function askLlm(
  conf: AiRequestRewriteConf,
  userContent: string,
  poolKey: string,
  clientSignal: AbortSignal,
): Promise<LlmOutcome> {
  const deadline = AbortSignal.timeout(conf.timeout);
  const signal = AbortSignal.any([clientSignal, deadline]);
  try {
    return await exchange(conf, userContent, poolKey, signal);
  } catch (err) {
    if (clientSignal.aborted) return { ok: false, reason: 'client went away', clientGone: true };
    if (deadline.aborted) return { ok: false, reason: 'failed to request LLM: timeout' };
    if (isUpstreamTransportError(err)) {
      return { ok: false, reason: `failed to request LLM: ${err.message}` };
    }
    throw err;
  }
}
