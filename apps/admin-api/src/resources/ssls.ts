/**
 * `/apisix/admin/ssls`: APISIX's ssl.lua checks (the schema, then `check_ssl_conf`: certificate
 * and key parsed with node:crypto). A GET of one ssl leaves its private `key` out, as APISIX does.
 * APISIX has no in-use check for ssls: deleting one that an upstream's `tls.client_cert_id` names
 * is allowed, and that upstream then answers 502 on the data plane.
 *
 * A certificate that has expired, or expires within 30 days, is stored as APISIX stores it and
 * reported with a warning naming the ssl, its SNIs and the date.
 */
import { expiryState, sslCertificateExpiries, sslServerNames } from '@tollgate/schema';
import type { JsonObject } from '../json-tree';
import { checkSchema } from './checks';
import type { AdminContext } from './context';
import type { ResourceDefinition } from './resource';

const EXPIRY_MESSAGES = {
  expired: 'ssl certificate has expired',
  expiring: 'ssl certificate expires within 30 days',
} as const;

function reportExpiry(ctx: AdminContext, value: JsonObject, id: string): void {
  const now = Date.now();
  for (const { field, notAfter } of sslCertificateExpiries(value)) {
    const state = expiryState(notAfter, now);
    if (state === undefined) continue;
    ctx.log.warn(EXPIRY_MESSAGES[state], {
      ssl_id: id,
      snis: sslServerNames(value),
      field,
      not_after: new Date(notAfter).toISOString(),
    });
  }
}

export const ssls: ResourceDefinition = {
  dir: 'ssls',
  kind: 'ssl',
  identity: 'id',
  check: (_ctx, conf) => Promise.resolve(checkSchema('ssl', conf)),
  hiddenOnGet: ['key'],
  written: reportExpiry,
};
