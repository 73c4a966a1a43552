/**
 * @module standalone/configs
 * API-driven standalone mode (APISIX 3.13+, driven by the Ingress Controller 2.x): with
 * `role: traditional` and `config_provider: yaml`, the configuration lives in memory and is
 * replaced whole by `PUT /apisix/admin/configs` (JSON, or YAML with `Content-Type:
 * application/yaml`), read back with `GET` (JSON, or YAML for `Accept: application/yaml`) and
 * `HEAD`, and checked without applying by `POST /apisix/admin/configs/validate`.
 *
 * Each resource type has a `<type>_conf_version`: a PUT without it bumps it by one and takes the
 * body's items; with it, a higher version takes the body's items, an equal one keeps the current
 * items, a lower one is refused. An item whose `modifiedIndex` equals the current item's of the
 * same id is kept as it is. An `X-Digest` equal to the current one makes the PUT a no-op (204).
 * The new configuration is checked whole, then swapped in as one store revision (202).
 */
import type { MemoryStore } from '@tollgate/config-store';
import { ownValue, setOwn } from '@tollgate/core';
import YAML from 'yaml';
import { idText, isObject, type JsonObject } from '../json-tree';
import { parseBody } from '../request-body';
import { errorResponse, type AdminResponse } from '../response';
import { compileStandalone, STANDALONE_RESOURCES, StandaloneConfigError } from './compile';
import type { CompileOptions, StandaloneResource } from './compile';

export const DIGEST_HEADER = 'X-Digest';
export const LAST_MODIFIED_HEADER = 'X-Last-Modified';

/** One request to `/apisix/admin/configs[/validate]`. */
export interface ConfigsRequest {
  method: string;
  /** `validate` for `/configs/validate`, else undefined. */
  action?: string;
  contentType?: string;
  accept?: string;
  digest?: string;
  body: Buffer | 'too-large';
}

/** An answer with the extra headers of this endpoint. */
export interface ConfigsResponse extends AdminResponse {
  headers?: Record<string, string>;
  /** A body already serialised (GET): sent as is with this content type. */
  raw?: { type: string; text: string };
}

const versionKey = (resource: StandaloneResource) => `${resource}_conf_version`;

function identityOf(resource: StandaloneResource, item: unknown): string | undefined {
  if (!isObject(item)) return undefined;
  if (resource === 'consumers' && item.id === undefined) {
    return typeof item.username === 'string' ? item.username : undefined;
  }
  return item.id === undefined ? undefined : idText(item.id);
}

/**
 * The state of API-driven standalone mode: the configuration as last PUT, its versions and
 * digest, and the store the gateway and the Admin API's reads use.
 */
