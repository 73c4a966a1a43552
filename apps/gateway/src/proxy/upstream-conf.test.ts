/**
 * Issue 9 item 7: a node without a port gets its upstream scheme's default port (APISIX
 * `upstream.lua` `fill_node_info` / `scheme_to_port`), in both forms of `nodes`.
 */
import { defaultPort, normaliseUpstream } from './upstream-conf';

const addrs = (raw: Record<string, unknown>): string[] =>
  normaliseUpstream(raw).nodes.map((n) => n.addr);

describe('defaultPort', () => {
  it.each([
    ['http', 80],
    ['https', 443],
    ['grpc', 80],
    ['grpcs', 443],
  ])('%s → %d', (scheme, port) => {
    expect(defaultPort(scheme)).toBe(port);
  });

  it('gives 80 to schemes it does not know, inherited property names included', () => {
    for (const scheme of ['tcp', 'constructor', '__proto__', 'toString']) {
      expect(defaultPort(scheme)).toBe(80);
    }
  });
});

describe('normaliseUpstream node ports', () => {
  it('fills the scheme default into array nodes without a port', () => {
    const nodes = [{ host: 'a.example', weight: 1 }];
    expect(addrs({ nodes })).toEqual(['a.example:80']);
    expect(addrs({ nodes, scheme: 'http' })).toEqual(['a.example:80']);
    expect(addrs({ nodes, scheme: 'https' })).toEqual(['a.example:443']);
    expect(addrs({ nodes, scheme: 'grpc' })).toEqual(['a.example:80']);
    expect(addrs({ nodes, scheme: 'grpcs' })).toEqual(['a.example:443']);
  });

  it('keeps a port the node names, whatever the scheme', () => {
    const nodes = [
      { host: '127.0.0.1', port: 8443, weight: 1 },
      { host: '127.0.0.1', weight: 1 },
    ];
    expect(addrs({ nodes, scheme: 'https' })).toEqual(['127.0.0.1:8443', '127.0.0.1:443']);
  });

  it('fills the scheme default into hash nodes without a port, IPv6 literals included', () => {
    const nodes = { 'a.example': 1, '[::1]': 2, '::1': 3, 'b.example:8080': 4 };
    expect(addrs({ nodes, scheme: 'https' })).toEqual([
      'a.example:443',
      '[::1]:443',
      '[::1]:443',
      'b.example:8080',
    ]);
    expect(normaliseUpstream({ nodes }).nodes.map((n) => [n.host, n.port])).toEqual([
      ['a.example', 80],
      ['::1', 80],
      ['::1', 80],
      ['b.example', 8080],
    ]);
  });
});
