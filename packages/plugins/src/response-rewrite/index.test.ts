import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import type { ResponseRewriteConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { responseRewrite } from './index';

function context(): RequestContext {
  const socket = new net.Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: '127.0.0.1' });
  const req = new http.IncomingMessage(socket);
  req.headers = {};
  req.url = '/hello?a=1';
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

/** Runs the header filter on a response with `status` and `headers`, then the body filter. */
function run(
  conf: object,
  status: number,
  headers: Record<string, string>,
  chunks: string[],
): { ctx: RequestContext; body: string } {
  const full = { body_base64: false, ...conf } as ResponseRewriteConf;
  const ctx = context();
  ctx.response.status = status;
  ctx.response.headers = { ...headers };
  responseRewrite.headerFilter?.(full, ctx);
  let body = '';
  chunks.forEach((chunk, i) => {
    ctx.response.ending = i === chunks.length - 1;
    const out = responseRewrite.bodyFilter?.(full, ctx, Buffer.from(chunk));
    if (out) body += out.toString();
  });
  return { ctx, body };
}

describe('response-rewrite', () => {
  it('is registered under APISIX name and priority', () => {
    expect(PLUGINS.get('response-rewrite')).toBe(responseRewrite);
    expect(responseRewrite.priority).toBe(899);
  });

  it('sets the status and replaces the body, dropping the length', () => {
    const { ctx, body } = run({ status_code: 403, body: 'new' }, 200, { 'Content-Length': '3' }, [
      'old',
      'er',
      '',
    ]);
    expect(ctx.response.status).toBe(403);
    expect(ctx.response.getHeader('content-length')).toBeUndefined();
    expect(body).toBe('new');
  });

  it('decodes a base64 body', () => {
    expect(run({ body: 'SGVsbG8K', body_base64: true }, 200, {}, ['x']).body).toBe('Hello\n');
  });

  it('vars decide per response (status and request variables)', () => {
    const conf = { status_code: 200, body: 'ok', vars: [['status', '==', 500]] };
    expect(run(conf, 500, {}, ['boom']).body).toBe('ok');
    const untouched = run(conf, 404, {}, ['nope']);
    expect(untouched.ctx.response.status).toBe(404);
    expect(untouched.body).toBe('nope');
    expect(run({ body: 'a1', vars: [['arg_a', '==', '1']] }, 200, {}, ['x']).body).toBe('a1');
  });

  it('regex filters run over the whole body once it is complete', () => {
    const conf = {
      filters: [
        { regex: 'hello', replace: 'world', scope: 'global' as const, options: 'jo' },
        { regex: '(\\d+)', replace: '<$1>', scope: 'once' as const, options: 'jo' },
      ],
    };
    expect(run(conf, 200, {}, ['hel', 'lo 12 hello 34', '']).body).toBe('world <12> world 34');
    const caseless = {
      filters: [{ regex: 'HELLO', replace: 'x', scope: 'once' as const, options: 'i' }],
    };
    expect(run(caseless, 200, {}, ['hello']).body).toBe('x');
  });

  it('headers: add, set with variables, remove; and the 2.x form', () => {
    const { ctx } = run(
      {
        headers: {
          add: ['Set-Cookie: b=2'],
          set: { 'X-Server-Id': 3, 'X-Addr': '$remote_addr' },
          remove: ['X-Powered-By'],
        },
      },
      200,
      { 'set-cookie': 'a=1', 'X-Powered-By': 'php' },
      [],
    );
    expect(ctx.response.getHeader('Set-Cookie')).toEqual(['a=1', 'b=2']);
    expect(ctx.response.getHeader('x-server-id')).toBe('3');
    expect(ctx.response.getHeader('x-addr')).toBe('127.0.0.1');
    expect(ctx.response.getHeader('x-powered-by')).toBeUndefined();
    const old = run({ headers: { 'X-Old': 'v' } }, 200, {}, []);
    expect(old.ctx.response.getHeader('x-old')).toBe('v');
  });
});
