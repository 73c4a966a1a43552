/**
 * @module resources/secrets
 * `/apisix/admin/secrets/<manager>/<id>` (APISIX's admin/secrets.lua): one definition per
 * manager, keyed `secrets/<manager>/<id>` and stored with `id: "<manager>/<id>"` (what APISIX's
 * data plane reads the manager from), checked by that manager's schema. POST is 405; an unknown
 * manager is APISIX's `invalid secret manager: <name>`. GET on `/secrets` (or on `/secrets/<manager>`,
 * which APISIX answers the same way) lists the secrets of every manager.
 */
import { SCHEMA_OF_SECRET_MANAGER } from '@tollgate/schema';
import { idText } from '../json-tree';
import { errorResponse, type AdminResponse } from '../response';
import { checkSchema } from './checks';
import { AdminContext, type Entry } from './context';
import { listResponse, type ListQuery } from './list';
import type { ResourceDefinition } from './resource';

const DIR = 'secrets';

function checkSecret(
  manager: string,
  conf: Record<string, unknown>,
  id: string,
): AdminResponse | undefined {
  const storedId = `${manager}/${id}`;
  if (conf.id !== undefined && idText(conf.id) !== storedId) {
    return errorResponse(400, 'wrong secret id');
  }
  const schema = SCHEMA_OF_SECRET_MANAGER.get(manager);
  if (schema === undefined) return errorResponse(400, `invalid secret manager: ${manager}`);
  conf.id = storedId;
  return checkSchema(schema, conf);
}

/** The secrets of one manager: `/apisix/admin/secrets/<manager>/<id>`. */
export function secretsOf(manager: string): ResourceDefinition {
  return {
    dir: `${DIR}/${manager}`,
    kind: 'secret',
    identity: 'url',
    unsupported: ['post'],
    check: (_ctx, conf, id) => Promise.resolve(checkSecret(manager, conf, id)),
  };
}

/** GET `/apisix/admin/secrets`: every `secrets/<manager>/<id>`, with the usual filters and paging. */
export async function listSecrets(ctx: AdminContext, query: ListQuery): Promise<AdminResponse> {
  const prefix = ctx.keys.dir(DIR);
  const { items } = await ctx.store.range(prefix);
  const entries: Entry[] = [];
  for (const item of items) {
    const id = item.key.slice(prefix.length);
    const [manager, name, ...deeper] = id.split('/');
    if (!manager || !name || deeper.length > 0) continue;
    const value = AdminContext.decode(item);
    if (value) entries.push({ key: item.key, id, value, item });
  }
  return listResponse(entries, query);
}
