/**
 * @module resources/resource
 * The generic CRUD engine behind every `/apisix/admin/<resource>` endpoint, with APISIX's status
 * codes and bodies (resource.lua): PUT 201/200, POST 201 with a generated id, GET one or a list,
 * DELETE, PATCH (merge or sub-path) as a compare-and-swap. Each resource only supplies its checks.
 * Secrets (`apisix.data_encryption`) are encrypted after the checks, which see plain text: a
 * PUT/POST/PATCH answers with the value as stored (ciphertext, as APISIX), a GET shows plugin
 * fields decrypted, and a PATCH merges onto the decrypted value and encrypts again.
 */
import { formatGeneratedId, storedItemTooLarge } from '@tollgate/config-store';
import { idText, isObject, mergePatch, replaceAtPath, type JsonObject } from '../json-tree';
import { errorResponse, KEY_NOT_FOUND, valueTooLarge, type AdminResponse } from '../response';
import type { AdminContext, Entry } from './context';
import { listResponse, type ListQuery } from './list';

export type AdminMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** One resource type. */
export interface ResourceDefinition {
  /** Key directory under the prefix: `routes`, `consumers/jack/credentials`. */
  dir: string;
  /** Singular used in messages: `missing route id`. */
  kind: string;
  /**
   * Where the identity lives: `id` (URL or body `id`, injected into the value), `username`
   * (consumers: the body's username, not injected), `url` (plugin_metadata: the URL segment).
   */
  identity: 'id' | 'username' | 'url';
  /** Methods answered with 405 `not supported `X` method for <kind>`. */
  unsupported?: readonly AdminMethod[];
  /** Checks a complete value. `id` is the resource's identity. Resolves a refusal, or nothing. */
  check(ctx: AdminContext, conf: JsonObject, id: string): Promise<AdminResponse | undefined>;
  /** Refuses deleting a resource that others still reference (skipped with `?force=true`). */
  checkDelete?(ctx: AdminContext, id: string): Promise<AdminResponse | undefined>;
  /** Keys deleted together with the item (a consumer's credentials). */
  deleteChildren?: boolean;
  /** Fields left out of a GET of one item (ssls: the private `key`, as APISIX); lists keep them. */
  hiddenOnGet?: readonly string[];
  /** Called once a PUT, POST or PATCH has stored `value` as `id` (to report, never to refuse). */
  written?(ctx: AdminContext, value: JsonObject, id: string): void;
}

export interface RequestArgs extends ListQuery {
  ttl?: number;
  force?: boolean;
}

const TIME_FIELDS = ['create_time', 'update_time'] as const;

