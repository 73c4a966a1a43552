import { X509Certificate } from 'node:crypto';
import { makeCa, makeCert } from '@tollgate/testkit';
import type { ConfigValue } from '../config/update';
import { NodeMetrics } from './node-metrics';
import { renderMetrics } from './render';
import { SslExpiryIndex } from './ssl-expiry';

describe('tollgate_ssl_certificate_expiry_timestamp_seconds', () => {
  const ca = makeCa('expiry gauge CA');
  const site = makeCert(ca, { cn: 'a.test', sans: ['a.test', '*.b.test'], days: 90 });
  const ec = makeCert(ca, { cn: 'a.test', keyType: 'ec', days: -1 });
  const client = makeCert(ca, { cn: 'gw', client: true, days: 20 });
  const seconds = (pem: string) => Date.parse(new X509Certificate(pem).validTo) / 1000;

  it('one series per certificate and SNI of every SSL held; client SSLs with an empty sni', () => {
    const items = new Map<string, ConfigValue>([
      ['routes/1', { uri: '/' }],
      ['ssls/1', { cert: site.cert, certs: [ec.cert], snis: ['a.test', '*.b.test'] }],
      ['ssls/c', { type: 'client', cert: client.cert }],
      ['ssls/ref', { cert: '$secret://vault/1/cert', sni: 'ref.test' }],
    ]);
    expect(new SslExpiryIndex().series(items)).toEqual([
      { sslId: '1', sni: 'a.test', cert: 'cert', notAfterSeconds: seconds(site.cert) },
      { sslId: '1', sni: '*.b.test', cert: 'cert', notAfterSeconds: seconds(site.cert) },
      { sslId: '1', sni: 'a.test', cert: 'certs[0]', notAfterSeconds: seconds(ec.cert) },
      { sslId: '1', sni: '*.b.test', cert: 'certs[0]', notAfterSeconds: seconds(ec.cert) },
      { sslId: 'c', sni: '', cert: 'cert', notAfterSeconds: seconds(client.cert) },
    ]);
  });

  it('is exported by the node, and a deleted SSL leaves no series behind', async () => {
    const index = new SslExpiryIndex();
    const items = new Map<string, ConfigValue>([['ssls/1', { cert: site.cert, sni: 'a.test' }]]);
    const node = new NodeMetrics({ hostname: 'h', version: 'v' }, () => 0);
    const scrape = async () =>
      renderMetrics([
        await node.json({
          config: { revision: 1, loaded: true, stale: false, connected: true },
          workerRevisions: [],
          activeHealth: [],
          sslCertificates: index.series(items),
        }),
      ]);
    expect(await scrape()).toContain(
      `tollgate_ssl_certificate_expiry_timestamp_seconds{ssl_id="1",sni="a.test",cert="cert"} ${seconds(site.cert)}`,
    );
    items.delete('ssls/1');
    expect(await scrape()).not.toContain('tollgate_ssl_certificate_expiry_timestamp_seconds{');
  });
});
