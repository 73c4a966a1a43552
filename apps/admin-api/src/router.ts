/**
 * @module router
 * Maps `/apisix/admin/<segments>` to a handler, the way APISIX's admin/init.lua splits the URI:
 * resource, id, sub-path; credentials under consumers; the plugin and schema endpoints.
 */
import { isPrototypeKey } from '@tollgate/core';
import { subPathRefusal } from './json-tree';
import type { ParsedBody } from './request-body';
import { allPlugins, pluginList, pluginSchema } from './plugins-endpoint';
import { errorResponse, type AdminResponse } from './response';
import {
  type AdminContext,
  credentialsOf,
  listSecrets,
  RESOURCES,
  secretsOf,
  ResourceEngine,
  type AdminMethod,
  type RequestArgs,
  type ResourceDefinition,
} from './resources';
import { resourceSchema, validateAgainst } from './schema-endpoint';

export interface AdminRequest {
  method: string;
  /** Decoded path segments after `/apisix/admin/`. */
  segments: string[];
  query: Record<string, unknown>;
  /** Reads the body only when the handler needs it. */
  body: () => Promise<ParsedBody>;
}

const METHODS = new Set<AdminMethod>(['get', 'put', 'post', 'delete', 'patch']);
// eslint-disable-next-line no-control-regex
const UNSAFE_ID = /[\x00-\x20\x7f]|\.\./;
const MAX_ID_LENGTH = 256;
/** etcd's MaxLeaseTTL: a longer lease is refused by etcd itself. */
const MAX_TTL_SECONDS = 9_000_000_000;

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Rejects ids that could escape their key (`..`), carry control characters or spaces, are absurd,
 * or name a prototype (`__proto__`, `constructor`, `prototype`: never a resource, issue 9).
 */
function idRefusal(kind: string, id: string | undefined): AdminResponse | undefined {
  if (id === undefined) return undefined;
  if (UNSAFE_ID.test(id) || id.length > MAX_ID_LENGTH || isPrototypeKey(id)) {
    return errorResponse(400, `invalid ${kind} id: ${JSON.stringify(id.slice(0, 80))}`);
  }
  return undefined;
}

function requestArgs(query: Record<string, unknown>): RequestArgs | AdminResponse {
  const args: RequestArgs = {
    force: query.force === 'true',
    page: str(query.page),
    page_size: str(query.page_size),
    name: str(query.name),
    label: str(query.label),
    uri: str(query.uri),
    filter: str(query.filter),
  };
  if (query.ttl !== undefined) {
    const ttl = ttlArgument(query.ttl);
    if (typeof ttl !== 'number') return ttl;
    args.ttl = ttl;
  }
  return args;
}

/**
 * `?ttl=`: APISIX's `should be a number` for anything `tonumber` refuses; then, since the value
 * becomes an etcd lease of whole seconds, a positive integer no larger than etcd accepts (a
 * 0, negative or fractional ttl used to be stored without any lease, issue 9).
 */
function ttlArgument(raw: unknown): number | AdminResponse {
  const ttl = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(ttl)) {
    return errorResponse(400, 'invalid argument ttl: should be a number');
  }
  if (!Number.isInteger(ttl) || ttl < 1) {
    return errorResponse(400, 'invalid argument ttl: should be a positive integer');
  }
  if (ttl > MAX_TTL_SECONDS) {
    return errorResponse(400, `invalid argument ttl: should be at most ${MAX_TTL_SECONDS}`);
  }
  return ttl;
}

async function runResource(
  ctx: AdminContext,
  def: ResourceDefinition,
  req: AdminRequest,
  id: string | undefined,
  subPath: string,
): Promise<AdminResponse> {
  const method = req.method.toLowerCase() as AdminMethod;
  if (!METHODS.has(method)) return errorResponse(404, 'not found');
  const badId = idRefusal(def.kind, id);
  if (badId) return badId;
  if (subPath !== '' && method !== 'patch') {
    return errorResponse(
      400,
      `invalid ${def.kind} id: ${JSON.stringify(`${id}/${subPath}`.slice(0, 80))}`,
    );
  }
  const badSubPath = subPath === '' ? undefined : subPathRefusal(subPath);
  if (badSubPath) return errorResponse(400, badSubPath);
  const args = requestArgs(req.query);
  if ('status' in args) return args;
  const engine = new ResourceEngine(ctx, def);
  if (method === 'get') return engine.get(id, args);
  if (method === 'delete') return engine.delete(id, args);
  const parsed = await req.body();
  if (!parsed.ok) return parsed.response;
  if (method === 'put') return engine.put(id, parsed.value, args);
  if (method === 'post') return engine.post(id, parsed.value, args);
  return engine.patch(id, parsed.value, subPath);
}

