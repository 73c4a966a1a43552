/**
 * @module standalone/compile
 * A standalone configuration (APISIX's `apisix.yaml`, or the body of `PUT /apisix/admin/configs`)
 * turned into the keys and values of the config store, checked whole first (issue 15). Every item
 * goes through the Admin API's own resource code — the same checks, messages, ids and encrypted
 * fields as a `PUT /apisix/admin/<resource>/<id>` — into a scratch store, resource types in the
 * order their references need (upstreams before the services and routes that name them). The
 * first refusal names the resource type and the item's index, as APISIX does; nothing is applied.
 */
import { MemoryStore } from '@tollgate/config-store';
import { isPrototypeKey, type Logger } from '@tollgate/core';
import type { DataEncryption } from '@tollgate/schema';
import type { EnabledPlugins } from '../enabled-plugins';
import { idText, isObject, type JsonObject } from '../json-tree';
import { KeyLayout } from '../keys';
import { AdminContext } from '../resources';
import { dispatch } from '../router';

/**
 * The resource types of a standalone configuration, in the order they are checked (a resource
 * after the ones it may reference).
 */
export const STANDALONE_RESOURCES = [
  'secrets',
  'ssls',
  'protos',
  'upstreams',
  'services',
  'plugin_configs',
  'consumer_groups',
  'consumers',
  'global_rules',
  'plugin_metadata',
  'routes',
  'stream_routes',
] as const;

export type StandaloneResource = (typeof STANDALONE_RESOURCES)[number];

/** What the checks need: as for the Admin API (config.yaml's plugins, stream proxy, encryption). */
export interface CompileOptions {
  prefix: string;
  plugins: EnabledPlugins;
  streamProxy: boolean;
  encryption: DataEncryption;
  log: Logger;
}

/** A configuration refused as a whole: APISIX's message (`invalid routes at index 0, err: ...`). */
export class StandaloneConfigError extends Error {}

/** Fields the store's values never carry in standalone mode (they change on every apply). */
const VOLATILE = ['create_time', 'update_time'] as const;

/** Where item `item` of `resource` goes: the Admin API path segments and the body sent there. */
function placement(
  resource: StandaloneResource,
  item: JsonObject,
): { segments: string[]; body: JsonObject; identity: string } | string {
  const { modifiedIndex: _index, ...body } = item;
  const id = body.id === undefined ? undefined : idText(body.id);
  if (resource === 'consumers') {
    if (id?.includes('/credentials/')) {
      const [username = '', , credential = ''] = id.split('/');
      const { id: _full, ...credentialBody } = body;
      return {
        segments: ['consumers', username, 'credentials', credential],
        body: credentialBody,
        identity: id,
      };
    }
    const username = typeof body.username === 'string' ? body.username : '';
    return { segments: ['consumers'], body, identity: username };
  }
  if (id === undefined || id === '') return `missing ${resource} id`;
  if (resource === 'secrets')
    return { segments: ['secrets', ...id.split('/')], body, identity: id };
  if (resource === 'plugin_metadata') {
    const { id: _name, ...metadata } = body;
    return { segments: ['plugin_metadata', id], body: metadata, identity: id };
  }
  return { segments: [resource, id], body, identity: id };
}

function errorText(body: unknown): string {
  if (isObject(body) && typeof body.error_msg === 'string') return body.error_msg;
  return typeof body === 'string' && body !== '' ? body : 'refused';
}

/**
 * Check `doc` whole and return the store content it stands for (key → value), or throw a
 * {@link StandaloneConfigError} with the first refusal. Top-level keys other than the resource
 * types (`*_conf_version`, metadata) are ignored here.
 *
 * @example
 * const entries = await compileStandalone({ routes: [{ id: '1', uri: '/a', upstream }] }, options);
 * store.replaceAll(entries);
 */
export async function compileStandalone(
  doc: JsonObject,
  options: CompileOptions,
): Promise<Map<string, string>> {
  const scratch = new MemoryStore({ writable: true });
  const keys = new KeyLayout(options.prefix);
  const ctx = new AdminContext(
    scratch,
    keys,
    options.plugins,
    options.streamProxy,
    options.encryption,
    options.log,
  );
  for (const resource of STANDALONE_RESOURCES) {
    const items = doc[resource];
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) {
      throw new StandaloneConfigError(`invalid ${resource}: must be an array`);
    }
    const seen = new Set<string>();
    for (const [index, item] of items.entries()) {
      const where = `invalid ${resource} at index ${index}, err: `;
      if (!isObject(item)) throw new StandaloneConfigError(`${where}must be an object`);
      const place = placement(resource, item);
      if (typeof place === 'string') throw new StandaloneConfigError(where + place);
      if (isPrototypeKey(place.identity)) {
        throw new StandaloneConfigError(`${where}invalid id ${JSON.stringify(place.identity)}`);
      }
      if (seen.has(place.identity)) {
        const what = resource === 'consumers' && !place.identity.includes('/') ? 'username' : 'id';
        throw new StandaloneConfigError(`found duplicate ${what} ${place.identity} in ${resource}`);
      }
      seen.add(place.identity);
      const reply = await dispatch(
        ctx,
        {
          method: 'PUT',
          segments: place.segments,
          query: {},
          body: () => Promise.resolve({ ok: true, value: place.body }),
        },
        () => Promise.resolve(),
      );
      if (reply.status >= 300) throw new StandaloneConfigError(where + errorText(reply.body));
    }
  }
  const entries = new Map<string, string>();
  for (const item of (await scratch.range(`${options.prefix}/`)).items) {
    const value: unknown = JSON.parse(item.value);
    if (isObject(value)) for (const field of VOLATILE) delete value[field];
    entries.set(item.key, JSON.stringify(value));
  }
  return entries;
}