/** APISIX's check_forbidden_properties: timestamps are the server's, on the value, its upstream and its plugins. */
function forbiddenTimeField(conf: JsonObject): string | undefined {
  const places: [string, unknown][] = [
    ['', conf],
    ['upstream.', conf.upstream],
  ];
  if (isObject(conf.plugins)) {
    for (const [name, plugin] of Object.entries(conf.plugins))
      places.push([`plugins.${name}.`, plugin]);
  }
  for (const [path, place] of places) {
    if (!isObject(place)) continue;
    for (const field of TIME_FIELDS) if (place[field] !== undefined) return path + field;
  }
  return undefined;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** PUT and POST need a JSON object body (APISIX's first checks). */
function bodyRefusal(body: unknown): AdminResponse | undefined {
  if (body === undefined) return errorResponse(400, 'missing configurations');
  if (isObject(body)) return undefined;
  return errorResponse(
    400,
    `invalid configuration: wrong type: expected object, got ${typeName(body)}`,
  );
}

/**
 * The refusal for a stored form the config store could not hold. APISIX passes such a value to
 * etcd and answers etcd's "request is too large" with 503; it is bad input, refused before any
 * write (issue 9).
 */
function sizeRefusal(key: string, text: string): AdminResponse | undefined {
  const tooLarge = storedItemTooLarge(key, text);
  return tooLarge ? valueTooLarge(tooLarge) : undefined;
}

/** Runs APISIX's admin semantics for one resource definition. */
export class ResourceEngine {
  constructor(
    private readonly ctx: AdminContext,
    private readonly def: ResourceDefinition,
  ) {}

  private key(id: string): string {
    return this.ctx.keys.item(this.def.dir, id);
  }

  /** The etcd directory's name, as the data plane knows it (`consumers/jack/credentials` → `credentials`). */
  private get resource(): string {
    return this.def.dir.slice(this.def.dir.lastIndexOf('/') + 1);
  }

  private notSupported(method: AdminMethod): AdminResponse | undefined {
    if (!this.def.unsupported?.includes(method)) return undefined;
    return errorResponse(
      405,
      `not supported \`${method.toUpperCase()}\` method for ${this.def.kind}`,
    );
  }

  /**
   * APISIX's check_conf: identity rules, forbidden timestamps, then the resource's checks.
   * Resolves the identity, or the refusal.
   */
  private async checkConf(
    urlId: string | undefined,
    conf: JsonObject,
    mode: 'put' | 'post' | 'patch',
  ): Promise<{ id: string } | { refusal: AdminResponse }> {
    const { kind } = this.def;
    let id: string | undefined;
    if (this.def.identity === 'id') {
      const bodyId = conf.id;
      const given =
        urlId ?? (typeof bodyId === 'string' || typeof bodyId === 'number' ? bodyId : undefined);
      if (mode === 'post') {
        if (urlId !== undefined || bodyId !== undefined) {
          return { refusal: errorResponse(400, `wrong ${kind} id, do not need it`) };
        }
      } else {
        if (given === undefined) return { refusal: errorResponse(400, `missing ${kind} id`) };
        if (bodyId !== undefined && idText(bodyId) !== idText(given)) {
          return { refusal: errorResponse(400, `wrong ${kind} id`) };
        }
        // A URL id is stored as given (a string); a body id keeps its JSON type.
        conf.id = urlId ?? bodyId;
        id = idText(given);
      }
    } else if (this.def.identity === 'url') {
      if (urlId === undefined) return { refusal: errorResponse(400, `missing ${kind} id`) };
      id = urlId;
    }
    if (mode !== 'patch') {
      const field = forbiddenTimeField(conf);
      if (field) return { refusal: errorResponse(400, `the property is forbidden:  ${field}`) };
    }
    if (this.def.identity === 'username') {
      // Consumers: the body's username is the identity; a URL segment must agree with it.
      const refusal = await this.def.check(this.ctx, conf, urlId ?? idText(conf.username ?? ''));
      if (refusal) return { refusal };
      if (urlId !== undefined && urlId !== conf.username) {
        return { refusal: errorResponse(400, 'wrong username') };
      }
      return { id: idText(conf.username) };
    }
    const refusal = await this.def.check(this.ctx, conf, id ?? '');
    return refusal ? { refusal } : { id: id ?? '' };
  }

  async put(urlId: string | undefined, body: unknown, args: RequestArgs): Promise<AdminResponse> {
    const refused = this.notSupported('put');
    if (refused) return refused;
    const invalid = bodyRefusal(body);
    if (invalid) return invalid;
    const conf = structuredClone(body as JsonObject);
    const checked = await this.checkConf(urlId, conf, 'put');
    if ('refusal' in checked) return checked.refusal;
    this.ctx.encryption.encryptStored(this.resource, conf, checked.id);
    const key = this.key(checked.id);
    const prev = await this.ctx.store.get(key);
    const prevValue = prev ? (JSON.parse(prev.value) as JsonObject) : undefined;
    const timestamp = now();
    conf.create_time =
      typeof prevValue?.create_time === 'number' ? prevValue.create_time : timestamp;
    conf.update_time = timestamp;
    const text = JSON.stringify(conf);
    const tooLarge = sizeRefusal(key, text);
    if (tooLarge) return tooLarge;
    const result = await this.ctx.store.put(key, text, { ttlSeconds: args.ttl });
    this.def.written?.(this.ctx, conf, checked.id);
    await this.ctx.serving(result.revision);
    return { status: result.prev ? 200 : 201, body: { key, value: conf } };
  }

  async post(urlId: string | undefined, body: unknown, args: RequestArgs): Promise<AdminResponse> {
    const refused = this.notSupported('post');
    if (refused) return refused;
    const invalid = bodyRefusal(body);
    if (invalid) return invalid;
    const conf = structuredClone(body as JsonObject);
    const checked = await this.checkConf(urlId, conf, 'post');
    if ('refusal' in checked) return checked.refusal;
    this.ctx.encryption.encryptStored(this.resource, conf);
    const timestamp = now();
    const storedAs = (id: string): JsonObject => ({
      ...conf,
      id,
      create_time: timestamp,
      update_time: timestamp,
    });
    // Generated ids all have the same width, so the size is known before the id counter is
    // bumped: a value too large leaves gen_id untouched.
    const placeholder = formatGeneratedId(0);
    const tooLarge = sizeRefusal(this.key(placeholder), JSON.stringify(storedAs(placeholder)));
    if (tooLarge) return tooLarge;
    const id = await this.ctx.store.generateId(this.ctx.keys.genId);
    const stored = storedAs(id);
    const key = this.key(id);
    const result = await this.ctx.store.put(key, JSON.stringify(stored), { ttlSeconds: args.ttl });
    this.def.written?.(this.ctx, stored, id);
    await this.ctx.serving(result.revision);
    return { status: 201, body: { key, value: stored } };
  }

  async get(id: string | undefined, args: RequestArgs): Promise<AdminResponse> {
    const refused = this.notSupported('get');
    if (refused) return refused;
    if (id === undefined) {
      const { entries } = await this.ctx.list(this.def.dir);
      for (const e of entries) this.ctx.encryption.revealPluginFields(this.resource, e.value, e.id);
      return listResponse(entries, args);
    }
    const key = this.key(id);
    const item = await this.ctx.store.get(key);
    if (!item) return KEY_NOT_FOUND;
    const value = JSON.parse(item.value) as unknown;
    if (isObject(value)) {
      this.ctx.encryption.revealPluginFields(this.resource, value, id);
      for (const field of this.def.hiddenOnGet ?? []) delete value[field];
    }
    return {
      status: 200,
      body: {
        key,
        value,
        createdIndex: item.createRevision,
        modifiedIndex: item.modRevision,
      },
    };
  }

  async delete(id: string | undefined, args: RequestArgs): Promise<AdminResponse> {
    const refused = this.notSupported('delete');
    if (refused) return refused;
    if (id === undefined) return errorResponse(400, `missing ${this.def.kind} id`);
    if (this.def.checkDelete && !args.force) {
      const inUse = await this.def.checkDelete(this.ctx, id);
      if (inUse) return inUse;
    }
    const key = this.key(id);
    if (!(await this.ctx.store.get(key))) return KEY_NOT_FOUND;
    const deleted = await this.ctx.store.delete(
      key,
      this.def.deleteChildren ? { withPrefix: `${key}/` } : undefined,
    );
    if (deleted === 0) return KEY_NOT_FOUND;
    await this.ctx.serving(await this.ctx.store.revision());
    return { status: 200, body: { deleted: '1', key } };
  }

  async patch(id: string | undefined, body: unknown, subPath: string): Promise<AdminResponse> {
    const refused = this.notSupported('patch');
    if (refused) return refused;
    if (id === undefined) return errorResponse(400, `missing ${this.def.kind} id`);
    if (body === undefined) return errorResponse(400, 'missing new configuration');
    if (subPath === '' && !isObject(body)) return errorResponse(400, 'invalid configuration');
    const key = this.key(id);
    const old = await this.ctx.store.get(key);
    if (!old) return KEY_NOT_FOUND;
    let conf = JSON.parse(old.value) as JsonObject;
    this.ctx.encryption.decryptStored(this.resource, conf, id);
    if (subPath !== '') {
      const pathError = replaceAtPath(conf, subPath, structuredClone(body));
      if (pathError) return errorResponse(400, pathError);
      conf.update_time = now();
    } else {
      const patch = body as JsonObject;
      conf = mergePatch(conf, structuredClone(patch));
      if (patch.update_time === undefined) conf.update_time = now();
    }
    conf.create_time ??= now();
    const checked = await this.checkConf(id, conf, 'patch');
    if ('refusal' in checked) return checked.refusal;
    this.ctx.encryption.encryptStored(this.resource, conf, id);
    const text = JSON.stringify(conf);
    const tooLarge = sizeRefusal(key, text);
    if (tooLarge) return tooLarge;
    const result = await this.ctx.store.putIfUnchanged(key, text, old.modRevision);
    if (!result) return errorResponse(503, 'value changed before overwritten');
    this.def.written?.(this.ctx, conf, id);
    await this.ctx.serving(result.revision);
    return { status: 200, body: { key, value: conf } };
  }
}

export type { Entry };