async function runPlugins(
  ctx: AdminContext,
  req: AdminRequest,
  rest: string[],
  onReload: () => Promise<void>,
): Promise<AdminResponse> {
  const [name] = rest;
  if (name === 'reload') {
    if (req.method !== 'PUT') return errorResponse(405, 'method not allowed');
    await onReload();
    return { status: 200, body: 'done' };
  }
  if (req.method !== 'GET') return errorResponse(404, 'not found');
  if (name === 'list') return pluginList(ctx.plugins, req.query.subsystem);
  if (name === undefined) {
    return req.query.all === 'true'
      ? allPlugins(ctx.plugins)
      : errorResponse(400, 'missing plugin name');
  }
  return pluginSchema(ctx.plugins, name, req.query.schema_type);
}

async function runSchema(
  ctx: AdminContext,
  req: AdminRequest,
  rest: string[],
): Promise<AdminResponse> {
  const [first, second] = rest;
  if (first === 'validate') {
    if (req.method !== 'POST') return errorResponse(404, 'not found');
    const parsed = await req.body();
    if (!parsed.ok) return parsed.response;
    return validateAgainst(ctx.plugins, second ?? '', parsed.value);
  }
  if (req.method !== 'GET') return errorResponse(404, 'not found');
  if (first === 'plugins') return pluginSchema(ctx.plugins, second ?? '', req.query.schema_type);
  return resourceSchema(first ?? '');
}

/**
 * `/secrets/<manager>/<id>[/<sub-path>]` as APISIX's resource.lua splits it; `/secrets` and
 * `/secrets/<manager>` list every manager's secrets.
 */
async function runSecrets(
  ctx: AdminContext,
  req: AdminRequest,
  manager: string | undefined,
  rest: string[],
): Promise<AdminResponse> {
  const badManager = idRefusal('secret', manager);
  if (badManager) return badManager;
  const [secretId, ...sub] = rest;
  if (req.method === 'GET' && secretId === undefined) {
    const args = requestArgs(req.query);
    return 'status' in args ? args : listSecrets(ctx, args);
  }
  if (manager === undefined) return errorResponse(400, 'missing secret id');
  return runResource(ctx, secretsOf(manager), req, secretId, sub.join('/'));
}

/** Dispatches one Admin API request. Throws only on faults (store unreachable, bugs). */
export async function dispatch(
  ctx: AdminContext,
  req: AdminRequest,
  onReload: () => Promise<void>,
): Promise<AdminResponse> {
  const [resource, id, ...rest] = req.segments;
  if (resource === undefined) return errorResponse(404, 'Unsupported resource type: ');
  if (resource === 'plugins')
    return runPlugins(ctx, req, id === undefined ? [] : [id, ...rest], onReload);
  if (resource === 'schema') return runSchema(ctx, req, id === undefined ? [] : [id, ...rest]);
  if (resource === 'consumers' && rest[0] === 'credentials' && id !== undefined) {
    const badUser = idRefusal('consumer', id);
    if (badUser) return badUser;
    const [, credentialId, ...sub] = rest;
    return runResource(ctx, credentialsOf(id), req, credentialId, sub.join('/'));
  }
  if (resource === 'stream_routes' && !ctx.streamProxy) {
    // admin/init.lua answers this before looking at the method, id or body.
    return errorResponse(400, 'stream mode is disabled, can not add stream routes');
  }
  if (resource === 'secrets') return runSecrets(ctx, req, id, rest);
  const def = RESOURCES.get(resource);
  if (!def) return errorResponse(404, `Unsupported resource type: ${resource}`);
  return runResource(ctx, def, req, id, rest.join('/'));
}
