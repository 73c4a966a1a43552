/**
 * `/apisix/admin/stream_routes`: APISIX's stream_routes.lua checks (schema, upstream and service
 * references, the xRPC `superior_id`, then ip_port.lua's stream_route_checker: stream plugins
 * and the xRPC protocol); PATCH is not supported; a route another one names as `superior_id` is
 * not deleted. In http-only mode the router answers every method with 400 before this runs.
 */
import { checkStreamPlugins } from '@tollgate/schema';
import { idText, isObject, type JsonObject } from '../json-tree';
import { errorResponse, type AdminResponse } from '../response';
import { checkReference, checkSchema, firstRefusal } from './checks';
import { AdminContext } from './context';
import type { ResourceDefinition } from './resource';

/** xRPC protocols Tollgate implements: none yet, so every `protocol.name` is unknown. */
const XRPC_PROTOCOLS: ReadonlySet<string> = new Set();

async function checkSuperior(
  ctx: AdminContext,
  conf: JsonObject,
  id: string,
): Promise<AdminResponse | undefined> {
  const protocol = conf.protocol;
  if (!isObject(protocol) || protocol.superior_id === undefined) return undefined;
  const superiorId = idText(protocol.superior_id);
  if (id !== '' && superiorId === id) {
    return errorResponse(400, 'stream route can not set itself as superior_id');
  }
  const stored = await ctx.store.get(ctx.keys.item('stream_routes', superiorId));
  if (!stored) {
    return errorResponse(400, `failed to fetch stream routes[${superiorId}], response code: 404`);
  }
  const superior = AdminContext.decode(stored);
  const superiorProtocol = superior?.protocol;
  if (isObject(superiorProtocol) && superiorProtocol.name !== protocol.name) {
    return errorResponse(
      400,
      `protocol mismatch: subordinate protocol [${String(protocol.name)}] does not match superior protocol [${String(superiorProtocol.name)}]`,
    );
  }
  return undefined;
}

/** ip_port.lua's stream_route_checker: stream plugins, then the xRPC protocol. */
function checkStreamRoute(conf: JsonObject): AdminResponse | undefined {
  if (isObject(conf.plugins)) {
    const plugins = checkStreamPlugins(conf.plugins);
    if (!plugins.ok) return errorResponse(400, plugins.message);
  }
  if (isObject(conf.protocol)) {
    const name = String(conf.protocol.name);
    if (!XRPC_PROTOCOLS.has(name)) return errorResponse(400, `unknown protocol [${name}]`);
  }
  return undefined;
}

async function checkNotSuperior(ctx: AdminContext, id: string): Promise<AdminResponse | undefined> {
  const { entries } = await ctx.list('stream_routes');
  const user = entries.find(
    (e) => isObject(e.value.protocol) && idText(e.value.protocol.superior_id ?? '') === id,
  );
  if (!user) return undefined;
  return errorResponse(
    400,
    `can not delete this stream route directly, stream route [${user.id}] is still using it as superior_id`,
  );
}

export const streamRoutes: ResourceDefinition = {
  dir: 'stream_routes',
  kind: 'stream route',
  identity: 'id',
  unsupported: ['patch'],
  check: (ctx, conf, id) =>
    firstRefusal([
      () => checkSchema('stream_route', conf),
      () => checkReference(ctx, conf, 'upstream_id'),
      () => checkReference(ctx, conf, 'service_id'),
      () => checkSuperior(ctx, conf, id),
      () => checkStreamRoute(conf),
    ]),
  checkDelete: checkNotSuperior,
};
