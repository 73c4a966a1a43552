/**
 * @module request-body
 * Build the body sent upstream (spec §1.8 "Body transformation", steps 2–7). Pure: the client
 * body is never mutated, so every attempt (and every retry on another instance) starts from the
 * same client body (APISIX 3.18 fixed the leak of instance A's options into instance B's request).
 */
import { converterFor } from './convert';
import { ownValue, shallowCopy, setOwn, type JsonObject } from '@tollgate/core';
import { asObject, canonicalJson, cloneJson, deepMerge } from './json';
import { getProtocol } from './protocols';
import { getProvider, type Provider } from './providers';
import { conversionFor } from './target';
import type { AiOverrideLike, ProtocolName } from './types';

/** Inputs of {@link buildUpstreamBody}. */
export interface BuildBodyArgs {
  /** The client body bytes as received (sent verbatim when nothing changes). */
  raw: Buffer;
  /** The parsed client body. Not mutated. */
  body: JsonObject;
  /** Client protocol (detected). */
  protocol: ProtocolName;
  /**
   * Protocol spoken to the provider. When it equals `protocol`, the target is chosen here as
   * `resolveTarget` chooses it (`targetProtocol`): a provider that lacks the client protocol gets
   * the body converted (convert/*) before the steps below.
   */
  targetProtocol: ProtocolName;
  provider: Provider | string;
  /** Instance `options`: flat-merged, instance values win (including `model`). */
  options?: Record<string, unknown>;
  override?: AiOverrideLike;
}

/** The body to send and the model that goes upstream. */
export interface UpstreamBody {
  bytes: Buffer;
  /** `llm_model`: `options.model` when set, else the client's `model`. */
  model?: string;
  /** False when `bytes` is the client's original `raw` buffer. */
  changed: boolean;
}

/**
 * Build the upstream body, in APISIX's order, on a deep copy of the client body:
 * 1. target preparation (openai-chat: `stream` truthy → `stream_options: {include_usage: true}`,
 *    unless the client's is exactly that already), before the options merge, so `stream: true`
 *    coming only from `options` adds nothing;
 * 2. `options` merged flat (instance wins);
 * 3. `override.llm_options.max_tokens` written to the provider/protocol's field (always
 *    overwrites; `max_tokens` deleted when the field is `max_completion_tokens`; a nested field,
 *    bedrock's `inferenceConfig.maxTokens`, only when unset unless
 *    `request_body_force_override`, as APISIX); no effect when the provider has no field for the
 *    protocol;
 * 4. `override.request_body[targetProtocol]` deep-merged (objects recurse, arrays and scalars
 *    replace; client values win unless `request_body_force_override`);
 * 5. provider `removeModel` (azure-openai) deletes `model`.
 * As in APISIX, a step that applies marks the body changed even if values end up equal. An
 * unchanged body is sent as the client's original bytes; a changed one as canonical JSON (keys
 * sorted at every depth).
 *
 * @example
 * const { bytes, model } = buildUpstreamBody({
 *   raw, body, protocol: 'openai-chat', targetProtocol: 'openai-chat', provider: 'openai',
 *   options: { model: 'gpt-4o' },
 * });
 */
export function buildUpstreamBody(args: BuildBodyArgs): UpstreamBody {
  const provider = typeof args.provider === 'string' ? getProvider(args.provider) : args.provider;
  // A copy of the top level only: the steps below replace top-level members and never write
  // into a nested value, except the deep merge, which works on a deep copy of its own.
  const converter =
    args.targetProtocol !== args.protocol
      ? converterFor(args.protocol, args.targetProtocol)
      : provider && conversionFor(provider, { override: args.override }, args.protocol);
  const target = converter ? converter.to : args.targetProtocol;
  // The converter builds a new body (it never mutates the client's), so it is always changed.
  let body: JsonObject = converter ? converter.request(args.body) : shallowCopy(args.body);
  let changed = converter !== undefined;

  const targetModule = getProtocol(target);
  targetModule.prepareTarget(body);
  if (!changed && !shallowEqual(args.body, body)) changed = true;

  if (args.options) {
    for (const [key, value] of Object.entries(args.options)) {
      setOwn(body, key, value);
      changed = true;
    }
  }

  const maxTokens = args.override?.llm_options?.max_tokens;
  // Looked up (and split) only when the option is set: most requests have none.
  const field = maxTokens === undefined ? undefined : provider?.maxTokensField(target);
  const [outer, inner] = field?.split('.', 2) ?? [];
  if (maxTokens !== undefined && outer && inner) {
    // A nested field (bedrock's `inferenceConfig.maxTokens`, APISIX `rewrite_request_body`):
    // set when the body has none, or always with `request_body_force_override`.
    const nested: JsonObject = { ...(asObject(ownValue(body, outer)) ?? {}) };
    if (
      args.override?.request_body_force_override === true ||
      ownValue(nested, inner) === undefined
    ) {
      setOwn(nested, inner, maxTokens);
    }
    setOwn(body, outer, nested);
    changed = true;
  } else if (maxTokens !== undefined && field) {
    setOwn(body, field, maxTokens);
    if (field === 'max_completion_tokens') delete body.max_tokens;
    // A converted body carries both fields (as APISIX's converter sets them): keep them equal.
    else if (converter && field === 'max_tokens' && body.max_completion_tokens !== undefined) {
      body.max_completion_tokens = maxTokens;
    }
    changed = true;
  }

  const patch = args.override?.request_body?.[target];
  if (patch) {
    body = deepMerge(cloneJson(body), patch, args.override?.request_body_force_override === true);
    changed = true;
  }

  if (targetModule.finishTarget) {
    targetModule.finishTarget(body);
    changed = true;
  }

  if (provider?.removeModel && body.model !== undefined) {
    delete body.model;
    changed = true;
  }

  const optionModel = args.options?.model;
  const clientModel = args.body.model;
  const model =
    typeof optionModel === 'string'
      ? optionModel
      : typeof clientModel === 'string'
        ? clientModel
        : undefined;

  const bytes = changed ? Buffer.from(canonicalJson(body), 'utf8') : args.raw;
  return model === undefined ? { bytes, changed } : { bytes, model, changed };
}

function shallowEqual(a: JsonObject, b: JsonObject): boolean {
  const entries = Object.entries(a);
  if (entries.length !== Object.keys(b).length) return false;
  return entries.every(([k, v]) => Object.hasOwn(b, k) && v === b[k]);
}
