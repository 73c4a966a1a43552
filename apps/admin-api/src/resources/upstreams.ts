/** `/apisix/admin/upstreams`; an upstream in use by a route or service is not deleted. */
import { checkInUse, checkSchema } from './checks';
import type { ResourceDefinition } from './resource';

export const upstreams: ResourceDefinition = {
  dir: 'upstreams',
  kind: 'upstream',
  identity: 'id',
  check: (_ctx, conf) => Promise.resolve(checkSchema('upstream', conf)),
  checkDelete: (ctx, id) =>
    checkInUse(ctx, id, 'upstream_id', 'upstream', [
      { dir: 'routes', kind: 'route' },
      { dir: 'services', kind: 'service' },
    ]),
};
