/**
 * @module ai-common/attempt
 * One attempt at one LLM instance (spec §1.7 step 1–3): build the request from a fresh copy of
 * the client body, send it, and either relay the answer to the client or hand back the failure
 * (429, 5xx, a configured fallback status, or a transport error) for the retry decision.
 */
import {
  buildUpstreamBody,
  buildUpstreamHeaders,
  isAbortError,
  converterFor,
  ExchangeCancel,
  isUpstreamTransportError,
  resolveTarget,
  upstreamSigner,
  type ProtocolName,
  type UpstreamFailureKind,
} from '@tollgate/ai';
import {
  exit,
  isGatewayError,
  type AiAttempt,
  type Exit,
  type RequestContext,
} from '@tollgate/core';
import { dialectOf, gatewayErrorBody } from './client-errors';
import type { AiInstanceConf } from './instance';
import { llmCallEnded, llmCallStarted } from '../prometheus/llm-connections';
import { relayAnswer } from './relay';
import { aiRuntime } from './runtime';
import type { AiTransportSettings } from './settings';

/** An attempt that did not answer the client: what the retry decision and the client may get. */
export interface FailedAttempt {
  status: number;
  body: Buffer;
  contentType?: string;
  /** Retry-After of a 429/503, in ms. */
  retryAfterMs?: number;
  /** Set for a failure before any response byte (connection refused, reset, timeout). */
  transport?: UpstreamFailureKind;
  elapsedMs: number;
}

export type AttemptOutcome =
  { kind: 'answered' } | { kind: 'failed'; failure: FailedAttempt } | { kind: 'exit'; exit: Exit };

const MAX_ERROR_BODY_BYTES = 1024 * 1024;

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * The error body for failures Tollgate itself reports (style §1.4): OpenAI-shaped, or
 * Anthropic-shaped for a `/v1/messages` client (issue 16), so the client's SDK reads it.
 */
export function errorBody(
  message: string,
  type = 'upstream_error',
  ctx?: RequestContext,
  status = 502,
): Buffer {
  const dialect = ctx ? dialectOf(ctx.ai?.protocol, ctx.vars.uri) : 'openai';
  return gatewayErrorBody(dialect, status, message, type);
}

/** `anthropic-version` when none is given (APISIX's). */
const ANTHROPIC_VERSION = '2023-06-01';

/** The upstream request headers, adapted to the provider's protocol when the body is converted. */
function upstreamHeaders(
  ctx: RequestContext,
  instance: AiInstanceConf,
  protocol: ProtocolName,
  target: ProtocolName,
): Record<string, string> {
  const headers = buildUpstreamHeaders(ctx.req.headers, instance.auth?.header, ctx.upstreamHeaders);
  if (target !== protocol) converterFor(protocol, target)?.headers?.(headers, instance.provider);
  // The Messages API requires a version; APISIX sends this one when neither the client nor the
  // route set it.
  if (target === 'anthropic-messages') headers['anthropic-version'] ??= ANTHROPIC_VERSION;
  return headers;
}

async function readBounded(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size <= MAX_ERROR_BODY_BYTES) chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Try `instance`. `isFailure(status)` says which statuses are handed back rather than relayed
 * (429, 5xx and the configured fallback statuses).
 */
