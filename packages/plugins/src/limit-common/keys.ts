/**
 * @module limit-common/keys
 * What limit-count, limit-req and limit-conn share about keys: the request's key from `key` and
 * `key_type` (APISIX: a variable, a combination of variables, or a constant; the client address
 * when it does not resolve), bounded in length, and a counter namespace per owning resource and
 * configuration.
 */
import crypto from 'node:crypto';
import { ownerOf, type RequestContext } from '@tollgate/core';
import { resolveTemplate } from '../ai-quota/template';

/** Longest key taken from a request (header values can be long); longer ones are hashed. */
const MAX_KEY_LENGTH = 256;

/** `key` itself, or its SHA-256 when longer than 256 characters. */
export function boundedKey(key: string): string {
  if (key.length <= MAX_KEY_LENGTH) return key;
  return `sha256:${crypto.createHash('sha256').update(key).digest('hex')}`;
}

function varText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The request's key for `key`/`key_type`; the client address when it does not resolve. */
export function requestKey(key: string, keyType: string, ctx: RequestContext): string {
  let value: string | undefined;
  if (keyType === 'constant') {
    value = key;
  } else if (keyType === 'var_combination') {
    const resolved = resolveTemplate(key, ctx);
    value = resolved.anyVariable ? resolved.value : undefined;
  } else {
    value = varText(ctx.vars.get(key));
  }
  return boundedKey(value ?? varText(ctx.vars.get('remote_addr')) ?? '');
}

const hashes = new WeakMap<object, string>();

/**
 * `<plugin>:<owner>:<hash of conf>`: the counters of one configuration on one resource (a route,
 * service, consumer ...). Two resources never share them and a changed configuration starts
 * fresh ones (APISIX keys by resource and conf version).
 */
export function counterNamespace(plugin: string, conf: object, ctx: RequestContext): string {
  let hash = hashes.get(conf);
  if (!hash) {
    const { _meta: _ignored, ...rest } = conf as Record<string, unknown>;
    hash = crypto.createHash('sha1').update(JSON.stringify(rest)).digest('hex').slice(0, 12);
    hashes.set(conf, hash);
  }
  return `${plugin}:${ownerOf(conf) ?? ctx.route?.id ?? 'unbound'}:${hash}`;
}

/** A positive (or, with `allowZero`, non-negative) number from a number or a template. */
export function resolveNumber(
  setting: number | string,
  ctx: RequestContext,
  allowZero = false,
): number | undefined {
  let n = setting as number;
  if (typeof setting === 'string') {
    const text = resolveTemplate(setting, ctx).value.trim();
    if (text === '') return undefined;
    n = Number(text);
  }
  return Number.isFinite(n) && (n > 0 || (allowZero && n === 0)) ? n : undefined;
}
