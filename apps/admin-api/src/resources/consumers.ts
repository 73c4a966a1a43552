/**
 * `/apisix/admin/consumers` and their credentials: identity is the username, POST and PATCH are
 * 405, plugins use consumer schemas, and a key-auth key may belong to one consumer only.
 */
import { ownValue } from '@tollgate/core';
import { isObject, type JsonObject } from '../json-tree';
import { errorResponse, type AdminResponse } from '../response';
import { checkReference, checkSchema, firstRefusal, pluginsError } from './checks';
import type { AdminContext } from './context';
import type { ResourceDefinition } from './resource';

/** Auth plugins whose credential must be unique across consumers, and the field holding it. */
const UNIQUE_CREDENTIAL_FIELD: ReadonlyMap<string, string> = new Map([['key-auth', 'key']]);

function consumerPluginsRefusal(ctx: AdminContext, conf: JsonObject): AdminResponse | undefined {
  const err = pluginsError(ctx.plugins, conf.plugins, 'consumer');
  return err === undefined
    ? undefined
    : errorResponse(400, `invalid plugins configuration: ${err}`);
}

/** `plugins[plugin][field]` when it is a string (own properties only). */
function credentialValue(plugins: JsonObject, plugin: string, field: string): string | undefined {
  const conf = ownValue(plugins, plugin);
  const value = isObject(conf) ? ownValue(conf, field) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Refuses a credential value that another consumer (or another credential) already uses.
 * `self` identifies the consumer or credential being written, which may keep its own key.
 */
async function checkDuplicateKeys(
  ctx: AdminContext,
  plugins: unknown,
  self: { username: string; credentialId?: string },
): Promise<AdminResponse | undefined> {
  if (!isObject(plugins)) return undefined;
  const wanted = [...UNIQUE_CREDENTIAL_FIELD].flatMap(([plugin, field]) => {
    const mine = credentialValue(plugins, plugin, field);
    return mine === undefined ? [] : [{ plugin, field, mine }];
  });
  if (wanted.length === 0) return undefined;
  const prefix = ctx.keys.dir('consumers');
  const { items } = await ctx.store.range(prefix);
  for (const item of items) {
    const [username = '', , credentialId] = item.key.slice(prefix.length).split('/');
    const sameOwner =
      credentialId === undefined
        ? self.credentialId === undefined && username === self.username
        : self.credentialId === credentialId && username === self.username;
    if (sameOwner) continue;
    const value = decodePlugins(item.value);
    if (!value) continue;
    // Stored keys may be encrypted (and with any key of the ring): compare plain text.
    ctx.encryption.revealPluginFields(credentialId === undefined ? 'consumers' : 'credentials', {
      plugins: value,
    });
    for (const { plugin, field, mine } of wanted) {
      if (credentialValue(value, plugin, field) === mine) {
        return errorResponse(
          400,
          `duplicate key of plugin ${plugin} found with consumer: ${username}`,
        );
      }
    }
  }
  return undefined;
}

function decodePlugins(raw: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return isObject(value) && isObject(value.plugins) ? value.plugins : undefined;
  } catch {
    return undefined;
  }
}

export const consumers: ResourceDefinition = {
  dir: 'consumers',
  kind: 'consumer',
  identity: 'username',
  unsupported: ['post', 'patch'],
  deleteChildren: true,
  check: (ctx, conf) =>
    firstRefusal([
      () => checkSchema('consumer', conf),
      () => consumerPluginsRefusal(ctx, conf),
      () => checkReference(ctx, conf, 'group_id'),
      () => checkDuplicateKeys(ctx, conf.plugins, { username: String(conf.username) }),
    ]),
};

/** The credentials of one consumer: `/apisix/admin/consumers/<username>/credentials/<id>`. */
export function credentialsOf(username: string): ResourceDefinition {
  return {
    dir: `consumers/${username}/credentials`,
    kind: 'credential',
    identity: 'id',
    unsupported: ['post', 'patch'],
    check: async (ctx, conf, id) => {
      if (!(await ctx.exists('consumers', username)))
        return errorResponse(404, 'consumer not found');
      return firstRefusal([
        () => checkSchema('credential', conf),
        () => consumerPluginsRefusal(ctx, conf),
        () => checkDuplicateKeys(ctx, conf.plugins, { username, credentialId: id }),
      ]);
    },
  };
}
