/** `/apisix/admin/upstreams`; an upstream in use by a route or service is not deleted. */
import { checkClientCertId, checkInUse, checkSchema, firstRefusal } from './checks';
import type { ResourceDefinition } from './resource';

export const upstreams: ResourceDefinition = {
  dir: 'upstreams',
  kind: 'upstream',
  identity: 'id',
  check: (ctx, conf) =>
    firstRefusal([() => checkSchema('upstream', conf), () => checkClientCertId(ctx, conf)]),
  checkDelete: (ctx, id) =>
    checkInUse(ctx, id, 'upstream_id', 'upstream', [
      { dir: 'routes', kind: 'route' },
      { dir: 'services', kind: 'service' },
    ]),
};
