/** `/apisix/admin/services`: APISIX's services.lua checks; a service in use is not deleted. */
import {
  checkClientCertId,
  checkInUse,
  checkPlugins,
  checkReference,
  checkSchema,
  firstRefusal,
} from './checks';
import type { ResourceDefinition } from './resource';

export const services: ResourceDefinition = {
  dir: 'services',
  kind: 'service',
  identity: 'id',
  check: (ctx, conf) =>
    firstRefusal([
      () => checkSchema('service', conf),
      () => checkClientCertId(ctx, conf.upstream),
      () => checkReference(ctx, conf, 'upstream_id'),
      () => checkPlugins(ctx, conf),
    ]),
  checkDelete: (ctx, id) =>
    checkInUse(ctx, id, 'service_id', 'service directly', [
      { dir: 'routes', kind: 'route' },
      { dir: 'stream_routes', kind: 'stream_route' },
    ]),
};
