/**
 * The client protocol's error object on gateway-made refusals (issue 16 item 3): APISIX's fields
 * kept, OpenAI's `error` or Anthropic's `type`/`error` added.
 */
import http from 'node:http';
import net from 'node:net';
import { exit, RequestContext } from '@tollgate/core';
import {
  dialectOf,
  errorFields,
  gatewayErrorBody,
  noteClientError,
  shapeRefusal,
  withClientError,
} from './client-errors';

const json = (b: Buffer | undefined): unknown =>
  b === undefined ? undefined : JSON.parse(b.toString());

describe('dialectOf', () => {
  it.each<[string | undefined, string, string]>([
    ['anthropic-messages', '/anything', 'anthropic'],
    ['openai-chat', '/v1/messages', 'openai'],
    ['openai-responses', '/v1/responses', 'openai'],
    [undefined, '/v1/messages', 'anthropic'],
    [undefined, '/v1/messages?beta=true', 'anthropic'],
    [undefined, '/v1/chat/completions', 'openai'],
    [undefined, '/v1/embeddings', 'openai'],
  ])('%s on %s → %s', (protocol, uri, dialect) => {
    expect(dialectOf(protocol, uri)).toBe(dialect);
  });
});

describe('withClientError', () => {
  it('keeps key-auth’s message and adds OpenAI’s error object', () => {
    const body = Buffer.from('{"message":"Missing API key in request"}\n');
    expect(json(withClientError(body, 401, 'openai'))).toEqual({
      message: 'Missing API key in request',
      error: {
        message: 'Missing API key in request',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      },
    });
  });

  it('keeps error_msg and adds Anthropic’s error object', () => {
    const body = Buffer.from('{"error_msg":"quota used up"}\n');
    expect(json(withClientError(body, 429, 'anthropic'))).toEqual({
      error_msg: 'quota used up',
      type: 'error',
      error: { type: 'rate_limit_error', message: 'quota used up' },
    });
  });

  it('fills an empty body with the noted reason', () => {
    const noted = { message: 'token rate limit exceeded', code: 'rate_limit_exceeded' };
    expect(json(withClientError(Buffer.alloc(0), 429, 'openai', noted))).toEqual({
      error: {
        message: 'token rate limit exceeded',
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
      },
    });
  });

  it('falls back to the status text without a message', () => {
    expect(json(withClientError(Buffer.alloc(0), 503, 'anthropic'))).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'Service Unavailable' },
    });
  });

  it.each([
    ['an LLM’s OpenAI error', '{"error":{"message":"x","type":"y"}}'],
    ['an LLM’s Anthropic error', '{"type":"error","error":{"type":"api_error","message":"x"}}'],
    ['plain text', 'all servers tried'],
    ['a JSON array', '[1]'],
  ])('leaves %s alone', (_what, text) => {
    expect(withClientError(Buffer.from(text), 502, 'openai')).toBeUndefined();
  });

  it('never replaces a field APISIX sent', () => {
    const body = Buffer.from('{"message":"m","type":"custom"}');
    expect(json(withClientError(body, 400, 'anthropic'))).toEqual({
      message: 'm',
      type: 'custom',
      error: { type: 'invalid_request_error', message: 'm' },
    });
  });
});

describe('errorFields and gatewayErrorBody', () => {
  it.each<[number, string]>([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [403, 'permission_error'],
    [404, 'not_found_error'],
    [413, 'request_too_large'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [529, 'overloaded_error'],
  ])('Anthropic type of %i is %s', (status, type) => {
    expect(errorFields('anthropic', status, 'm')).toEqual({
      type: 'error',
      error: { type, message: 'm' },
    });
  });

  it('shapes a Tollgate-only failure in the client’s dialect', () => {
    expect(json(gatewayErrorBody('openai', 502, 'the LLM could not be reached'))).toEqual({
      error: { message: 'the LLM could not be reached', type: 'upstream_error' },
    });
    expect(json(gatewayErrorBody('anthropic', 504, 'the LLM did not answer in time'))).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'the LLM did not answer in time' },
    });
  });
});

describe('shapeRefusal', () => {
  function context(uri: string, aiConf?: Record<string, unknown>): RequestContext {
    const req = new http.IncomingMessage(new net.Socket());
    req.url = uri;
    req.method = 'POST';
    const ctx = new RequestContext(req, new http.ServerResponse(req));
    if (aiConf) {
      ctx.plugins = [
        { plugin: { name: 'ai-proxy-multi' }, conf: aiConf, priority: 1041, owner: 'routes/1' },
      ] as unknown as RequestContext['plugins'];
    }
    return ctx;
  }
  const refusal = exit(401, { message: 'Missing API key in request' }, { 'WWW-Authenticate': 'x' });

  it('adds the error object on an AI route, keeping status and headers', () => {
    const shaped = shapeRefusal(context('/v1/messages', {}), refusal);
    expect(shaped.status).toBe(401);
    expect(shaped.headers).toEqual({ 'WWW-Authenticate': 'x', 'content-type': 'application/json' });
    expect(json(shaped.body as Buffer)).toEqual({
      message: 'Missing API key in request',
      type: 'error',
      error: { type: 'authentication_error', message: 'Missing API key in request' },
    });
  });

  it('leaves the refusal alone off AI routes, with the switch off, and for text', () => {
    expect(shapeRefusal(context('/v1/messages'), refusal)).toBe(refusal);
    const off = context('/v1/messages', { client_protocol_errors: false });
    expect(shapeRefusal(off, refusal)).toBe(refusal);
    const text = exit(503, 'all servers tried');
    expect(shapeRefusal(context('/v1/chat/completions', {}), text)).toBe(text);
  });

  it('uses the noted reason for an empty quota refusal', () => {
    const ctx = context('/v1/chat/completions', {});
    noteClientError(ctx, { message: 'token rate limit exceeded', code: 'rate_limit_exceeded' });
    expect(json(shapeRefusal(ctx, exit(403)).body as Buffer)).toEqual({
      error: {
        message: 'token rate limit exceeded',
        type: 'invalid_request_error',
        code: 'rate_limit_exceeded',
      },
    });
  });
});
