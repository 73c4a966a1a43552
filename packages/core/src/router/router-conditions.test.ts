import { buildRouter } from './build-router';
import { type MatchRequest, type RouteInput } from './types';

function request(path: string, over: Partial<MatchRequest> = {}): MatchRequest {
  return {
    method: 'GET',
    host: 'localhost',
    path,
    remoteAddr: '127.0.0.1',
    vars: () => undefined,
    ...over,
  };
}

function route(id: string, extra: Partial<RouteInput<string>> = {}): RouteInput<string> {
  return { id, uri: '/r', data: id, ...extra };
}

const varsOf = (vars: Record<string, unknown>) => (name: string) => vars[name];

describe('buildRouter: methods', () => {
  const router = buildRouter([route('1', { methods: ['GET', 'POST'] })]);

  it.each([
    ['GET', true],
    ['POST', true],
    ['PUT', false],
    ['HEAD', false],
    ['get', false],
  ])('%s matches: %s', (method, expected) => {
    expect(router.match(request('/r', { method })) !== undefined).toBe(expected);
  });

  it('HEAD matches only when listed', () => {
    expect(
      buildRouter([route('1', { methods: ['HEAD'] })]).match(request('/r', { method: 'HEAD' })),
    ).toBeDefined();
  });

  it('absent or empty methods accept any method', () => {
    for (const methods of [undefined, []]) {
      const r = buildRouter([route('1', methods ? { methods } : {})]);
      expect(r.match(request('/r', { method: 'PURGE' }))).toBeDefined();
    }
  });
});

describe('buildRouter: remote_addr(s)', () => {
  it.each([
    [{ remote_addr: '127.0.0.1' }, '127.0.0.1', true],
    [{ remote_addr: '127.0.0.1' }, '127.0.0.2', false],
    [{ remote_addr: '192.168.0.0/16' }, '192.168.7.9', true],
    [{ remote_addr: '192.168.0.0/16' }, '10.0.0.1', false],
    [{ remote_addrs: ['10.0.0.0/8', '::1'] }, '::1', true],
    [{ remote_addrs: ['10.0.0.0/8', '::1'] }, '10.9.9.9', true],
    [{ remote_addrs: ['fe80::/32'] }, 'fe80::1', true],
    [{ remote_addrs: ['fe80::/32'] }, 'fe81::1', false],
    [{ remote_addr: '127.0.0.1' }, '::ffff:127.0.0.1', true],
    [{ remote_addr: '127.0.0.1' }, 'not-an-ip', false],
    [{ remote_addr: '127.0.0.1' }, '', false],
    [{ remote_addr: '10.0.0.1', remote_addrs: ['10.0.0.2'] }, '10.0.0.2', true],
    [{ remote_addr: '10.0.0.1', remote_addrs: ['10.0.0.2'] }, '10.0.0.1', false],
  ])('%j with client %s matches: %s', (conf, remoteAddr, expected) => {
    const router = buildRouter([route('1', conf)]);
    expect(router.match(request('/r', { remoteAddr })) !== undefined).toBe(expected);
  });
});

describe('buildRouter: vars', () => {
  const router = buildRouter([
    route('1', {
      vars: [
        ['arg_name', '==', 'json'],
        ['arg_age', '>', 18],
        ['http_x', '~~', '^China.*'],
      ],
    }),
  ]);

  it('matches when every rule holds', () => {
    expect(
      router.match(
        request('/r', { vars: varsOf({ arg_name: 'json', arg_age: '19', http_x: 'China/x' }) }),
      ),
    ).toBeDefined();
  });

  it('fails when any rule fails or a variable is missing', () => {
    expect(
      router.match(
        request('/r', { vars: varsOf({ arg_name: 'json', arg_age: '18', http_x: 'China' }) }),
      ),
    ).toBeUndefined();
    expect(
      router.match(request('/r', { vars: varsOf({ arg_name: 'json', arg_age: '19' }) })),
    ).toBeUndefined();
  });

  it('supports logical groups', () => {
    const r = buildRouter([
      route('1', { vars: ['OR', ['arg_a', '==', '1'], ['arg_b', '==', '1']] }),
    ]);
    expect(r.match(request('/r', { vars: varsOf({ arg_b: '1' }) }))).toBeDefined();
    expect(r.match(request('/r', { vars: varsOf({}) }))).toBeUndefined();
  });

  it('an empty expression always matches', () => {
    expect(buildRouter([route('1', { vars: [] })]).match(request('/r'))).toBeDefined();
  });
});

