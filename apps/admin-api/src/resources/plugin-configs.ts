/** `/apisix/admin/plugin_configs`; one still used by a route is not deleted. */
import { checkInUse, checkPlugins, checkSchema, firstRefusal } from './checks';
import type { ResourceDefinition } from './resource';

export const pluginConfigs: ResourceDefinition = {
  dir: 'plugin_configs',
  kind: 'plugin config',
  identity: 'id',
  unsupported: ['post'],
  check: (ctx, conf) =>
    firstRefusal([() => checkSchema('plugin_config', conf), () => checkPlugins(ctx, conf)]),
  checkDelete: (ctx, id) =>
    checkInUse(ctx, id, 'plugin_config_id', 'plugin config', [{ dir: 'routes', kind: 'route' }]),
};
