import http from 'node:http';
import net from 'node:net';
import { RequestContext, type Exit } from '@tollgate/core';
import { checkPluginConf, type CorsConf } from '@tollgate/schema';
import { PLUGINS } from '../index';
import { cors } from './index';

function conf(overrides: Partial<CorsConf> = {}): CorsConf {
  const result = checkPluginConf('cors', overrides, 'route');
  if (!result.valid) throw new Error(result.message);
  return result.value as CorsConf;
}

function context(
  headers: http.IncomingHttpHeaders = {},
  method = 'GET',
  metadata?: unknown,
): RequestContext {
  const req = new http.IncomingMessage(new net.Socket());
  req.headers = headers;
  req.url = '/hello';
  req.method = method;
  const ctx = new RequestContext(req, new http.ServerResponse(req));
  if (metadata !== undefined) ctx.pluginMetadata = new Map([['cors', metadata]]);
  return ctx;
}

/** The response headers after cors's header filter ran over `upstream` headers. */
function filtered(c: CorsConf, ctx: RequestContext, upstream: Record<string, string> = {}) {
  ctx.response.headers = { ...upstream };
  cors.headerFilter?.(c, ctx);
  return ctx.response.headers;
}

describe('cors definition', () => {
  it('is APISIX cors at priority 4000 with rewrite and header filter, registered', () => {
    expect(cors).toMatchObject({ name: 'cors', version: '0.1', priority: 4000 });
    expect(typeof cors.rewrite).toBe('function');
    expect(typeof cors.headerFilter).toBe('function');
    expect(PLUGINS.get('cors')).toBe(cors);
  });
});

describe('cors schema and check', () => {
  it('fills APISIX defaults, with no expose_headers default', () => {
    expect(conf()).toEqual({
      allow_origins: '*',
      allow_methods: '*',
      allow_headers: '*',
      max_age: 5,
      allow_credential: false,
    });
  });

  it('refuses a wrong type (cors.t TEST 2)', () => {
    expect(checkPluginConf('cors', { max_age: '600' }, 'route')).toMatchObject({
      valid: false,
      message: 'property "max_age" validation failed: wrong type: expected integer, got string',
    });
  });

  it.each([
    'allow_origins',
    'allow_methods',
    'allow_headers',
    'expose_headers',
    'timing_allow_origins',
  ])("refuses '*' in %s with allow_credential (cors.t TEST 24-27)", (option) => {
    const c = { allow_origins: 'http://a.com', allow_methods: 'GET', allow_headers: 'x' };
    expect(
      checkPluginConf('cors', { ...c, [option]: '*', allow_credential: true }, 'route'),
    ).toEqual({
      valid: false,
      message: "you can not set '*' for other option when 'allow_credential' is true",
    });
  });

  it('accepts ** and explicit values with allow_credential (cors.t TEST 4)', () => {
    const c = {
      allow_origins: '**',
      allow_methods: '**',
      allow_headers: 'request-h',
      expose_headers: 'expose-h',
      allow_credential: true,
    };
    expect(checkPluginConf('cors', c, 'route').valid).toBe(true);
  });

  it('validates origin lists as APISIX (cors4.t TEST 1)', () => {
    const good = ['*', '**', 'null', 'http://y.com.uk', 'https://x.com,http://y.com.uk:12000'];
    const bad = ['', '*a', '*,http://y.com', 'nulll', 'http//y.com.uk', 'x.com', 'https://x.com,y'];
    for (const g of good) {
      expect(checkPluginConf('cors', { timing_allow_origins: g }, 'route').valid).toBe(true);
      expect(checkPluginConf('cors', { allow_origins: g }, 'route').valid).toBe(true);
    }
    for (const b of bad) {
      expect(checkPluginConf('cors', { timing_allow_origins: b }, 'route').valid).toBe(false);
      expect(checkPluginConf('cors', { allow_origins: b }, 'route').valid).toBe(false);
    }
  });

  it('refuses a regex that does not compile', () => {
    const result = checkPluginConf('cors', { allow_origins_by_regex: ['(a'] }, 'route');
    expect(result).toMatchObject({ valid: false });
    expect(checkPluginConf('cors', { timing_allow_origins_by_regex: ['['] }, 'route').valid).toBe(
      false,
    );
  });

  it('validates metadata origin maps (cors3.t TEST 1)', () => {
    const ok = { allow_origins: { a: '*', b: 'https://x.com,http://y.com.uk' } };
    expect(checkPluginConf('cors', ok, 'metadata').valid).toBe(true);
    for (const b of ['', 'x.com', 'https://x.com,*,https://y.com.uk']) {
      expect(checkPluginConf('cors', { allow_origins: { key: b } }, 'metadata').valid).toBe(false);
    }
  });
});

