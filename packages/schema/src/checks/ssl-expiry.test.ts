import { X509Certificate } from 'node:crypto';
import { makeCa, makeCert } from '@tollgate/testkit';
import {
  EXPIRY_WARNING_MS,
  expiryState,
  sslCertificateExpiries,
  sslServerNames,
} from './ssl-expiry';

describe('ssl certificate expiry (reported, never refused, as APISIX 3.6+ stores any date)', () => {
  const ca = makeCa('expiry CA');
  const current = makeCert(ca, { cn: 'current.test', days: 90 });
  const expired = makeCert(ca, { cn: 'expired.test', days: -2 });
  const notAfter = (pem: string) => Date.parse(new X509Certificate(pem).validTo);

  it('reads notAfter of cert and of every certs entry, in order', () => {
    const expiries = sslCertificateExpiries({
      cert: current.cert,
      certs: [expired.cert, current.cert],
    });
    expect(expiries).toEqual([
      { field: 'cert', notAfter: notAfter(current.cert) },
      { field: 'certs[0]', notAfter: notAfter(expired.cert) },
      { field: 'certs[1]', notAfter: notAfter(current.cert) },
    ]);
    // openssl's dates are whole seconds; the expired one ended about two days ago.
    expect(expiries[0]?.notAfter).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    expect(expiries[1]?.notAfter).toBeLessThan(Date.now() - 86_400_000);
  });

  it('leaves out references and text that is not a certificate', () => {
    expect(
      sslCertificateExpiries({ cert: '$secret://vault/1/cert', certs: ['$env://C', 'junk'] }),
    ).toEqual([]);
    expect(sslCertificateExpiries({})).toEqual([]);
  });

  it('classifies expired, expiring within 30 days, and fine', () => {
    const now = Date.now();
    expect(expiryState(notAfter(expired.cert), now)).toBe('expired');
    expect(expiryState(now, now)).toBe('expired');
    expect(expiryState(now + EXPIRY_WARNING_MS, now)).toBe('expiring');
    expect(expiryState(now + EXPIRY_WARNING_MS + 1, now)).toBeUndefined();
    expect(expiryState(notAfter(current.cert), now)).toBeUndefined();
  });

  it('names the server names: snis, else sni, else none', () => {
    expect(sslServerNames({ snis: ['a.test', '*.b.test'], sni: 'x' })).toEqual([
      'a.test',
      '*.b.test',
    ]);
    expect(sslServerNames({ sni: 'one.test' })).toEqual(['one.test']);
    expect(sslServerNames({ type: 'client' })).toEqual([]);
  });
});
