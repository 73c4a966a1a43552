/**
 * `/apisix/admin/protos` (APISIX's admin/protos.lua): the schema, then the content must compile.
 * PATCH is not supported. A proto that a route's or service's `grpc-transcode` plugin names by
 * `proto_id` is not deleted; the plugin is not built into Tollgate, so such routes are ones an
 * APISIX node wrote to the shared etcd, read here as stored JSON.
 */
import { idText, isObject } from '../json-tree';
import { errorResponse, type AdminResponse } from '../response';
import { checkSchema, firstRefusal } from './checks';
import type { AdminContext } from './context';
import { protoContentError } from './proto-content';
import type { ResourceDefinition } from './resource';

/** Where APISIX's delete check looks, in its order. */
const USERS = [
  { dir: 'routes', kind: 'route' },
  { dir: 'services', kind: 'service' },
] as const;

function checkContent(content: unknown): AdminResponse | undefined {
  const error = typeof content === 'string' ? protoContentError(content) : undefined;
  return error === undefined ? undefined : errorResponse(400, `invalid content: ${error}`);
}

/** The `proto_id` of a `plugins` map's grpc-transcode conf, as text. */
function transcodedProtoId(plugins: unknown): string | undefined {
  if (!isObject(plugins)) return undefined;
  const conf = plugins['grpc-transcode'];
  if (!isObject(conf) || conf.proto_id === undefined || conf.proto_id === null) return undefined;
  return idText(conf.proto_id);
}

async function checkProtoUnused(ctx: AdminContext, id: string): Promise<AdminResponse | undefined> {
  for (const { dir, kind } of USERS) {
    const { entries } = await ctx.list(dir);
    const user = entries.find((entry) => transcodedProtoId(entry.value.plugins) === id);
    if (user) {
      return errorResponse(
        400,
        `can not delete this proto, ${kind} [${idText(user.value.id ?? user.id)}] is still using it now`,
      );
    }
  }
  return undefined;
}

export const protos: ResourceDefinition = {
  dir: 'protos',
  kind: 'proto',
  identity: 'id',
  unsupported: ['patch'],
  check: (_ctx, conf) =>
    firstRefusal([() => checkSchema('proto', conf), () => checkContent(conf.content)]),
  checkDelete: checkProtoUnused,
};
