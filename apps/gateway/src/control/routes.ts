/**
 * @module control/routes
 * The control API's endpoints (APISIX `apisix/control/v1.lua` and the status API, plus
 * Tollgate's `/status/config`): pure functions from a path and a `ControlSource` to a status and
 * a JSON body, so they are tested without sockets.
 */
import { redactConfig } from '../access-log/redact';
import { healthcheckList, healthcheckOf } from './healthcheck';
import { instanceLoadBody, withInstanceLoad } from './instance-load';
import type { ControlSource } from './source';

export interface ControlReply {
  status: number;
  body: unknown;
}

const ok = (body: unknown): ControlReply => ({ status: 200, body });
const fail = (status: number, message: string): ControlReply => ({
  status,
  body: { error_msg: message },
});

/** Resource lists (`/v1/routes`) and single items (`/v1/route/{id}`, by singular name). */
const LISTS = new Set(['routes', 'services', 'upstreams']);
const SINGULAR: ReadonlyMap<string, string> = new Map([
  ['route', 'routes'],
  ['service', 'services'],
  ['upstream', 'upstreams'],
]);
/** Source types `/v1/healthcheck/{type}/{id}` accepts (APISIX's). */
const HEALTHCHECK_TYPES = new Set(['routes', 'services', 'upstreams', 'stream_routes']);

/** `{key, value, modifiedIndex?}` of one item, secrets redacted. */
function item(source: ControlSource, key: string, value: Record<string, unknown>): unknown {
  const modifiedIndex = source.modifiedIndex?.(key);
  return {
    key: `${source.prefix}/${key}`,
    value: redactConfig(value),
    ...(modifiedIndex !== undefined ? { modifiedIndex } : {}),
  };
}

/** Items directly under `dir/` (not nested keys such as consumer credentials). */
function itemsIn(
  source: ControlSource,
  dir: string,
): [key: string, value: Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  for (const [key, value] of source.configItems()) {
    if (key.startsWith(`${dir}/`) && !key.includes('/', dir.length + 1)) out.push([key, value]);
  }
  return out;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function healthcheck(source: ControlSource, segments: string[]): ControlReply {
  const [type, rawId] = segments;
  if (rawId === undefined || rawId === '') {
    return fail(404, `missing src id for src type ${type ?? ''}`);
  }
  if (type === undefined || !HEALTHCHECK_TYPES.has(type)) {
    return fail(400, `invalid src type ${type ?? ''}`);
  }
  const id = decodeSegment(rawId);
  const owner = `${type}/${id}`;
  if (!source.configItems().has(owner)) return fail(404, `${type}[${id}] not found`);
  const entry = healthcheckOf(source.prefix, owner, source.healthTargets());
  if (!entry) return fail(404, `no checker for ${type}[${id}]`);
  return ok(withInstanceLoad(source, [entry])[0] ?? entry);
}

/** Readiness: config loaded and, when the source reports workers, every worker listening. */
function readiness(source: ControlSource): string | undefined {
  if (!source.configState().loaded) return 'configuration not loaded yet';
  const workers = source.workers?.();
  if (workers === undefined) return undefined;
  if (workers.length === 0) return 'no worker running';
  const idle = workers.find((w) => !w.listening);
  return idle ? `worker ${idle.pid ?? '?'} is not listening yet` : undefined;
}

function serverInfo(source: ControlSource): ControlReply {
  const info = source.nodeInfo();
  const state = source.configState();
  return ok({
    id: info.id,
    hostname: info.hostname,
    version: info.version,
    boot_time: info.bootTime,
    ...(info.etcdVersion !== undefined ? { etcd_version: info.etcdVersion } : {}),
    role: info.role,
    config_loaded: state.loaded,
    config_revision: state.revision,
    etcd_connected: state.connected,
    stale: state.stale,
    ...(state.lastSyncAt !== undefined ? { last_sync_at: state.lastSyncAt } : {}),
  });
}

function configStatus(source: ControlSource): ControlReply {
  const state = source.configState();
  return ok({
    loaded: state.loaded,
    revision: state.revision,
    stale: state.stale,
    connected: state.connected,
    ...(state.lastSyncAt !== undefined ? { last_sync_at: state.lastSyncAt } : {}),
    ...(state.lastError !== undefined ? { last_error: state.lastError } : {}),
    invalid_keys: state.invalidKeys.map(({ key, reason }) => ({ key, reason })),
    ...(source.workers
      ? {
          workers: source.workers().map((w) => ({
            pid: w.pid,
            listening: w.listening,
            applied_revision: w.appliedRevision,
          })),
        }
      : {}),
  });
}

/**
 * Answer one control API request. Only GET (and HEAD) are served; anything else, like any
 * unknown path, is 404 `{"error_msg":"not found"}`.
 */
export function routeControlRequest(
  source: ControlSource,
  method: string,
  pathname: string,
): ControlReply {
  const notFound = fail(404, 'not found');
  if (method !== 'GET' && method !== 'HEAD') return notFound;
  // Empty segments are dropped, as APISIX's split_uri does.
  const parts = pathname.split('/').filter((s) => s !== '');
  if (parts[0] === 'status') {
    if (parts.length === 1) return ok({ status: 'ok' });
    if (parts.length === 2 && parts[1] === 'ready') {
      const problem = readiness(source);
      return problem === undefined
        ? ok({ status: 'ok' })
        : { status: 503, body: { status: 'error', error: problem } };
    }
    if (parts.length === 2 && parts[1] === 'config') return configStatus(source);
    return notFound;
  }
  if (parts[0] !== 'v1') return notFound;
  const [, what, ...rest] = parts;
  if (what === undefined) return notFound;
  if (what === 'healthcheck') {
    if (rest.length === 0) {
      return ok(withInstanceLoad(source, healthcheckList(source.prefix, source.healthTargets())));
    }
    return healthcheck(source, rest);
  }
  if (what === 'server_info' && rest.length === 0) return serverInfo(source);
  if (what === 'instance_load' && rest.length === 0) {
    return ok(instanceLoadBody(source.instanceLoad?.()));
  }
  if (LISTS.has(what) && rest.length === 0) {
    return ok(itemsIn(source, what).map(([key, value]) => item(source, key, value)));
  }
  const dir = SINGULAR.get(what);
  if (dir && rest.length === 1 && rest[0] !== undefined) {
    const id = decodeSegment(rest[0]);
    const value = source.configItems().get(`${dir}/${id}`);
    if (!value) return fail(404, `${what}[${id}] not found`);
    return ok(item(source, `${dir}/${id}`, value));
  }
  if (what === 'plugin_metadatas' && rest.length === 0) {
    return ok(itemsIn(source, 'plugin_metadata').map(([, value]) => redactConfig(value)));
  }
  if (what === 'plugin_metadata' && rest.length === 1 && rest[0] !== undefined) {
    const name = decodeSegment(rest[0]);
    const value = source.configItems().get(`plugin_metadata/${name}`);
    if (!value) return fail(404, `plugin metadata[${name}] not found`);
    return ok(redactConfig(value));
  }
  return notFound;
}
