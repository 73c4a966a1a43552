import { normaliseUpstream } from '../proxy/upstream-conf';
import { withClientCert } from './upstream-tls';

const CLIENT = { type: 'client', cert: 'CERT PEM', key: 'KEY PEM' };

describe('withClientCert', () => {
  const upstream = { nodes: { '127.0.0.1:1': 1 }, scheme: 'https', tls: { client_cert_id: 'c' } };

  it('fills client_cert/client_key from an ssl of type client, keeping the object while both are unchanged', () => {
    const ssls = new Map([['c', CLIENT]]);
    const resolved = withClientCert(upstream, ssls);
    expect(resolved.tls).toEqual({
      client_cert_id: 'c',
      client_cert: 'CERT PEM',
      client_key: 'KEY PEM',
    });
    expect(withClientCert(upstream, new Map([['c', CLIENT]]))).toBe(resolved);
    expect(withClientCert(upstream, new Map([['c', { ...CLIENT, cert: 'NEW' }]]))).not.toBe(
      resolved,
    );
    expect(normaliseUpstream(resolved).tls).toEqual({
      clientCert: { cert: 'CERT PEM', key: 'KEY PEM' },
      verify: false,
    });
  });

  it('leaves a missing or server ssl unresolved, which the proxy answers with 502', () => {
    for (const ssls of [new Map(), new Map([['c', { ...CLIENT, type: 'server' }]])]) {
      const resolved = withClientCert(upstream, ssls);
      expect(resolved).toBe(upstream);
      expect(normaliseUpstream(resolved).tls).toEqual({ unresolvedCertId: 'c', verify: false });
    }
  });

  it('returns upstreams without client_cert_id as they are', () => {
    const inline = { nodes: {}, tls: { client_cert: 'A', client_key: 'B', verify: true } };
    expect(withClientCert(inline, new Map())).toBe(inline);
    expect(normaliseUpstream(inline).tls).toEqual({
      clientCert: { cert: 'A', key: 'B' },
      verify: true,
    });
  });
});
