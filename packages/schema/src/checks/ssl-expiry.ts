/**
 * @module checks/ssl-expiry
 * When the certificates of an `ssls` item stop being valid. APISIX 3.6+ stores an expired
 * certificate as given (no `validity_start`/`validity_end`, nothing checked at write time), and so
 * does Tollgate; this only reports it: the Admin API warns on a write, the gateway exports the
 * dates as a gauge.
 */
import { X509Certificate } from 'node:crypto';
import { isSecretReference } from './ssl';

/** How close to its `notAfter` a certificate is reported as expiring soon: 30 days. */
export const EXPIRY_WARNING_MS = 30 * 86_400_000;

/** One certificate of an ssl item and its end of validity. */
export interface CertificateExpiry {
  /** Where the certificate sits in the item: `cert`, or `certs[0]`, `certs[1]`, ... */
  field: string;
  /** `notAfter`, epoch milliseconds. */
  notAfter: number;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `notAfter` of a PEM certificate, or undefined when the text is not one. */
function notAfterOf(pem: string): number | undefined {
  try {
    const time = Date.parse(new X509Certificate(pem).validTo);
    return Number.isNaN(time) ? undefined : time;
  } catch {
    return undefined;
  }
}

/**
 * The `notAfter` of each certificate of an ssl item: `cert`, then every `certs` entry. Values
 * that are `$secret://`/`$env://` references or do not parse are left out (the item's checks
 * report the latter).
 *
 * @example
 * sslCertificateExpiries({ cert: pem, snis: ['a.test'] })
 * // [{ field: 'cert', notAfter: 1796486400000 }]
 */
export function sslCertificateExpiries(conf: Record<string, unknown>): CertificateExpiry[] {
  const out: CertificateExpiry[] = [];
  const add = (field: string, pem: unknown) => {
    if (typeof pem !== 'string' || isSecretReference(pem)) return;
    const notAfter = notAfterOf(pem);
    if (notAfter !== undefined) out.push({ field, notAfter });
  };
  add('cert', conf.cert);
  for (const [i, pem] of strings(conf.certs).entries()) add(`certs[${i}]`, pem);
  return out;
}

/** The server names of an ssl item: `snis`, else `sni`, else none (a `client` ssl). */
export function sslServerNames(conf: Record<string, unknown>): string[] {
  const snis = strings(conf.snis);
  if (snis.length > 0) return snis;
  return typeof conf.sni === 'string' ? [conf.sni] : [];
}

/**
 * `expired` when `notAfter` has passed at `now`, `expiring` when it comes within `windowMs`,
 * otherwise undefined.
 * @example expiryState(Date.now() - 1, Date.now()) // 'expired'
 */
export function expiryState(
  notAfter: number,
  now: number,
  windowMs = EXPIRY_WARNING_MS,
): 'expired' | 'expiring' | undefined {
  if (notAfter <= now) return 'expired';
  return notAfter - now <= windowMs ? 'expiring' : undefined;
}
