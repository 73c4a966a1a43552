import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { RequestContext, type Exit } from '@tollgate/core';
import { checkPluginConf, type RequestValidationConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { requestValidation } from './index';
import { decodeForm, parseBody } from './parse-body';

function context(rawHeaders: string[], body = ''): RequestContext {
  const headers: http.IncomingHttpHeaders = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    headers[(rawHeaders[i] as string).toLowerCase()] = rawHeaders[i + 1];
  }
  const req = Object.assign(Readable.from([Buffer.from(body)]), {
    headers,
    rawHeaders,
    url: '/hello',
    method: 'POST',
    httpVersion: '1.1',
    socket: new net.Socket(),
  }) as unknown as http.IncomingMessage;
  return new RequestContext(req, new http.ServerResponse(req));
}

type Conf = Omit<RequestValidationConf, 'rejected_code'> & { rejected_code?: number };

async function run(conf: Conf, ctx: RequestContext): Promise<Exit | undefined> {
  return (await requestValidation.rewrite?.({ rejected_code: 400, ...conf }, ctx)) ?? undefined;
}

const BODY = { type: 'object', required: ['required_payload'] };

describe('request-validation', () => {
  it('is registered under APISIX name and priority', () => {
    expect(PLUGINS.get('request-validation')).toBe(requestValidation);
    expect(requestValidation.priority).toBe(2800);
  });

  it('check_schema: one of the schemas is required, and each must be a valid schema', () => {
    expect(checkPluginConf('request-validation', { body_schema: {} }, 'route')).toMatchObject({
      valid: true,
      value: { body_schema: {}, rejected_code: 400 },
    });
    const none = checkPluginConf('request-validation', {}, 'route');
    expect(none.valid).toBe(false);
    const bad = checkPluginConf(
      'request-validation',
      { header_schema: { type: 'unknown' } },
      'route',
    );
    expect(bad.valid).toBe(false);
    for (const rejected_code of [199, 600]) {
      expect(
        checkPluginConf('request-validation', { body_schema: {}, rejected_code }, 'route').valid,
      ).toBe(false);
    }
    expect(
      checkPluginConf('request-validation', { body_schema: {}, rejected_msg: '' }, 'route').valid,
    ).toBe(false);
    const draft4 = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
    };
    expect(checkPluginConf('request-validation', { body_schema: draft4 }, 'route').valid).toBe(
      true,
    );
    const boolExclusive = { type: 'integer', minimum: 1, exclusiveMinimum: true };
    expect(
      checkPluginConf('request-validation', { body_schema: boolExclusive }, 'route').valid,
    ).toBe(false);
  });

  it('refuses a body missing a required property with the validation error', async () => {
    const res = await run(
      { body_schema: BODY },
      context(['Content-Type', 'application/json'], '{"boolean-payload":true}'),
    );
    expect(res).toMatchObject({ status: 400, body: 'property "required_payload" is required' });
    const ok = context(['Content-Type', 'application/json'], '{"required_payload":"x"}');
    expect(await run({ body_schema: BODY }, ok)).toBeUndefined();
    expect(ok.bodyRead).toBe(true);
    const defaults = {
      type: 'object',
      properties: { n: { type: 'integer', default: 3 } },
    };
    const dup = context([], '{"a": 1, "a": 2}');
    expect(await run({ body_schema: defaults }, dup)).toBeUndefined();
    expect((await dup.readBody(100)).toString()).toBe('{"a":2,"n":3}');
    const form = context(['Content-Type', 'application/x-www-form-urlencoded'], 'a=1');
    expect(await run({ body_schema: defaults }, form)).toBeUndefined();
    expect((await form.readBody(100)).toString()).toBe('a=1');
  });

  it('uses rejected_code and rejected_msg', async () => {
    const res = await run(
      { body_schema: BODY, rejected_code: 422, rejected_msg: 'customize reject message' },
      context([], '{}'),
    );
    expect(res).toMatchObject({ status: 422, body: 'customize reject message' });
  });

  it('refuses invalid and too deeply nested JSON', async () => {
    const bad = await run({ body_schema: BODY }, context([], '{"a":'));
    expect(bad?.status).toBe(400);
    expect(typeof bad?.body).toBe('string');
    const deep = await run({ body_schema: {} }, context([], '['.repeat(1001) + ']'.repeat(1001)));
    expect(deep?.body).toContain('too many nested arrays or objects (more than 1000)');
  });

  it('validates headers, repeated ones as arrays', async () => {
    const schema = { type: 'object', required: ['required_payload'] };
    expect(await run({ header_schema: schema }, context(['Host', 'x']))).toMatchObject({
      status: 400,
      body: 'property "required_payload" is required',
    });
    expect(
      await run({ header_schema: schema }, context(['required_payload', 'test payload'])),
    ).toBeUndefined();
    const arr = { type: 'object', properties: { 'x-a': { type: 'array' } } };
    expect(await run({ header_schema: arr }, context(['X-A', '1', 'x-a', '2']))).toBeUndefined();
    expect((await run({ header_schema: arr }, context(['X-A', '1'])))?.status).toBe(400);
  });

  it('reads a urlencoded form as ngx.decode_args does', async () => {
    const form = decodeForm('a=1&b&c=x+y%21&a=2&__proto__=z');
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(Object.entries(form)).toEqual([
      ['a', ['1', '2']],
      ['b', true],
      ['c', 'x y!'],
      ['__proto__', 'z'],
    ]);
    const schema = {
      type: 'object',
      properties: { name: { type: 'string', minLength: 3 } },
      required: ['name'],
    };
    const formType = ['Content-Type', 'application/x-www-form-urlencoded'];
    expect(await run({ body_schema: schema }, context(formType, 'name=abc'))).toBeUndefined();
    expect((await run({ body_schema: schema }, context(formType, 'name=ab')))?.status).toBe(400);
    expect(parseBody(Buffer.from('x=1'), 'application/json').ok).toBe(false);
    const mixed = ['Content-Type', 'Application/X-WWW-Form-Urlencoded; charset=utf-8'];
    expect(await run({ body_schema: schema }, context(mixed, 'name=abc'))).toBeUndefined();
    const dup = ['Content-Type', 'application/json', 'content-type', 'application/json'];
    expect(await run({ body_schema: schema }, context(dup, '{"name":"abc"}'))).toMatchObject({
      status: 400,
      body: 'duplicated Content-Type header',
    });
  });

  it('answers 413 past the body limit and leaves a later smaller limit enforced', async () => {
    const ctx = context(['content-length', String(70_000_000)], '');
    expect((await run({ body_schema: {} }, ctx))?.status).toBe(413);
    const small = context([], '{"required_payload":"x"}');
    expect(await run({ body_schema: BODY }, small)).toBeUndefined();
    await expect(small.readBody(5)).rejects.toThrow('maximum size 5');
  });
});
