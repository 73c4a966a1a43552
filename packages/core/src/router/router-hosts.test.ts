import { buildRouter } from './build-router';
import { type MatchRequest, type RouteInput } from './types';

function request(host: string, path = '/hello', over: Partial<MatchRequest> = {}): MatchRequest {
  return { method: 'GET', host, path, remoteAddr: '127.0.0.1', vars: () => undefined, ...over };
}

function route(id: string, extra: Partial<RouteInput<string>> = {}): RouteInput<string> {
  return { id, uri: '/hello', data: id, ...extra };
}

describe('buildRouter: hosts', () => {
  it('router-radixtree.md example: same uri, different hosts; no host match is a miss', () => {
    const router = buildRouter([
      route('1980', { hosts: ['localhost.com'] }),
      route('1981', { hosts: ['test.com'] }),
    ]);
    expect(router.match(request('localhost.com'))?.route.id).toBe('1980');
    expect(router.match(request('test.com'))?.route.id).toBe('1981');
    expect(router.match(request('127.0.0.1'))).toBeUndefined();
  });

  it('matches case-insensitively on both sides and reports the lower-cased host', () => {
    const router = buildRouter([route('1', { host: 'API.Example.com' })]);
    const hit = router.match(request('api.EXAMPLE.com'));
    expect(hit?.route.id).toBe('1');
    expect(hit?.matchedHost).toBe('api.example.com');
  });

  it('wildcard *.foo.com matches any non-empty subdomain prefix, but not foo.com', () => {
    const router = buildRouter([route('1', { host: '*.foo.com' })]);
    for (const host of ['a.foo.com', 'a.b.foo.com', 'A.FOO.COM']) {
      expect(router.match(request(host))?.matchedHost).toBe('*.foo.com');
    }
    for (const host of ['foo.com', '.foo.com', 'afoo.com', 'foo.com.evil', 'a.foo.co']) {
      expect(router.match(request(host))).toBeUndefined();
    }
  });

  it('"*" matches any host, after more specific hosts', () => {
    const router = buildRouter([route('any', { host: '*' }), route('wild', { host: '*.foo.com' })]);
    expect(router.match(request('x.foo.com'))?.route.id).toBe('wild');
    expect(router.match(request('other.org'))).toMatchObject({
      route: { id: 'any' },
      matchedHost: '*',
    });
  });

  it('exact host beats wildcards, the longest wildcard suffix beats shorter ones, regardless of priority', () => {
    const router = buildRouter([
      route('star', { host: '*', priority: 30 }),
      route('short', { host: '*.com', priority: 20 }),
      route('long', { host: '*.foo.com', priority: 10 }),
      route('exact', { host: 'a.foo.com' }),
    ]);
    expect(router.match(request('a.foo.com'))?.route.id).toBe('exact');
    expect(router.match(request('b.foo.com'))?.route.id).toBe('long');
    expect(router.match(request('bar.com'))?.route.id).toBe('short');
    expect(router.match(request('bar.org'))?.route.id).toBe('star');
  });

  it('falls back to shorter wildcards, then to host-less routes, when a host has no fitting route', () => {
    const router = buildRouter([
      route('exact-post', { host: 'a.foo.com', methods: ['POST'] }),
      route('wild-other-uri', { host: '*.foo.com', uri: '/other' }),
      route('star-put', { host: '*', methods: ['PUT'] }),
      route('hostless'),
    ]);
    expect(router.match(request('a.foo.com', '/hello', { method: 'POST' }))?.route.id).toBe(
      'exact-post',
    );
    expect(router.match(request('a.foo.com', '/hello', { method: 'PUT' }))?.route.id).toBe(
      'star-put',
    );
    expect(router.match(request('a.foo.com', '/other'))?.route.id).toBe('wild-other-uri');
    expect(router.match(request('a.foo.com'))).toMatchObject({ route: { id: 'hostless' } });
    expect(router.match(request('a.foo.com'))?.matchedHost).toBeUndefined();
  });

  it('host-specific routes are tried before host-less ones, even against an exact host-less uri', () => {
    const router = buildRouter([
      route('hostless-exact', { uri: '/api/chat', priority: 100 }),
      route('host-prefix', { uri: '/*', host: 'ai.example.com' }),
    ]);
    expect(router.match(request('ai.example.com', '/api/chat'))?.route.id).toBe('host-prefix');
    expect(router.match(request('other.example.com', '/api/chat'))?.route.id).toBe(
      'hostless-exact',
    );
  });

  it('hosts wins over host, and each host of a route indexes it', () => {
    const router = buildRouter([route('1', { host: 'ignored.com', hosts: ['a.com', '*.b.com'] })]);
    expect(router.match(request('a.com'))?.matchedHost).toBe('a.com');
    expect(router.match(request('x.b.com'))?.matchedHost).toBe('*.b.com');
    expect(router.match(request('ignored.com'))).toBeUndefined();
  });

  it('an empty hosts list means no host constraint', () => {
    expect(buildRouter([route('1', { hosts: [] })]).match(request('anything'))?.route.id).toBe('1');
  });

  it('priority orders candidates within one host and uri', () => {
    const router = buildRouter([
      route('low', { host: 'a.com' }),
      route('high', { host: 'a.com', priority: 5, vars: [['arg_v', '==', '1']] }),
    ]);
    expect(
      router.match(request('a.com', '/hello', { vars: (n) => (n === 'arg_v' ? '1' : undefined) }))
        ?.route.id,
    ).toBe('high');
    expect(router.match(request('a.com'))?.route.id).toBe('low');
  });

  it('applies prefix depth and exact-first within a host table', () => {
    const router = buildRouter([
      route('shallow', { host: 'a.com', uri: '/v1/*' }),
      route('deep', { host: 'a.com', uri: '/v1/chat/*' }),
      route('exact', { host: 'a.com', uri: '/v1/chat/completions' }),
    ]);
    expect(router.match(request('a.com', '/v1/chat/completions'))?.route.id).toBe('exact');
    expect(router.match(request('a.com', '/v1/chat/x'))?.route.id).toBe('deep');
    expect(router.match(request('a.com', '/v1/models'))).toMatchObject({
      route: { id: 'shallow' },
      matchedUri: '/v1/*',
    });
  });

  it('disabled host routes are skipped', () => {
    const router = buildRouter([route('off', { host: 'a.com', status: 0 }), route('hostless')]);
    expect(router.match(request('a.com'))?.route.id).toBe('hostless');
  });
});
