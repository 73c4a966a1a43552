/** `/apisix/admin/routes`: APISIX's routes.lua checks. */
import {
  checkClientCertId,
  checkExclusiveFields,
  checkPlugins,
  checkReference,
  checkSchema,
  checkVars,
  firstRefusal,
} from './checks';
import type { ResourceDefinition } from './resource';

export const routes: ResourceDefinition = {
  dir: 'routes',
  kind: 'route',
  identity: 'id',
  check: (ctx, conf) =>
    firstRefusal([
      () => checkExclusiveFields(conf),
      () => checkSchema('route', conf),
      () => checkClientCertId(ctx, conf.upstream),
      () => checkReference(ctx, conf, 'upstream_id'),
      () => checkReference(ctx, conf, 'service_id'),
      () => checkReference(ctx, conf, 'plugin_config_id'),
      () => checkPlugins(ctx, conf),
      () => checkVars(conf),
    ]),
};
