/**
 * @module openid-connect/introspect
 * Token introspection (RFC 7662) as lua-resty-openidc's `introspect`: POST `token=<token>` to
 * `introspection_endpoint` (else the discovery document's) with `client_secret_basic` or
 * `client_secret_post` client authentication and the `introspection_addon_headers` of the
 * request; an answer that is not `active` is an `invalid token`. Active answers are cached per
 * worker until the expiry claim (`introspection_expiry_claim`, default `exp`), at most
 * `introspection_interval` seconds when that is set.
 */
import crypto from 'node:crypto';
import type { RequestContext } from '@tollgate/core';
import type { OpenidConnectConf } from '@tollgate/schema';
import { TtlCache } from './cache';
import { callOptions, discover } from './provider';
import { answerJson, callProvider } from './provider-http';

const answers = new TtlCache<Record<string, unknown>>(10_000);

/** Forget every cached introspection answer (tests). */
export function clearIntrospectionCache(): void {
  answers.clear();
}

/** application/x-www-form-urlencoded as lua-resty-openidc (ngx.encode_args) writes it. */
function formEncode(fields: [string, string][]): string {
  return fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function requestHeader(ctx: RequestContext, name: string): string | undefined {
  const lower = name.toLowerCase();
  const value = Object.hasOwn(ctx.req.headers, lower) ? ctx.req.headers[lower] : undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Seconds the answer may be cached (0: not cached). */
export function cacheSeconds(
  answer: Record<string, unknown>,
  conf: OpenidConnectConf,
  nowSeconds: number,
): number {
  const claim = conf.introspection_expiry_claim ?? 'exp';
  const expiry = Object.hasOwn(answer, claim) ? answer[claim] : undefined;
  const interval = conf.introspection_interval;
  if (typeof expiry !== 'number') return interval > 0 ? interval : 0;
  const ttl = claim === 'exp' ? expiry - nowSeconds : expiry;
  return interval > 0 ? Math.min(ttl, interval) : ttl;
}

/**
 * The introspection answer for `token` (an active token's claims), or throws with the failure
 * text that becomes the 401's error_description.
 */
export async function introspect(
  conf: OpenidConnectConf,
  ctx: RequestContext,
  token: string,
): Promise<Record<string, unknown>> {
  const endpoint = conf.introspection_endpoint ?? (await discover(conf)).introspection_endpoint;
  if (endpoint === undefined) throw new Error('no endpoint URI for introspection');
  const key = crypto
    .createHash('sha256')
    .update(`${endpoint}\n${conf.client_id}\n${conf.cache_segment ?? ''}\n${token}`)
    .digest('base64');
  const cached = answers.get(key);
  if (cached) return cached;

  const headers = new Map<string, string>([['content-type', 'application/x-www-form-urlencoded']]);
  const fields: [string, string][] = [['token', token]];
  const secret = conf.client_secret ?? '';
  if (conf.introspection_endpoint_auth_method === 'client_secret_post') {
    fields.push(['client_id', conf.client_id], ['client_secret', secret]);
  } else {
    const pair = `${encodeURIComponent(conf.client_id)}:${encodeURIComponent(secret)}`;
    headers.set('authorization', `Basic ${Buffer.from(pair).toString('base64')}`);
  }
  for (const name of conf.introspection_addon_headers ?? []) {
    const value = requestHeader(ctx, name);
    if (value !== undefined) headers.set(name.toLowerCase(), value);
  }
  const answer = answerJson(
    await callProvider('introspection endpoint', endpoint, {
      ...callOptions(conf),
      method: 'POST',
      headers: Object.fromEntries(headers),
      body: formEncode(fields),
    }),
  );
  if (!Object.hasOwn(answer, 'active') || answer.active !== true) throw new Error('invalid token');
  const ttl = cacheSeconds(answer, conf, Date.now() / 1000);
  answers.set(key, answer, ttl * 1000);
  return answer;
}
