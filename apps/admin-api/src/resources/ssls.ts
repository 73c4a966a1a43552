/**
 * `/apisix/admin/ssls`: APISIX's ssl.lua checks (the schema, then `check_ssl_conf`: certificate
 * and key parsed with node:crypto). A GET of one ssl leaves its private `key` out, as APISIX does.
 * APISIX has no in-use check for ssls: deleting one that an upstream's `tls.client_cert_id` names
 * is allowed, and that upstream then answers 502 on the data plane.
 */
import { checkSchema } from './checks';
import type { ResourceDefinition } from './resource';

export const ssls: ResourceDefinition = {
  dir: 'ssls',
  kind: 'ssl',
  identity: 'id',
  check: (_ctx, conf) => Promise.resolve(checkSchema('ssl', conf)),
  hiddenOnGet: ['key'],
};
