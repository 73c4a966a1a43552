/**
 * @module ai-common/models-list
 * Tollgate extension (issue 16, docs/plugins/ai-proxy.md "GET /v1/models"): a `GET` whose path
 * ends with `/v1/models` on a route with ai-proxy or ai-proxy-multi is answered by the gateway
 * with the models of the route's instances, in OpenAI's list shape, instead of APISIX's 400
 * `could not get body: request body is empty` (a GET carries no body, so no AI request is lost).
 * The route must match that path (a `/v1/*` route does); auth plugins run first as for any request.
 */
import { exit, type Exit } from '@tollgate/core';
import type { AiInstanceConf } from './instance';

/** One entry of OpenAI's `GET /v1/models` list. */
export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** When this process started serving lists: a stable `created` for every model it lists. */
const CREATED = Math.floor(Date.now() / 1000);

/**
 * True for a request this extension answers: `GET` (or `HEAD`) of a path ending in `/v1/models`.
 *
 * @example
 * isModelsRequest('GET', '/v1/models?limit=2'); // true
 */
export function isModelsRequest(method: string | undefined, uri: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const q = uri.indexOf('?');
  const path = q === -1 ? uri : uri.slice(0, q);
  return path.endsWith('/v1/models');
}

/**
 * The models of `instances`, once each, in instance order: the model an instance's `options`
 * forces, else the instance's name (an instance without a model serves whatever the client
 * asks, so its name is the only thing to list). `owned_by` is the provider.
 *
 * @example
 * modelsOf([{ name: 'a', provider: 'openai', weight: 1, options: { model: 'gpt-4o' } }]);
 * // [{ id: 'gpt-4o', object: 'model', created: ..., owned_by: 'openai' }]
 */
export function modelsOf(instances: readonly AiInstanceConf[]): ModelEntry[] {
  const seen = new Set<string>();
  const out: ModelEntry[] = [];
  for (const instance of instances) {
    const model = instance.options?.model;
    const id = typeof model === 'string' && model !== '' ? model : instance.name;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ id, object: 'model', created: CREATED, owned_by: instance.provider });
  }
  return out;
}

/**
 * The answer to `GET /v1/models` (see {@link isModelsRequest}); callers test the request first,
 * so other requests build nothing.
 *
 * @example
 * if (isModelsRequest(ctx.req.method, ctx.vars.uri)) return answerModels(conf.instances);
 */
export function answerModels(instances: readonly AiInstanceConf[]): Exit {
  return exit(200, { object: 'list', data: modelsOf(instances) });
}
