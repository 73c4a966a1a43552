import { buildRouter } from './build-router';
import { type MatchRequest, type RouteInput } from './types';

// Correctness at scale only; timings belong to the benchmarks, not to unit tests.
const N = 10_000;

function request(path: string, host = 'localhost', method = 'GET'): MatchRequest {
  return { method, host, path, remoteAddr: '10.0.0.1', vars: () => undefined };
}

function makeRoutes(): RouteInput<number>[] {
  const routes: RouteInput<number>[] = [];
  for (let i = 0; i < N; i++) {
    switch (i % 4) {
      case 0:
        routes.push({ id: `r${i}`, uri: `/exact/${i}`, data: i });
        break;
      case 1:
        routes.push({ id: `r${i}`, uri: `/prefix/${i}/*`, methods: ['POST'], data: i });
        break;
      case 2:
        routes.push({ id: `r${i}`, uri: '/shared', host: `h${i}.example.com`, data: i });
        break;
      default:
        routes.push({ id: `r${i}`, uri: `/wild/${i}*`, host: `*.t${i}.example.com`, data: i });
    }
  }
  routes.push({ id: 'fallback', uri: '/*', data: -1 });
  return routes;
}

describe('buildRouter: 10,000 routes', () => {
  const router = buildRouter(makeRoutes());

  it('indexes every route', () => {
    expect(router.size).toBe(N + 1);
    expect(router.errors).toEqual([]);
  });

  it('finds every route by its own request', () => {
    for (let i = 0; i < N; i++) {
      let req: MatchRequest;
      switch (i % 4) {
        case 0:
          req = request(`/exact/${i}`);
          break;
        case 1:
          req = request(`/prefix/${i}/a/b`, 'localhost', 'POST');
          break;
        case 2:
          req = request('/shared', `h${i}.example.com`);
          break;
        default:
          req = request(`/wild/${i}/x`, `api.t${i}.example.com`);
      }
      expect(router.match(req)?.route.data).toBe(i);
    }
  });

  it('falls through to the catch-all when nothing more specific fits', () => {
    expect(router.match(request('/exact/1'))?.route.data).toBe(-1);
    expect(router.match(request('/prefix/1/a'))?.route.data).toBe(-1);
    expect(router.match(request('/shared', 'h3.example.com'))?.route.data).toBe(-1);
    expect(router.match(request('/wild/3/x', 't3.example.com'))?.route.data).toBe(-1);
    // `/wild/3*` is also a prefix of `/wild/31...`: longest prefix under the matching host wins.
    expect(router.match(request('/wild/3111', 'a.t3111.example.com'))?.route.data).toBe(3111);
    expect(router.match(request('/wild/3111', 'a.t3.example.com'))?.route.data).toBe(3);
  });
});
