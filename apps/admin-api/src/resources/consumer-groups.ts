/** `/apisix/admin/consumer_groups`; a group that consumers still belong to is not deleted. */
import { checkInUse, checkPlugins, checkSchema, firstRefusal } from './checks';
import type { ResourceDefinition } from './resource';

export const consumerGroups: ResourceDefinition = {
  dir: 'consumer_groups',
  kind: 'consumer group',
  identity: 'id',
  unsupported: ['post'],
  check: (ctx, conf) =>
    firstRefusal([() => checkSchema('consumer_group', conf), () => checkPlugins(ctx, conf)]),
  checkDelete: (ctx, id) =>
    checkInUse(ctx, id, 'group_id', 'consumer group', [{ dir: 'consumers', kind: 'consumer' }]),
};
