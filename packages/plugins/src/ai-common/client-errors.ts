/**
 * @module ai-common/client-errors
 * Tollgate extension (issue 16, docs/plugins/ai-proxy.md "Client protocol errors"): a refusal the
 * gateway makes on an AI route (key-auth 401, quota 429, 413, 503 ...) keeps APISIX's body and
 * gains the error object of the client's protocol, so the official SDKs report the reason:
 * - OpenAI clients (chat, responses, embeddings): `"error": {"message", "type", "code"}`;
 * - Anthropic clients (`/v1/messages`): `"type": "error", "error": {"type", "message"}`.
 *
 * APISIX's own fields (`message`, `error_msg`) stay as they are. Plain-text answers (`all servers
 * tried`) stay text, and a body that already carries `error` (an LLM's own error) is left alone.
 * On by default on routes with ai-proxy or ai-proxy-multi; `client_protocol_errors: false` on the
 * plugin turns it off.
 */
import { STATUS_CODES } from 'node:http';
import { isPlainObject, shallowCopy, type Exit, type RequestContext } from '@tollgate/core';

/** The two error shapes the SDKs read. */
export type ErrorDialect = 'openai' | 'anthropic';

/** A reason a plugin noted for its refusal, used when its body has no message of its own. */
export interface NotedError {
  readonly message: string;
  /** OpenAI `code` (e.g. `rate_limit_exceeded`); the type follows from the status. */
  readonly code?: string;
}

const STATE = 'ai-common:client-errors';

interface ClientErrorState {
  /** The refusal was shaped where it was made (its length known): the filters leave it. */
  shaped: boolean;
  /** The plugin whose filters rewrite this response (one, when both AI plugins are present). */
  owner?: string;
  chunks: Buffer[];
  noted?: NotedError;
}

const newState = (): ClientErrorState => ({ shaped: false, chunks: [] });

function stateOf(ctx: RequestContext): ClientErrorState {
  return ctx.pluginState(STATE, newState);
}

/**
 * The responses the header filter decided to rewrite, so the body filter (on every chunk of every
 * response of an AI route) finds the others with one lookup, allocating nothing.
 */
const rewriting = new WeakMap<RequestContext, ClientErrorState>();

/**
 * The dialect of a request: Anthropic for the Messages API, OpenAI otherwise. Before the AI
 * plugin's access phase (a key-auth refusal) the protocol is not known yet, so the path decides,
 * as the protocol detection does (`/v1/messages`).
 *
 * @example
 * dialectOf('anthropic-messages', '/x'); // 'anthropic'
 * dialectOf(undefined, '/v1/messages?beta=true'); // 'anthropic'
 */
export function dialectOf(protocol: string | undefined, uri: string): ErrorDialect {
  if (protocol !== undefined) return protocol === 'anthropic-messages' ? 'anthropic' : 'openai';
  const q = uri.indexOf('?');
  const path = q === -1 ? uri : uri.slice(0, q);
  return path.endsWith('/v1/messages') ? 'anthropic' : 'openai';
}

/** Anthropic's error types by status (docs.anthropic.com "Errors"). */
function anthropicType(status: number): string {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** OpenAI's error `type` and default `code` by status. */
function openAiTypeAndCode(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 403) return { type: 'invalid_request_error', code: 'permission_denied' };
  if (status === 404) return { type: 'invalid_request_error', code: 'not_found' };
  if (status === 429) return { type: 'rate_limit_error', code: 'rate_limit_exceeded' };
  if (status >= 500) return { type: 'server_error', code: null };
  return { type: 'invalid_request_error', code: null };
}

/**
 * The protocol's error object for `status` and `message`, as the fields to add to a body.
 *
 * @example
 * errorFields('anthropic', 429, 'quota used up');
 * // { type: 'error', error: { type: 'rate_limit_error', message: 'quota used up' } }
 */
export function errorFields(
  dialect: ErrorDialect,
  status: number,
  message: string,
  code?: string,
): Record<string, unknown> {
  if (dialect === 'anthropic') {
    return { type: 'error', error: { type: anthropicType(status), message } };
  }
  const defaults = openAiTypeAndCode(status);
  return { error: { message, type: defaults.type, code: code ?? defaults.code } };
}

/**
 * A gateway-made error body in the client's dialect, for failures only Tollgate reports (the LLM
 * could not be reached, a bad answer): no APISIX body exists for these.
 */
export function gatewayErrorBody(
  dialect: ErrorDialect,
  status: number,
  message: string,
  type = 'upstream_error',
): Buffer {
  const body =
    dialect === 'anthropic' ? errorFields(dialect, status, message) : { error: { message, type } };
  return Buffer.from(`${JSON.stringify(body)}\n`);
}

/**
 * `body` (the bytes of a refusal) with the client's error object added, or undefined when it is
 * left as it is: not a JSON object, or one that already has `error`. An empty body becomes the
 * error object alone; the message is APISIX's `message`, else `error_msg`, else the noted
 * reason, else the status text.
 *
 * @example
 * withClientError(Buffer.from('{"message":"Missing API key in request"}\n'), 401, 'openai');
 * // {"message":"Missing API key in request","error":{"message":"Missing API key in request",
 * //   "type":"invalid_request_error","code":"invalid_api_key"}}
 */
