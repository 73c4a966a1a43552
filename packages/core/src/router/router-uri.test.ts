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
  return { id, data: id, ...extra };
}

function matchId(routes: RouteInput<string>[], path: string): string | undefined {
  return buildRouter(routes).match(request(path))?.route.data;
}

describe('buildRouter: URI rules', () => {
  it('matches the full path by default', () => {
    const routes = [route('1', { uri: '/blog/foo' })];
    expect(matchId(routes, '/blog/foo')).toBe('1');
    expect(matchId(routes, '/blog/foo/')).toBeUndefined();
    expect(matchId(routes, '/blog/fo')).toBeUndefined();
    expect(matchId(routes, '/blog/foo/bar')).toBeUndefined();
  });

  it('a trailing * is a prefix match that includes the bare prefix (/blog/bar*)', () => {
    const routes = [route('1', { uri: '/blog/bar*' })];
    for (const path of [
      '/blog/bar',
      '/blog/bar/a',
      '/blog/bar/b',
      '/blog/bar/c/d/e',
      '/blog/barista',
    ]) {
      expect(matchId(routes, path)).toBe('1');
    }
    expect(matchId(routes, '/blog/ba')).toBeUndefined();
  });

  it('/foo/* matches /foo/ and deeper paths but not /foo', () => {
    const routes = [route('1', { uri: '/foo/*' })];
    expect(matchId(routes, '/foo/')).toBe('1');
    expect(matchId(routes, '/foo/x/y')).toBe('1');
    expect(matchId(routes, '/foo')).toBeUndefined();
    expect(matchId(routes, '/foobar')).toBeUndefined();
  });

  it('/* matches everything', () => {
    const routes = [route('1', { uri: '/*' })];
    expect(matchId(routes, '/')).toBe('1');
    expect(matchId(routes, '/any/thing')).toBe('1');
  });

  it('spec §6.4 / router-radixtree.md: full match, then the deepest prefix', () => {
    const routes = [
      route('foo', { uri: '/blog/foo/*' }),
      route('foo-a', { uri: '/blog/foo/a/*' }),
      route('foo-c', { uri: '/blog/foo/c/*' }),
      route('foo-bar', { uri: '/blog/foo/bar' }),
    ];
    expect(matchId(routes, '/blog/foo/bar')).toBe('foo-bar');
    expect(matchId(routes, '/blog/foo/a/b/c')).toBe('foo-a');
    expect(matchId(routes, '/blog/foo/c/d')).toBe('foo-c');
    expect(matchId(routes, '/blog/foo/gloo')).toBe('foo');
    expect(matchId(routes, '/blog/bar')).toBeUndefined();
  });

  it('exact beats prefix regardless of priority and insertion order', () => {
    const routes = [
      route('prefix', { uri: '/api*', priority: 100 }),
      route('exact', { uri: '/api' }),
    ];
    expect(matchId(routes, '/api')).toBe('exact');
    expect(matchId(routes, '/api/x')).toBe('prefix');
  });

  it('falls back to shorter prefixes when longer candidates fail their conditions', () => {
    const routes = [
      route('root', { uri: '/*' }),
      route('v1', { uri: '/v1/*' }),
      route('chat', { uri: '/v1/chat/*', methods: ['POST'] }),
      route('exact', { uri: '/v1/chat/completions', methods: ['PUT'] }),
    ];
    const router = buildRouter(routes);
    expect(router.match(request('/v1/chat/completions', { method: 'PUT' }))?.route.id).toBe(
      'exact',
    );
    expect(router.match(request('/v1/chat/completions', { method: 'POST' }))?.route.id).toBe(
      'chat',
    );
    expect(router.match(request('/v1/chat/completions'))?.route.id).toBe('v1');
    expect(router.match(request('/v2'))?.route.id).toBe('root');
  });

  it('reports the matched pattern as matchedUri', () => {
    const router = buildRouter([route('1', { uris: ['/a', '/b/*'] })]);
    expect(router.match(request('/a'))?.matchedUri).toBe('/a');
    expect(router.match(request('/b/c'))?.matchedUri).toBe('/b/*');
    expect(router.match(request('/a'))?.matchedHost).toBeUndefined();
    expect(router.match(request('/a'))?.params).toBeUndefined();
  });

  it('uris gives one route several patterns and wins over uri', () => {
    const routes = [route('1', { uri: '/ignored', uris: ['/foo', '/bar/car', '/doo/*'] })];
    expect(matchId(routes, '/foo')).toBe('1');
    expect(matchId(routes, '/bar/car')).toBe('1');
    expect(matchId(routes, '/doo/soo/index.html')).toBe('1');
    expect(matchId(routes, '/ignored')).toBeUndefined();
  });

  it('is case-sensitive on the path', () => {
    expect(matchId([route('1', { uri: '/Hello' })], '/hello')).toBeUndefined();
  });
});

