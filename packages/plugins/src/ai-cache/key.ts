/**
 * @module ai-cache/key
 * The exact layer's Redis key, `ai-cache:l1:<scope>:<sha256>` (APISIX's ai-cache/key.lua):
 * - the hash covers a canonical JSON of what decides the LLM's answer: the client's side
 *   (protocol, the conversation flattened to text, the raw `messages`, every other body field,
 *   `stream` folded to `=== true`) and the effective instance (provider, the model the instance
 *   forces or else the client's, `options`, the `override` fields that change the upstream
 *   request, and `provider_conf`, which picks a region or project). Two routes whose instances
 *   differ never share an entry, even with `share_across_routes`;
 * - the scope isolates without deciding the answer: `route=<id>` unless shared across routes,
 *   `consumer=<name>` with `include_consumer`, `<var>=<value>` per `include_vars`; `shared` when
 *   empty. Values are escaped (`%`, `:`, `=`) so a request-controlled value cannot forge another
 *   scope, and a value longer than MAX_SCOPE_VALUE is replaced by its hash, so a client cannot
 *   make keys arbitrarily long.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, extractMessages, type ProtocolName } from '@tollgate/ai';
import { ownValue, setOwn, type PickedInstance } from '@tollgate/core';

export const KEY_PREFIX = 'ai-cache:l1:';

/** Longest escaped scope value kept readable in a key; longer ones are hashed. */
export const MAX_SCOPE_VALUE = 128;

/** What the fingerprint reads of a request. */
export interface FingerprintInput {
  protocol: string;
  body: Record<string, unknown>;
  instance: PickedInstance;
}

/** What the scope reads of a request. */
export interface ScopeInput {
  routeId: string | undefined;
  consumer: string | undefined;
  /** A variable's value by name. */
  lookup(name: string): unknown;
}

/** The part of the conf the scope depends on. */
export interface ScopeConf {
  share_across_routes?: boolean;
  include_consumer?: boolean;
  include_vars?: readonly string[];
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function objectField(conf: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = ownValue(conf, name);
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * The sha256 (hex) identifying the upstream request ai-proxy will build from this body for this
 * instance. Equal inputs give equal hashes whatever the key order of the JSON.
 *
 * @example
 * fingerprint({ protocol: 'openai-chat', body: { messages: [{ role: 'user', content: 'hi' }] },
 *   instance: { name: 'ai-proxy-openai', provider: 'openai', conf: { options: { model: 'gpt-4o' } } } });
 * // '3f5c…' (64 hex digits)
 */
export function fingerprint({ protocol, body, instance }: FingerprintInput): string {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name !== 'messages' && name !== 'model' && name !== 'stream') setOwn(params, name, value);
  }
  const options = objectField(instance.conf, 'options');
  const override = objectField(instance.conf, 'override');
  const forcedModel = options.model;
  const repr = {
    client: {
      protocol,
      messages: extractMessages(protocol as ProtocolName, body) ?? [],
      raw_messages: body.messages ?? null,
      params,
      stream: body.stream === true,
    },
    effective: {
      provider: instance.provider,
      model: forcedModel ?? body.model ?? '',
      options,
      llm_options: override.llm_options,
      request_body: override.request_body,
      request_body_force_override: override.request_body_force_override,
      endpoint: override.endpoint,
      provider_conf: instance.conf.provider_conf,
    },
  };
  return sha256(canonicalJson(repr));
}

/** `value` safe inside a scope: `%`, `:` and `=` escaped; a long value as its hash. */
export function scopeValue(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : '';
  const escaped = text.replace(/%/g, '%25').replace(/:/g, '%3A').replace(/=/g, '%3D');
  // An escaped value never holds a raw `=`, so `sha256=` cannot be forged by a client.
  return escaped.length <= MAX_SCOPE_VALUE ? escaped : `sha256=${sha256(text).slice(0, 32)}`;
}

/** The scope part of the key (`route=1:consumer=jack`, or `shared`). */
export function scope(conf: ScopeConf, input: ScopeInput): string {
  const parts: string[] = [];
  if (!conf.share_across_routes) parts.push(`route=${scopeValue(input.routeId)}`);
  if (conf.include_consumer) parts.push(`consumer=${scopeValue(input.consumer)}`);
  for (const name of conf.include_vars ?? []) {
    parts.push(`${name}=${scopeValue(input.lookup(name))}`);
  }
  return parts.length === 0 ? 'shared' : parts.join(':');
}

/** The whole key. */
export function cacheKey(scopePart: string, hash: string): string {
  return `${KEY_PREFIX}${scopePart}:${hash}`;
}