describe('cors rewrite', () => {
  it('answers a preflight OPTIONS with an empty 200 (cors.t TEST 14)', async () => {
    const result = (await cors.rewrite?.(conf(), context({}, 'OPTIONS'))) as Exit;
    expect(result).toEqual({ status: 200, body: undefined, headers: undefined });
  });

  it('lets other methods through', async () => {
    expect(await cors.rewrite?.(conf(), context())).toBeUndefined();
  });
});

describe('cors header filter', () => {
  it('sends the defaults to any request (cors.t TEST 7)', () => {
    expect(filtered(conf(), context())).toEqual({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': '*',
      'Access-Control-Max-Age': '5',
      'Access-Control-Allow-Headers': '*',
    });
  });

  it('echoes a listed origin, adds Vary: Origin to the upstream Vary (cors.t TEST 9)', () => {
    const c = conf({
      allow_origins: 'http://sub.domain.com,http://sub2.domain.com',
      allow_methods: 'GET,POST',
      allow_headers: 'headr1,headr2',
      expose_headers: 'ex-headr1,ex-headr2',
      max_age: 50,
      allow_credential: true,
    });
    const ctx = context({ origin: 'http://sub2.domain.com' });
    expect(filtered(c, ctx, { vary: 'Via' })).toEqual({
      'Access-Control-Allow-Origin': 'http://sub2.domain.com',
      Vary: 'Via, Origin',
      'Access-Control-Allow-Methods': 'GET,POST',
      'Access-Control-Max-Age': '50',
      'Access-Control-Expose-Headers': 'ex-headr1,ex-headr2',
      'Access-Control-Allow-Headers': 'headr1,headr2',
      'Access-Control-Allow-Credentials': 'true',
    });
  });

  it('sends nothing to an origin that is not listed (cors.t TEST 10, cors4.t TEST 7)', () => {
    const many = conf({ allow_origins: 'http://sub.domain.com,http://sub2.domain.com' });
    expect(filtered(many, context({ origin: 'http://sub3.domain.com' }))).toEqual({});
    const one = conf({ allow_origins: 'http://sub.domain.com' });
    expect(filtered(one, context({ origin: 'http://other.domain.com' }))).toEqual({});
    expect(filtered(one, context())).toEqual({});
  });

  it('** echoes origin and request headers, all methods (cors.t TEST 12-13)', () => {
    const c = conf({ allow_origins: '**', allow_methods: '**', allow_headers: '**' });
    const ctx = context({
      origin: 'https://sub.domain.com',
      'access-control-request-headers': 'req-header1,req-header2',
    });
    expect(filtered(c, ctx)).toMatchObject({
      'Access-Control-Allow-Origin': 'https://sub.domain.com',
      Vary: 'Origin',
      'Access-Control-Allow-Methods': 'GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS,CONNECT,TRACE',
      'Access-Control-Allow-Headers': 'req-header1,req-header2',
    });
    const bare = filtered(c, context());
    expect(bare['Access-Control-Allow-Origin']).toBe('*');
    expect(bare).not.toHaveProperty('Vary');
    expect(bare).not.toHaveProperty('Access-Control-Allow-Headers');
  });

  it('replaces the upstream CORS headers whatever their case (cors.t TEST 18-23)', () => {
    const c = conf({
      allow_origins: '**',
      allow_methods: '**',
      allow_headers: 'request-h',
      expose_headers: 'expose-h',
      allow_credential: true,
    });
    const upstream = {
      'access-control-allow-origin': 'https://evil.com',
      'access-control-max-age': '10',
      'access-control-allow-credentials': 'false',
    };
    expect(filtered(c, context({ origin: 'https://sub.domain.com' }), upstream)).toMatchObject({
      'Access-Control-Allow-Origin': 'https://sub.domain.com',
      'Access-Control-Max-Age': '5',
      'Access-Control-Allow-Credentials': 'true',
    });
    const out = filtered(c, context({ origin: 'https://sub.domain.com' }), upstream);
    expect(Object.keys(out).filter((k) => k.toLowerCase() === 'access-control-max-age')).toEqual([
      'Access-Control-Max-Age',
    ]);
  });

  it('matches allow_origins_by_regex instead of allow_origins (cors.t TEST 29, 31)', () => {
    const c = conf({
      allow_origins: 'http://sub.domain.com,http://sub2.domain.com',
      allow_origins_by_regex: ['.*\\.test.com'],
    });
    expect(filtered(c, context({ origin: 'http://a.test.com' }))).toMatchObject({
      'Access-Control-Allow-Origin': 'http://a.test.com',
    });
    expect(filtered(c, context({ origin: 'http://a.test2.com' }))).toEqual({});
    expect(filtered(c, context({ origin: 'http://sub.domain.com' }))).toEqual({});
    expect(filtered(c, context())).toEqual({});
  });

  it('falls back to the metadata lists (cors3.t TEST 4-12)', () => {
    const metadata = {
      allow_origins: {
        key_1: 'https://domain.com',
        key_2: 'https://sub.domain.com,https://sub2.domain.com',
        key_3: '*',
      },
    };
    const c = conf({ allow_origins: 'https://test.com', allow_origins_by_metadata: ['key_1'] });
    expect(filtered(c, context({ origin: 'http://foo.example.org' }, 'GET', metadata))).toEqual({});
    const own = filtered(c, context({ origin: 'https://test.com' }, 'GET', metadata));
    expect(own['Access-Control-Allow-Origin']).toBe('https://test.com');
    const meta = filtered(c, context({ origin: 'https://domain.com' }, 'GET', metadata));
    expect(meta['Access-Control-Allow-Origin']).toBe('https://domain.com');
    const two = conf({
      allow_origins: 'https://test.com',
      allow_origins_by_metadata: ['key_1', 'key_2'],
    });
    const second = filtered(two, context({ origin: 'https://sub.domain.com' }, 'GET', metadata));
    expect(second['Access-Control-Allow-Origin']).toBe('https://sub.domain.com');
    const wild = conf({ allow_origins: 'https://test.com', allow_origins_by_metadata: ['key_3'] });
    const any = filtered(wild, context({ origin: 'http://foo.example.org' }, 'GET', metadata));
    expect(any).toMatchObject({
      'Access-Control-Allow-Origin': 'http://foo.example.org',
      Vary: 'Origin',
    });
    const missing = conf({ allow_origins: 'https://test.com', allow_origins_by_metadata: ['x'] });
    expect(filtered(missing, context({ origin: 'https://domain.com' }, 'GET', metadata))).toEqual(
      {},
    );
    expect(filtered(c, context({ origin: 'https://domain.com' }))).toEqual({});
  });

  it('sends Timing-Allow-Origin on its own list (cors4.t TEST 3-19)', () => {
    const c = conf({
      allow_origins: 'http://one.domain.com,http://two.domain.com',
      timing_allow_origins: 'http://one.domain.com,http://three.domain.com',
    });
    const both = filtered(c, context({ origin: 'http://one.domain.com' }));
    expect(both['Timing-Allow-Origin']).toBe('http://one.domain.com');
    expect(both['Access-Control-Allow-Origin']).toBe('http://one.domain.com');
    const corsOnly = filtered(c, context({ origin: 'http://two.domain.com' }));
    expect(corsOnly).not.toHaveProperty('Timing-Allow-Origin');
    expect(filtered(c, context({ origin: 'http://three.domain.com' }))).toEqual({
      'Timing-Allow-Origin': 'http://three.domain.com',
    });
    const star = conf({ timing_allow_origins: 'http://sub.domain.com' });
    expect(filtered(star, context({ origin: 'http://other.domain.com' }))).not.toHaveProperty(
      'Timing-Allow-Origin',
    );
  });

  it('timing regex wins over the timing list (cors4.t TEST 25)', () => {
    const c = conf({
      allow_origins_by_regex: ['http://.*?\\.domain\\.com'],
      timing_allow_origins_by_regex: ['http://test.*?\\.domain\\.com'],
      timing_allow_origins: 'http://nonexistent.newdomain.com',
    });
    const out = filtered(c, context({ origin: 'http://testurl.domain.com' }));
    expect(out['Timing-Allow-Origin']).toBe('http://testurl.domain.com');
    const other = filtered(c, context({ origin: 'http://nonexistent.newdomain.com' }));
    expect(other).toEqual({});
  });

  it('leaves out an empty expose_headers (cors4.t TEST 27)', () => {
    const c = conf({ allow_origins: '**', expose_headers: '' });
    expect(filtered(c, context({ origin: 'http://sub.domain.com' }))).not.toHaveProperty(
      'Access-Control-Expose-Headers',
    );
  });

  it('ignores metadata keys that name Object.prototype members', () => {
    const c = conf({ allow_origins: 'https://test.com', allow_origins_by_metadata: ['toString'] });
    const ctx = context({ origin: 'https://x.com' }, 'GET', { allow_origins: {} });
    expect(filtered(c, ctx)).toEqual({});
  });
});