describe('buildRouter: priority among candidates sharing a pattern', () => {
  it('higher priority first (router-radixtree.md example)', () => {
    const routes = [
      route('1980', { uri: '/hello', priority: 3 }),
      route('1981', { uri: '/hello', priority: 2 }),
    ];
    expect(matchId(routes, '/hello')).toBe('1980');
    expect(matchId([...routes].reverse(), '/hello')).toBe('1980');
  });

  it('equal priority keeps insertion order; default priority is 0', () => {
    const a = route('a', { uri: '/x*' });
    const b = route('b', { uri: '/x*' });
    expect(matchId([a, b], '/x')).toBe('a');
    expect(matchId([b, a], '/x')).toBe('b');
    expect(
      matchId([route('neg', { uri: '/x*', priority: -1 }), route('zero', { uri: '/x*' })], '/x'),
    ).toBe('zero');
  });

  it('a higher-priority candidate that fails its conditions yields to the next one', () => {
    const routes = [
      route('low', { uri: '/p', priority: 1 }),
      route('high', { uri: '/p', priority: 10, methods: ['POST'] }),
      route('mid', { uri: '/p', priority: 5, vars: [['arg_v', '==', '2']] }),
    ];
    const router = buildRouter(routes);
    expect(router.match(request('/p', { method: 'POST' }))?.route.id).toBe('high');
    expect(
      router.match(request('/p', { vars: (n) => (n === 'arg_v' ? '2' : undefined) }))?.route.id,
    ).toBe('mid');
    expect(router.match(request('/p'))?.route.id).toBe('low');
  });

  it('priority does not override prefix depth: the deeper prefix is tried first', () => {
    const routes = [
      route('shallow', { uri: '/a/*', priority: 100 }),
      route('deep', { uri: '/a/b/*' }),
    ];
    expect(matchId(routes, '/a/b/c')).toBe('deep');
  });
});

describe('buildRouter: parameters', () => {
  it('treats :name literally by default, like radixtree_host_uri', () => {
    const routes = [route('1', { uri: '/user/:name' })];
    expect(matchId(routes, '/user/john')).toBeUndefined();
    expect(matchId(routes, '/user/:name')).toBe('1');
  });

  it('captures :name segments with paramMatch (radixtree_uri_with_parameter)', () => {
    const router = buildRouter(
      [route('1', { uri: '/user/:name' }), route('2', { uri: '/user/:name/*action' })],
      {
        paramMatch: true,
      },
    );
    expect(router.match(request('/user/john'))).toMatchObject({
      matchedUri: '/user/:name',
      params: { name: 'john' },
    });
    expect(router.match(request('/user/john/send'))).toMatchObject({
      route: { id: '2' },
      params: { name: 'john', action: 'send' },
    });
    expect(router.match(request('/user/'))).toBeUndefined();
    expect(router.match(request('/user'))).toBeUndefined();
  });

  it('captures a named *rest segment in either mode', () => {
    const router = buildRouter([route('1', { uri: '/login/*action' })]);
    expect(router.match(request('/login/update'))?.params).toEqual({ action: 'update' });
  });

  it('among equal priorities on one key, the longer pattern is tried first', () => {
    const router = buildRouter(
      [route('any', { uri: '/user/*' }), route('param', { uri: '/user/:id' })],
      { paramMatch: true },
    );
    expect(router.match(request('/user/7'))?.route.id).toBe('param');
    expect(router.match(request('/user/7/x'))?.route.id).toBe('any');
  });
});