export function withClientError(
  body: Buffer,
  status: number,
  dialect: ErrorDialect,
  noted?: NotedError,
): Buffer | undefined {
  let parsed: Record<string, unknown> = {};
  const text = body.toString('utf8').trim();
  if (text !== '') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isPlainObject(value) || Object.hasOwn(value, 'error')) return undefined;
    parsed = value;
  }
  const own = typeof parsed.message === 'string' ? parsed.message : parsed.error_msg;
  const message =
    typeof own === 'string' && own !== ''
      ? own
      : (noted?.message ?? STATUS_CODES[status] ?? `HTTP ${status}`);
  const extra = errorFields(dialect, status, message, noted?.code);
  // Anthropic's top-level `type` is part of its shape; never replace a field APISIX sent.
  const added = Object.fromEntries(
    Object.entries(extra).filter(([k]) => !Object.hasOwn(parsed, k)),
  );
  return Buffer.from(`${JSON.stringify({ ...parsed, ...added })}\n`);
}

/**
 * Note why a plugin refuses this request, for the error object when its body has no message
 * (ai-rate-limiting answers a bare 429 without `rejected_msg`).
 */
export function noteClientError(ctx: RequestContext, noted: NotedError): void {
  stateOf(ctx).noted = noted;
}

const AI_PLUGINS = new Set(['ai-proxy', 'ai-proxy-multi']);

/**
 * True when the request's route has ai-proxy or ai-proxy-multi and its `client_protocol_errors`
 * is not false: the extension applies to this request's refusals.
 */
export function clientErrorsOn(ctx: RequestContext): boolean {
  const ai = ctx.plugins.find((p) => AI_PLUGINS.has(p.plugin.name));
  if (!ai) return false;
  const conf = ai.conf as { client_protocol_errors?: boolean } | undefined;
  return conf?.client_protocol_errors !== false;
}

/** The bytes ResponseWriter.send would write for an exit body; undefined for text. */
function exitBytes(body: unknown): Buffer | undefined {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return undefined;
  return Buffer.from(`${JSON.stringify(body)}\n`);
}

/**
 * `refusal` with the client's error object added, for a plugin that refuses a request on an AI
 * route (key-auth, the quotas, the AI plugins' own checks): shaped here, its length known, so
 * the response keeps its Content-Length. Anything else (not a refusal, not an AI route, the
 * extension off, a text body) is returned as it is.
 *
 * @example
 * return shapeRefusal(ctx, exit(401, { message: 'Missing API key in request' }));
 */
export function shapeRefusal(ctx: RequestContext, refusal: Exit): Exit {
  if (refusal.status < 400 || !clientErrorsOn(ctx)) return refusal;
  const bytes = exitBytes(refusal.body);
  if (bytes === undefined) return refusal;
  const state = stateOf(ctx);
  const dialect = dialectOf(ctx.ai?.protocol, ctx.vars.uri);
  const shaped = withClientError(bytes, refusal.status, dialect, state.noted);
  if (shaped === undefined) return refusal;
  state.shaped = true;
  const headers: Record<string, string> = shallowCopy(refusal.headers ?? {});
  headers['content-type'] = 'application/json';
  return { status: refusal.status, body: shaped, headers };
}

function isJsonOrEmpty(ctx: RequestContext): boolean {
  const type = ctx.response.getHeader('content-type');
  if (type !== undefined) return String(type).toLowerCase().includes('json');
  return Number(ctx.response.getHeader('content-length') ?? -1) === 0;
}

/**
 * Header filter of the AI plugins, for refusals made by plugins that do not shape their own
 * (ai-prompt-guard, ...): decide whether this response is one to rewrite, and if so drop its
 * content-length (the body grows; it goes chunked) and make it JSON.
 */
export function clientErrorHeaderFilter(
  plugin: string,
  enabled: boolean | undefined,
  ctx: RequestContext,
): void {
  if (enabled === false || ctx.response.status < 400) return;
  // An answer after the LLM was called is the LLM's (relayed, or its last failure): left alone.
  if (ctx.ai?.upstreamStatus !== undefined) return;
  const state = stateOf(ctx);
  if (state.shaped || state.owner !== undefined || !isJsonOrEmpty(ctx)) return;
  state.owner = plugin;
  rewriting.set(ctx, state);
  ctx.response.setHeader('content-length', undefined);
  ctx.response.setHeader('content-type', 'application/json');
}

/** Body filter of the AI plugins: hold the refusal's body, and send it rewritten at its end. */
export function clientErrorBodyFilter(plugin: string, ctx: RequestContext, chunk: Buffer): Buffer {
  const state = rewriting.get(ctx);
  if (state?.owner !== plugin) return chunk;
  if (chunk.length > 0) state.chunks.push(chunk);
  if (!ctx.response.ending) return Buffer.alloc(0);
  const body = Buffer.concat(state.chunks);
  state.chunks = [];
  const dialect = dialectOf(ctx.ai?.protocol, ctx.vars.uri);
  return withClientError(body, ctx.response.status, dialect, state.noted) ?? body;
}