describe('buildRouter: combined conditions', () => {
  const routes = [
    route('post-internal', {
      priority: 2,
      methods: ['POST'],
      remote_addrs: ['10.0.0.0/8'],
      vars: [['http_x_tier', '==', 'gold']],
    }),
    route('post', { priority: 1, methods: ['POST'] }),
    route('internal', { remote_addr: '10.0.0.0/8' }),
    route('fallback'),
  ];
  const router = buildRouter(routes);
  const gold = varsOf({ http_x_tier: 'gold' });

  it.each([
    [{ method: 'POST', remoteAddr: '10.1.1.1', vars: gold }, 'post-internal'],
    [{ method: 'POST', remoteAddr: '10.1.1.1' }, 'post'],
    [{ method: 'POST', remoteAddr: '8.8.8.8', vars: gold }, 'post'],
    [{ method: 'GET', remoteAddr: '10.1.1.1', vars: gold }, 'internal'],
    [{ method: 'GET', remoteAddr: '8.8.8.8' }, 'fallback'],
  ])('%j → %s', (over, expected) => {
    expect(router.match(request('/r', over))?.route.id).toBe(expected);
  });
});

describe('buildRouter: disabled routes and build errors', () => {
  it('skips status 0 routes entirely, without reporting them', () => {
    const router = buildRouter([
      route('off', { status: 0, priority: 9 }),
      route('on', { status: 1 }),
    ]);
    expect(router.match(request('/r'))?.route.id).toBe('on');
    expect(router.size).toBe(1);
    expect(router.errors).toEqual([]);
    expect(buildRouter([route('off', { status: 0 })]).match(request('/r'))).toBeUndefined();
  });

  it('skips and reports routes whose vars, remote_addr, uri or host fail to compile', () => {
    const router = buildRouter([
      route('bad-vars', { vars: [['arg_k', 'bogus', 'v']] }),
      route('bad-regex', { vars: [['arg_k', '~~', '(']] }),
      route('bad-ip', { remote_addr: '300.1.1.1' }),
      route('bad-cidr', { remote_addrs: ['10.0.0.0/33'] }),
      route('no-uri', { uri: undefined }),
      route('empty-uris', { uri: undefined, uris: [] }),
      route('bad-host', { hosts: [''] }),
      route('good'),
    ]);
    expect(router.size).toBe(1);
    expect(router.errors.map((e) => e.id)).toEqual([
      'bad-vars',
      'bad-regex',
      'bad-ip',
      'bad-cidr',
      'no-uri',
      'empty-uris',
      'bad-host',
    ]);
    expect(router.errors[0]?.message).toBe(
      "failed to validate the 'vars' expression: invalid operator 'bogus'",
    );
    expect(router.errors[2]?.message).toBe('invalid ip address: 300.1.1.1');
    expect(router.errors[4]?.message).toBe('missing uri or uris');
    expect(router.match(request('/r'))?.route.id).toBe('good');
  });

  it('an empty router matches nothing', () => {
    const router = buildRouter<string>([]);
    expect(router.size).toBe(0);
    expect(router.match(request('/'))).toBeUndefined();
  });

  it('returns the route data untouched', () => {
    const data = { upstream: 'x' };
    const router = buildRouter([{ id: '1', uri: '/r', data }]);
    expect(router.match(request('/r'))?.route.data).toBe(data);
  });
});