export async function attemptInstance(
  ctx: RequestContext,
  instance: AiInstanceConf,
  poolKey: string,
  settings: AiTransportSettings,
  isFailure: (status: number) => boolean,
): Promise<AttemptOutcome> {
  const ai = ctx.ai;
  if (!ai?.body || !ai.rawBody || !ai.protocol)
    return { kind: 'exit', exit: exit(500, { error_msg: 'AI request not prepared' }) };
  const protocol = ai.protocol as ProtocolName;
  const startedAt = performance.now();
  const record: AiAttempt = {
    instance: instance.name,
    provider: instance.provider,
    startMs: startedAt,
  };
  (ai.attempts ??= []).push(record);
  let target;
  let built;
  try {
    const model = instance.options?.model ?? ai.body.model;
    target = resolveTarget(instance.provider, instance, protocol, {
      path: ctx.vars.uri,
      query: ctx.vars.queryString,
      model: typeof model === 'string' ? model : undefined,
      stream: ai.requestType === 'ai_stream',
    });
    // A fresh copy of the client body for every attempt: instance A's options never reach B.
    built = buildUpstreamBody({
      raw: ai.rawBody,
      body: ai.body,
      protocol,
      targetProtocol: target.protocol,
      provider: instance.provider,
      options: instance.options,
      override: instance.override,
    });
  } catch (err) {
    record.endMs = performance.now();
    // APISIX answers "provider ... does not support ..." as plain text, a body its converter
    // cannot express as `{"error_msg": ...}`.
    if (isGatewayError(err))
      return {
        kind: 'exit',
        exit: exit(
          err.status,
          err.code === 'TOLLGATE_ERR_PROVIDER_PROTOCOL_UNSUPPORTED'
            ? err.message
            : { error_msg: err.message },
        ),
      };
    throw err;
  }
  ai.model = built.model;
  record.model = built.model;
  if (built.model !== undefined) ctx.vars.set('llm_model', built.model);

  const cancel = new ExchangeCancel();
  const onClose = () => {
    if (!ctx.response.res.writableFinished) cancel.cancel();
  };
  ctx.response.res.once('close', onClose);
  llmCallStarted(ctx);
  try {
    const upstream = await aiRuntime().transport.send({
      key: poolKey,
      origin: target.origin,
      path: target.path,
      query: target.query,
      headers: upstreamHeaders(ctx, instance, protocol, target.protocol),
      hostHeader: target.hostHeader,
      body: built.bytes,
      timeoutMs: settings.timeoutMs,
      keepalive: settings.keepalive,
      keepaliveTimeoutMs: settings.keepaliveTimeoutMs,
      keepalivePool: settings.keepalivePool,
      sslVerify: settings.sslVerify,
      tlsServername: target.tlsServername,
      cancel,
      sign: upstreamSigner(instance.provider, instance),
    });
    ai.upstreamStatus = upstream.status;
    record.status = upstream.status;
    if (isFailure(upstream.status)) {
      const body = await readBounded(upstream.body);
      const contentType = upstream.headers['content-type'];
      ai.upstreamResponseTimeMs = performance.now() - startedAt;
      return {
        kind: 'failed',
        failure: {
          status: upstream.status,
          body,
          contentType: Array.isArray(contentType) ? contentType[0] : contentType,
          retryAfterMs: parseRetryAfter(upstream.headers['retry-after']),
          elapsedMs: performance.now() - startedAt,
        },
      };
    }
    const relayed = await relayAnswer(ctx, upstream, settings, startedAt);
    ai.upstreamResponseTimeMs = performance.now() - startedAt;
    if (!relayed.sent) {
      record.error = 'bad_response';
      return {
        kind: 'failed',
        failure: {
          status: relayed.status,
          body: errorBody(relayed.message, undefined, ctx, relayed.status),
          contentType: 'application/json',
          elapsedMs: performance.now() - startedAt,
        },
      };
    }
    record.answered = true;
    return { kind: 'answered' };
  } catch (err) {
    if (isAbortError(err) || ctx.response.clientGone) return { kind: 'answered' };
    if (isUpstreamTransportError(err)) {
      record.error = `${err.kind}_error`;
      return {
        kind: 'failed',
        failure: {
          status: err.status,
          body: errorBody(
            err.kind === 'timeout'
              ? 'the LLM did not answer in time'
              : 'the LLM could not be reached',
            undefined,
            ctx,
            err.status,
          ),
          contentType: 'application/json',
          transport: err.kind,
          elapsedMs: performance.now() - startedAt,
        },
      };
    }
    throw err;
  } finally {
    record.endMs = performance.now();
    llmCallEnded(ctx);
    ctx.response.res.off('close', onClose);
  }
}
