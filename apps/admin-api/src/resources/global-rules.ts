/** `/apisix/admin/global_rules`: plugins that run for every request. */
import { checkPlugins, checkSchema, firstRefusal } from './checks';
import type { ResourceDefinition } from './resource';

export const globalRules: ResourceDefinition = {
  dir: 'global_rules',
  kind: 'global rule',
  identity: 'id',
  unsupported: ['post'],
  check: (ctx, conf) =>
    firstRefusal([() => checkSchema('global_rule', conf), () => checkPlugins(ctx, conf)]),
};
