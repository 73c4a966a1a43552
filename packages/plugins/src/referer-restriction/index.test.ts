import http from 'node:http';
import net from 'node:net';
import { RequestContext } from '@tollgate/core';
import { checkPluginConf, type RefererRestrictionConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { refererRestriction } from './index';

function conf(input: Record<string, unknown>): RefererRestrictionConf {
  const result = checkPluginConf('referer-restriction', input, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as RefererRestrictionConf;
}

function context(referer?: string): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.url = '/hello';
  req.method = 'GET';
  req.headers = referer === undefined ? {} : { referer };
  return new RequestContext(req, new http.ServerResponse(req));
}

const run = async (c: RefererRestrictionConf, referer?: string) =>
  (await refererRestriction.access?.(c, context(referer))) ?? undefined;

const refused = { status: 403, body: { message: 'Your referer host is not allowed' } };

describe('referer-restriction definition', () => {
  it('is APISIX referer-restriction at priority 2990 in access, registered', () => {
    expect(refererRestriction).toMatchObject({ name: 'referer-restriction', priority: 2990 });
    expect(PLUGINS.get('referer-restriction')).toBe(refererRestriction);
  });
});

describe('referer-restriction schema', () => {
  it('TEST 9: refuses hosts that are not host names', () => {
    for (const host of ['x.*', '~y.xn', '::1']) {
      expect(checkPluginConf('referer-restriction', { whitelist: [host] }, 'route').valid).toBe(
        false,
      );
    }
  });

  it('needs exactly one list, fills defaults', () => {
    expect(checkPluginConf('referer-restriction', {}, 'route').valid).toBe(false);
    const both = { whitelist: ['a.com'], blacklist: ['b.com'] };
    expect(checkPluginConf('referer-restriction', both, 'route').valid).toBe(false);
    expect(conf({ blacklist: ['*.b.com'] })).toEqual({
      blacklist: ['*.b.com'],
      bypass_missing: false,
      message: 'Your referer host is not allowed',
    });
  });
});

describe('referer-restriction access (referer-restriction.t)', () => {
  const whitelist = conf({ whitelist: ['*.xx.com', 'yy.com'] });

  it('TEST 2-5: whitelist by exact host and wildcard suffix; no Referer refused', async () => {
    expect(await run(whitelist, 'http://www.xx.com')).toBeUndefined();
    expect(await run(whitelist, 'https://yy.com/am')).toBeUndefined();
    expect(await run(whitelist, 'https://www.yy.com/am')).toEqual(refused);
    expect(await run(whitelist)).toEqual(refused);
  });

  it('TEST 7-8: bypass_missing serves a missing or malformed Referer', async () => {
    const c = conf({ whitelist: ['*.xx.com', 'yy.com'], bypass_missing: true });
    expect(await run(c)).toBeUndefined();
    expect(await run(c, 'www.yy.com')).toBeUndefined();
    expect(await run(whitelist, 'www.yy.com')).toEqual(refused);
  });

  it('reads the host before a port, path or query; accepts a scheme-relative Referer', async () => {
    expect(await run(whitelist, 'https://yy.com:8443/x')).toBeUndefined();
    expect(await run(whitelist, 'http://yy.com?q=1')).toBeUndefined();
    expect(await run(whitelist, '//a.xx.com/p')).toBeUndefined();
    expect(await run(whitelist, 'ftp://yy.com/')).toEqual(refused);
  });

  it('blacklist refuses listed hosts only, with a custom message', async () => {
    const c = conf({ blacklist: ['*.xx.com'], message: 'go away' });
    expect(await run(c, 'https://a.xx.com/')).toEqual({
      status: 403,
      body: { message: 'go away' },
    });
    expect(await run(c, 'https://yy.com/')).toBeUndefined();
    expect(await run(c)).toEqual({ status: 403, body: { message: 'go away' } });
  });
});
