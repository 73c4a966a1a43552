/**
 * @module metrics/ssl-expiry
 * `tollgate_ssl_certificate_expiry_timestamp_seconds`: when each certificate of the `ssls` items
 * a node holds stops being valid, one series per certificate and server name. Read from the
 * primary's validated config items at every scrape, so a deleted SSL's series go with it.
 */
import { sslCertificateExpiries, sslServerNames } from '@tollgate/schema';
import type { ConfigValue } from '../config/update';

/** One series of the gauge. */
export interface SslCertificateExpiry {
  sslId: string;
  /** One of the SSL's SNIs; empty for an SSL without any (`type: client`). */
  sni: string;
  /** `cert`, or `certs[0]`, `certs[1]`, ... */
  cert: string;
  /** `notAfter` in seconds since the epoch. */
  notAfterSeconds: number;
}

/**
 * The series of the SSLs among a node's config items, parsing each certificate once: the config
 * sync hands a new value object for every changed item and keeps the unchanged ones.
 *
 * @example
 * const expiries = new SslExpiryIndex();
 * expiries.series(node.configItems()) // [{ sslId: '1', sni: 'a.test', cert: 'cert', notAfterSeconds: 1796486400 }]
 */
export class SslExpiryIndex {
  private cache = new WeakMap<ConfigValue, SslCertificateExpiry[]>();

  series(items: ReadonlyMap<string, ConfigValue>): SslCertificateExpiry[] {
    const out: SslCertificateExpiry[] = [];
    for (const [key, value] of items) {
      if (!key.startsWith('ssls/')) continue;
      let series = this.cache.get(value);
      if (series === undefined) {
        series = seriesOf(key.slice('ssls/'.length), value);
        this.cache.set(value, series);
      }
      out.push(...series);
    }
    return out;
  }
}

function seriesOf(sslId: string, value: ConfigValue): SslCertificateExpiry[] {
  const names = sslServerNames(value);
  const snis = names.length > 0 ? names : [''];
  return sslCertificateExpiries(value).flatMap(({ field, notAfter }) =>
    snis.map((sni) => ({ sslId, sni, cert: field, notAfterSeconds: Math.floor(notAfter / 1000) })),
  );
}
