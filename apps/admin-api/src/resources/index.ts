/** Every `/apisix/admin/<resource>` the Admin API serves, by URL segment. */
import { consumerGroups } from './consumer-groups';
import { consumers } from './consumers';
import { globalRules } from './global-rules';
import { pluginConfigs } from './plugin-configs';
import { pluginMetadata } from './plugin-metadata';
import { protos } from './protos';
import type { ResourceDefinition } from './resource';
import { routes } from './routes';
import { services } from './services';
import { streamRoutes } from './stream-routes';
import { ssls } from './ssls';
import { upstreams } from './upstreams';

/** A Map, so that a URL segment such as `constructor` or `toString` finds nothing (issue 9). */
export const RESOURCES: ReadonlyMap<string, ResourceDefinition> = new Map([
  ['routes', routes],
  ['services', services],
  ['upstreams', upstreams],
  ['consumers', consumers],
  ['plugin_configs', pluginConfigs],
  ['global_rules', globalRules],
  ['consumer_groups', consumerGroups],
  ['plugin_metadata', pluginMetadata],
  ['stream_routes', streamRoutes],
  ['ssls', ssls],
  ['protos', protos],
]);

export { credentialsOf } from './consumers';
export { listSecrets, secretsOf } from './secrets';
export {
  ResourceEngine,
  type AdminMethod,
  type RequestArgs,
  type ResourceDefinition,
} from './resource';
export { AdminContext } from './context';
