/**
 * `apisix.proxy_mode` and `apisix.stream_proxy` in config.yaml: APISIX's entry shapes (port,
 * "ip:port", {addr, tls_passthrough}), http mode ignoring stream, and the refusals.
 */
import { readEnv } from '@tollgate/core';
import { parseConfig } from './load';

const parse = (text: string) =>
  parseConfig(text, 'test.yaml', { ...readEnv({}), configFile: undefined }, {});

describe('apisix.proxy_mode / stream_proxy', () => {
  it('http (the default) serves no stream, whatever stream_proxy says', () => {
    expect(parse('').streamProxy).toBeUndefined();
    const config = parse('apisix:\n  proxy_mode: http\n  stream_proxy:\n    tcp: [9100]\n');
    expect(config.streamProxy).toBeUndefined();
    expect(config.unsupportedKeys).toEqual([]);
  });

  it('reads ports, ip:port strings and addr objects', () => {
    const config = parse(
      [
        'apisix:',
        '  proxy_mode: http&stream',
        '  stream_proxy:',
        '    tcp:',
        '      - 9100',
        '      - "127.0.0.1:9101"',
        '      - addr: "[::1]:9102"',
        '        tls_passthrough: true',
        '    udp:',
        '      - 9200',
        '      - "127.0.0.1:9211"',
      ].join('\n'),
    );
    expect(config.streamProxy).toEqual({
      httpToo: true,
      tcp: [
        { ip: '0.0.0.0', port: 9100, tlsPassthrough: false },
        { ip: '127.0.0.1', port: 9101, tlsPassthrough: false },
        { ip: '::1', port: 9102, tlsPassthrough: true },
      ],
      udp: [
        { ip: '0.0.0.0', port: 9200, tlsPassthrough: false },
        { ip: '127.0.0.1', port: 9211, tlsPassthrough: false },
      ],
    });
    expect(config.unsupportedKeys).toEqual([]);
  });

  it('stream alone keeps no HTTP', () => {
    const config = parse('apisix:\n  proxy_mode: stream\n  stream_proxy:\n    udp: [9200]\n');
    expect(config.streamProxy?.httpToo).toBe(false);
  });

  it('refuses stream mode without addresses, bad modes and ports, and tls termination', () => {
    expect(() => parse('apisix:\n  proxy_mode: stream\n')).toThrow(
      'invalid config file test.yaml: apisix.stream_proxy: needs a tcp or udp address for proxy_mode stream',
    );
    expect(() => parse('apisix:\n  proxy_mode: tcp\n')).toThrow(
      'apisix.proxy_mode: must be one of "http", "stream", "http&stream"',
    );
    expect(() =>
      parse('apisix:\n  proxy_mode: stream\n  stream_proxy:\n    tcp: ["127.0.0.1:70000"]\n'),
    ).toThrow('apisix.stream_proxy.tcp[0]: port must be 1..65535');
    expect(() =>
      parse(
        'apisix:\n  proxy_mode: stream\n  stream_proxy:\n    tcp:\n      - addr: 9100\n        tls: true\n',
      ),
    ).toThrow('apisix.stream_proxy.tcp[0].tls: TLS termination on stream ports is not supported');
  });
});
