/** `/apisix/admin/plugin_metadata/<plugin>`: a plugin's node-wide settings, checked by its metadata schema. */
import { checkPluginConf } from '@tollgate/schema';
import { errorResponse } from '../response';
import type { ResourceDefinition } from './resource';

export const pluginMetadata: ResourceDefinition = {
  dir: 'plugin_metadata',
  kind: 'plugin_metadata',
  identity: 'url',
  unsupported: ['post', 'patch'],
  check: (ctx, conf, pluginName) => {
    if (!ctx.plugins.get(pluginName))
      return Promise.resolve(errorResponse(400, 'invalid plugin name'));
    const result = checkPluginConf(pluginName, conf, 'metadata');
    return Promise.resolve(
      result.valid ? undefined : errorResponse(400, `invalid configuration: ${result.message}`),
    );
  },
};
