/**
 * `apisix.ssl` in config.yaml: APISIX's defaults (enabled, 9443, TLSv1.2 TLSv1.3, its ciphers),
 * `enable: false`, listen entries, ssl_protocols and fallback_sni, and the refusals.
 */
import { readEnv } from '@tollgate/core';
import { parseConfig } from './load';

const parse = (text: string) =>
  parseConfig(text, 'test.yaml', { ...readEnv({}), configFile: undefined }, {});

describe('apisix.ssl', () => {
  it("defaults to APISIX's: HTTPS on 0.0.0.0:9443, TLSv1.2 and TLSv1.3, no fallback SNI", () => {
    const tls = parse('').tls;
    expect(tls).toMatchObject({
      listen: [{ ip: '0.0.0.0', port: 9443 }],
      protocols: ['TLSv1.2', 'TLSv1.3'],
    });
    expect(tls?.ciphers).toMatch(/^ECDHE-ECDSA-AES128-GCM-SHA256:/);
    expect(tls?.fallbackSni).toBeUndefined();
    expect(tls?.http2).toBe(true);
  });

  it('reads apisix.enable_http2 (APISIX 3.9+): false offers http/1.1 only', () => {
    expect(parse('apisix:\n  enable_http2: false\n').tls?.http2).toBe(false);
    const on = parse('apisix:\n  enable_http2: true\n');
    expect(on.tls?.http2).toBe(true);
    expect(on.unsupportedKeys).toEqual([]);
    expect(() => parse('apisix:\n  enable_http2: yes please\n')).toThrow(/enable_http2/);
  });

  it("refuses the per-listener enable_http2 APISIX 3.9 removed, with APISIX's message", () => {
    expect(() =>
      parse('apisix:\n  ssl:\n    listen:\n      - port: 9443\n        enable_http2: true\n'),
    ).toThrow(
      'ERROR: port level enable_http2 in ssl.listen is deprecatedfrom 3.9 version, and you should use enable_http2 in apisix level.',
    );
  });

  it('serves no HTTPS with enable: false', () => {
    expect(parse('apisix:\n  ssl:\n    enable: false\n').tls).toBeUndefined();
  });

  it('reads listen entries, ssl_protocols, ssl_ciphers and fallback_sni', () => {
    const config = parse(
      [
        'apisix:',
        '  ssl:',
        '    enable: true',
        '    listen:',
        '      - port: 8443',
        '        enable_http3: false',
        '      - ip: 127.0.0.1',
        '        port: 9443',
        '    ssl_protocols: TLSv1.3',
        '    ssl_ciphers: ECDHE-RSA-AES128-GCM-SHA256',
        '    fallback_sni: default.example.com',
      ].join('\n'),
    );
    expect(config.tls).toEqual({
      listen: [
        { ip: '0.0.0.0', port: 8443 },
        { ip: '127.0.0.1', port: 9443 },
      ],
      protocols: ['TLSv1.3'],
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
      fallbackSni: 'default.example.com',
      http2: true,
    });
    expect(config.unsupportedKeys).toEqual([]);
  });

  it('refuses an unknown protocol, a bad port and an empty listen list', () => {
    expect(() => parse('apisix:\n  ssl:\n    ssl_protocols: TLSv1.2 SSLv3\n')).toThrow(
      /ssl_protocols/,
    );
    expect(() => parse('apisix:\n  ssl:\n    listen:\n      - port: 70000\n')).toThrow(/port/);
    expect(() => parse('apisix:\n  ssl:\n    listen: []\n')).toThrow(/apisix\.ssl\.listen/);
  });

  it('reports the keys Tollgate does not use as unsupported', () => {
    const config = parse('apisix:\n  ssl:\n    ssl_session_tickets: false\n');
    expect(config.unsupportedKeys).toEqual(['apisix.ssl.ssl_session_tickets']);
  });
});
