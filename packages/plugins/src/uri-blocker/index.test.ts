import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { checkPluginConf, type UriBlockerConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { uriBlocker } from './index';
import { normalisePath } from './normalise';

function conf(input: Record<string, unknown>): UriBlockerConf {
  const result = checkPluginConf('uri-blocker', input, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as UriBlockerConf;
}

function context(url: string): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.url = url;
  req.method = 'GET';
  return new RequestContext(req, new http.ServerResponse(req));
}

const run = async (c: UriBlockerConf, url: string) =>
  (await uriBlocker.rewrite?.(c, context(url))) ?? undefined;

describe('uri-blocker definition', () => {
  it('is APISIX uri-blocker at priority 2900 in rewrite, registered', () => {
    expect(uriBlocker).toMatchObject({ name: 'uri-blocker', priority: 2900 });
    expect(typeof uriBlocker.rewrite).toBe('function');
    expect(PLUGINS.get('uri-blocker')).toBe(uriBlocker);
  });
});

describe('uri-blocker schema (uri-blocker.t)', () => {
  it('TEST 1, 3: a rule that does not compile is refused', () => {
    for (const rules of [['.+('], ['^a', '^b(']]) {
      const result = checkPluginConf('uri-blocker', { block_rules: rules }, 'route');
      expect(result).toMatchObject({ valid: false });
      expect((result as { message: string }).message).toMatch(/^Invalid regular expression/);
    }
  });

  it('TEST 16: rejected_msg must be a non-empty string', () => {
    expect(
      checkPluginConf('uri-blocker', { block_rules: ['^a'], rejected_msg: '' }, 'route'),
    ).toEqual({
      valid: false,
      message:
        'property "rejected_msg" validation failed: string too short, expected at least 1, got 0',
    });
    expect(
      checkPluginConf('uri-blocker', { block_rules: ['^a'], rejected_msg: true }, 'route'),
    ).toEqual({
      valid: false,
      message:
        'property "rejected_msg" validation failed: wrong type: expected string, got boolean',
    });
  });

  it('TEST 2: valid rules get the defaults; block_rules is required', () => {
    expect(conf({ block_rules: ['^a', '^b'] })).toEqual({
      block_rules: ['^a', '^b'],
      rejected_code: 403,
      case_insensitive: false,
    });
    expect(checkPluginConf('uri-blocker', {}, 'route').valid).toBe(false);
    expect(
      checkPluginConf('uri-blocker', { block_rules: ['a'], rejected_code: 199 }, 'route').valid,
    ).toBe(false);
  });
});

describe('uri-blocker rewrite (uri-blocker.t)', () => {
  it('TEST 5-6: a rule searched in the query string', async () => {
    const c = conf({ block_rules: ['aa'] });
    const hit = await run(c, '/hello?aa=1');
    expect(hit?.status).toBe(403);
    expect(hit?.headers).toEqual({ 'content-type': 'text/html' });
    expect(hit?.body).toContain('<h1>403 Forbidden</h1>');
    expect(await run(c, '/hello?bb=2')).toBeUndefined();
  });

  it('TEST 8-11: any of several rules', async () => {
    const c = conf({ block_rules: ['aa', 'bb', 'c\\d+'] });
    expect((await run(c, '/hello?x=bb'))?.status).toBe(403);
    expect((await run(c, '/hello?bb=2'))?.status).toBe(403);
    expect((await run(c, '/hello?c1=2'))?.status).toBe(403);
    expect(await run(c, '/hello?cc=2')).toBeUndefined();
  });

  it('TEST 13-15: SQL injection rules', async () => {
    const c = conf({ block_rules: ['select.+(from|limit)', '(?:(union(.*?)select))'] });
    expect((await run(c, '/hello?name=;select%20from%20sys'))?.status).toBe(403);
    expect((await run(c, '/hello?name=;union%20select%20'))?.status).toBe(403);
    expect(await run(c, '/hello?cc=2')).toBeUndefined();
  });

  it('TEST 18, 20: rejected_msg, case_insensitive', async () => {
    const msg = { block_rules: ['aa'], rejected_msg: 'access is not allowed' };
    expect(await run(conf(msg), '/hello?aa=1')).toEqual({
      status: 403,
      body: { error_msg: 'access is not allowed' },
      headers: undefined,
    });
    const ci = conf({ ...msg, block_rules: ['AA'], case_insensitive: true });
    expect((await run(ci, '/hello?aa=1'))?.body).toEqual({ error_msg: 'access is not allowed' });
    expect(await run(conf({ ...msg, block_rules: ['AA'] }), '/hello?aa=1')).toBeUndefined();
  });

  it('TEST 22: the path is normalised before matching', async () => {
    const c = conf({ block_rules: ['^/internal/'], rejected_code: 404 });
    expect((await run(c, '/./internal/x?aa=1'))?.status).toBe(404);
    expect((await run(c, '//internal/x'))?.status).toBe(404);
    expect((await run(c, '/a/../internal/x'))?.status).toBe(404);
    expect((await run(c, '/%69nternal/x'))?.status).toBe(404);
    expect(await run(c, '/public/internal/x')).toBeUndefined();
  });
});

describe('normalisePath', () => {
  it.each([
    ['/', '/'],
    ['/a/', '/a/'],
    ['/a/./b/../%63//d', '/a/c/d'],
    ['/a/..', '/'],
    ['/../../x', '/x'],
    ['/a/%zz', '/a/%zz'],
    ['/a%2Fb', '/a/b'],
  ])('%s → %s', (input, output) => {
    expect(normalisePath(input)).toBe(output);
  });
});
