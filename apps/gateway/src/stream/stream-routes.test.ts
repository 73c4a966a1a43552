/**
 * Stream route matching (APISIX ip_port.lua): server_addr, server_port, remote_addr with CIDR,
 * SNI exact before wildcard before routes without sni; services' upstream and plugins merged.
 */
import type { SnapshotProblem } from '../config/snapshot';
import type { ConfigValue } from '../config/update';
import { compileStreamRoutes, type StreamVars } from './stream-routes';

const UP = { type: 'roundrobin', nodes: { '127.0.0.1:1995': 1 } };

function table(routes: Record<string, ConfigValue>, services: Record<string, ConfigValue> = {}) {
  const problems: SnapshotProblem[] = [];
  const upstreamOf = (owner: string, value: ConfigValue) =>
    value.upstream ? { key: `${owner}#upstream`, conf: value.upstream as ConfigValue } : undefined;
  const compiled = compileStreamRoutes(
    new Map(Object.entries(routes)),
    new Map(Object.entries(services)),
    upstreamOf,
    problems,
  );
  return { compiled, problems };
}

const vars = (over: Partial<StreamVars> = {}): StreamVars => ({
  remote_addr: '127.0.0.1',
  remote_port: 40000,
  server_addr: '127.0.0.1',
  server_port: 9100,
  ...over,
});

describe('StreamRouteTable.match', () => {
  it('matches server_port, server_addr and remote_addr (CIDR)', () => {
    const { compiled } = table({
      a: { server_port: 9101, upstream: UP },
      b: { remote_addr: '10.0.0.0/8', upstream: UP },
      c: { server_addr: '127.0.0.2', upstream: UP },
    });
    expect(compiled.match(vars({ server_port: 9101 }))?.id).toBe('a');
    expect(compiled.match(vars({ remote_addr: '10.1.2.3' }))?.id).toBe('b');
    expect(compiled.match(vars({ server_addr: '127.0.0.2' }))?.id).toBe('c');
    expect(compiled.match(vars())).toBeUndefined();
  });

  it('sni: exact, then the longest wildcard, then routes without sni', () => {
    const { compiled } = table({
      plain: { upstream: UP },
      wide: { sni: '*.test.com', upstream: UP },
      narrow: { sni: '*.b.test.com', upstream: UP },
      exact: { sni: 'a.test.com', upstream: UP },
    });
    expect(compiled.match(vars({ sni: 'a.test.com' }))?.id).toBe('exact');
    expect(compiled.match(vars({ sni: 'x.b.test.com' }))?.id).toBe('narrow');
    expect(compiled.match(vars({ sni: 'x.test.com' }))?.id).toBe('wide');
    expect(compiled.match(vars({ sni: 'test.com' }))?.id).toBe('plain');
    expect(compiled.match(vars())?.id).toBe('plain');
  });

  it('a route with sni never matches a connection without one', () => {
    const { compiled } = table({ only: { sni: 'a.test.com', upstream: UP } });
    expect(compiled.match(vars())).toBeUndefined();
  });

  it("takes the service's upstream and plugins; the route's plugins win", () => {
    const { compiled, problems } = table(
      {
        r: { service_id: 's', plugins: { 'limit-conn': { conn: 2 } } },
        lost: { service_id: 'missing' },
      },
      {
        s: {
          upstream: UP,
          plugins: { 'limit-conn': { conn: 9 }, 'ip-restriction': { whitelist: ['1.2.3.4'] } },
        },
      },
    );
    const route = compiled.match(vars());
    expect(route?.upstream?.key).toBe('services/s#upstream');
    expect(route?.plugins).toEqual([
      { name: 'limit-conn', conf: { conn: 2 } },
      { name: 'ip-restriction', conf: { whitelist: ['1.2.3.4'] } },
    ]);
    expect(problems).toEqual([{ key: 'stream_routes/lost', message: 'service missing not found' }]);
  });
});