export class StandaloneConfigs {
  private config: JsonObject = {};
  private readonly versions = new Map<StandaloneResource, number>(
    STANDALONE_RESOURCES.map((r) => [r, 0]),
  );
  private digest: string | undefined;
  private lastModified: number | undefined;
  /** PUTs run one after another: each builds on the configuration the previous one left. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: MemoryStore,
    private readonly options: CompileOptions,
  ) {}

  handle(req: ConfigsRequest): Promise<ConfigsResponse> {
    if (req.action === 'validate') {
      if (req.method !== 'POST') return Promise.resolve(errorResponse(405, 'method not allowed'));
      return this.validate(req);
    }
    if (req.action !== undefined) return Promise.resolve(errorResponse(404, 'not found'));
    if (req.method === 'GET') return Promise.resolve(this.get(req.accept));
    if (req.method === 'HEAD') return Promise.resolve({ status: 200, headers: this.metadata() });
    if (req.method === 'PUT') {
      const run = this.queue.then(() => this.put(req));
      this.queue = run.catch(() => undefined);
      return run;
    }
    return Promise.resolve(errorResponse(405, `not supported ${req.method} method for configs`));
  }

  private metadata(): Record<string, string> {
    return {
      ...(this.lastModified === undefined
        ? {}
        : { [LAST_MODIFIED_HEADER]: String(this.lastModified) }),
      ...(this.digest === undefined ? {} : { [DIGEST_HEADER]: this.digest }),
    };
  }

  private snapshot(): JsonObject {
    const out: JsonObject = {};
    for (const resource of STANDALONE_RESOURCES) {
      if (this.config[resource] !== undefined) out[resource] = this.config[resource];
      setOwn(out, versionKey(resource), this.versions.get(resource) ?? 0);
    }
    return out;
  }

  private get(accept: string | undefined): ConfigsResponse {
    const snapshot = this.snapshot();
    const raw = accept?.startsWith('application/yaml')
      ? { type: 'application/yaml', text: YAML.stringify(snapshot) }
      : { type: 'application/json', text: `${JSON.stringify(snapshot)}\n` };
    return { status: 200, headers: this.metadata(), raw };
  }

  private async validate(req: ConfigsRequest): Promise<ConfigsResponse> {
    const parsed = parseDocument(req);
    if (!parsed.ok) return parsed.response;
    const next = this.merge(parsed.doc);
    if (!next.ok) return next.response;
    try {
      await compileStandalone(next.config, this.options);
    } catch (err) {
      if (err instanceof StandaloneConfigError) return errorResponse(400, err.message);
      throw err;
    }
    return { status: 200 };
  }

  private async put(req: ConfigsRequest): Promise<ConfigsResponse> {
    if (req.digest !== undefined && req.digest === this.digest) {
      // Accepted, not modified: a controller pushing the same configuration again.
      return { status: 204 };
    }
    const parsed = parseDocument(req);
    if (!parsed.ok) return parsed.response;
    const next = this.merge(parsed.doc);
    if (!next.ok) return next.response;
    let entries: Map<string, string>;
    try {
      entries = await compileStandalone(next.config, this.options);
    } catch (err) {
      if (err instanceof StandaloneConfigError) return errorResponse(400, err.message);
      throw err;
    }
    this.store.replaceAll(entries);
    this.config = next.config;
    for (const [resource, version] of next.versions) this.versions.set(resource, version);
    this.digest = req.digest;
    this.lastModified = Math.floor(Date.now() / 1000);
    return { status: 202 };
  }

  /** The configuration a PUT of `body` leads to, or APISIX's refusal of its versions. */
  private merge(
    body: JsonObject,
  ):
    | { ok: true; config: JsonObject; versions: Map<StandaloneResource, number> }
    | { ok: false; response: AdminResponse } {
    const config: JsonObject = {};
    const versions = new Map<StandaloneResource, number>();
    for (const resource of STANDALONE_RESOURCES) {
      const current = this.versions.get(resource) ?? 0;
      const given = ownValue(body, versionKey(resource));
      let version = current + 1;
      if (given !== undefined) {
        if (typeof given !== 'number' || !Number.isFinite(given)) {
          return {
            ok: false,
            response: errorResponse(400, `${versionKey(resource)} must be a number`),
          };
        }
        if (given < current) {
          const message = `${versionKey(resource)} must be greater than or equal to (${current})`;
          return { ok: false, response: errorResponse(400, message) };
        }
        version = given;
      }
      versions.set(resource, version);
      const items = version === current ? this.config[resource] : body[resource];
      if (items === undefined) continue;
      config[resource] =
        version === current || !Array.isArray(items) ? items : this.keepUnchanged(resource, items);
    }
    return { ok: true, config, versions };
  }

  /** Items whose modifiedIndex equals the current item's of the same id stay as they are. */
  private keepUnchanged(resource: StandaloneResource, items: unknown[]): unknown[] {
    const current = this.config[resource];
    if (!Array.isArray(current)) return items;
    const byId = new Map<string, JsonObject>();
    for (const item of current) {
      const id = identityOf(resource, item);
      if (id !== undefined && isObject(item)) byId.set(id, item);
    }
    return items.map((item) => {
      if (!isObject(item) || item.modifiedIndex === undefined) return item;
      const id = identityOf(resource, item);
      const old = id === undefined ? undefined : byId.get(id);
      return old?.modifiedIndex === item.modifiedIndex ? old : item;
    });
  }
}

/** The body as a JSON object (YAML for `Content-Type: application/yaml`), or the refusal. */
function parseDocument(
  req: ConfigsRequest,
): { ok: true; doc: JsonObject } | { ok: false; response: AdminResponse } {
  const refuse = (message: string) => ({
    ok: false as const,
    response: errorResponse(400, `invalid request body: ${message}`),
  });
  if (req.body !== 'too-large' && req.body.length === 0) return refuse('empty request body');
  let raw = req.body;
  if (raw !== 'too-large' && req.contentType?.startsWith('application/yaml')) {
    let value: unknown;
    try {
      value = YAML.parse(raw.toString('utf8'), { maxAliasCount: 100 });
    } catch (err) {
      return refuse((err as Error).message.split('\n')[0] ?? 'invalid YAML');
    }
    // Through JSON, so a YAML body meets the same depth, text and prototype-key checks.
    raw = Buffer.from(JSON.stringify(value ?? null));
  }
  const parsed = parseBody(raw);
  if (!parsed.ok) return parsed;
  if (!isObject(parsed.value)) return refuse('the configuration must be an object');
  return { ok: true, doc: parsed.value };
}
