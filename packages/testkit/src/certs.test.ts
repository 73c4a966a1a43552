import crypto from 'node:crypto';
import { makeCa, makeCert } from './certs';

describe('test certificates', () => {
  const ca = makeCa();
  const caCert = new crypto.X509Certificate(ca.cert);

  it('a server certificate for several names (a wildcard among them) is signed by the CA and matches its key', () => {
    const pair = makeCert(ca, { cn: 'a.test.com', sans: ['a.test.com', '*.b.test.com'] });
    const cert = new crypto.X509Certificate(pair.cert);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(crypto.createPrivateKey(pair.key))).toBe(true);
    expect(cert.checkHost('x.b.test.com')).toBe('*.b.test.com');
    expect(cert.checkHost('c.test.com')).toBeUndefined();
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now());
  });

  it('client, EC and already expired certificates', () => {
    const client = new crypto.X509Certificate(
      makeCert(ca, { cn: 'jack', client: true, keyType: 'ec' }).cert,
    );
    expect(client.subject).toBe('CN=jack');
    expect(client.publicKey.asymmetricKeyType).toBe('ec');
    expect(client.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    const expired = new crypto.X509Certificate(makeCert(ca, { cn: 'old', days: -1 }).cert);
    expect(new Date(expired.validTo).getTime()).toBeLessThan(Date.now());
  });
});
