/**
 * @module secrets/managers/vault
 * HashiCorp Vault KV secrets over HTTP with token auth, as APISIX's `apisix/secret/vault.lua`:
 * the key `<path...>/<field>` is split at its last `/`, `GET <uri>/v1/<prefix>/<path>` is sent
 * with `X-Vault-Token` (and `X-Vault-Namespace` when `namespace` is set) and the answer's
 * `data.<field>` is the value. The token itself may be an `$env://` reference, as APISIX allows.
 *
 * APISIX reads KV v1 only. Tollgate also reads KV v2 (a Tollgate decision, docs/secrets.md): with
 * `prefix` naming the v2 read path (`<mount>/data`), Vault answers `data.data.<field>` next to
 * `data.metadata`, and that inner object is read.
 */
import { posix } from 'node:path';
import { Agent } from 'undici';
import { ownValue } from '@tollgate/core';
import type { SecretManager } from '../manager';
import { resolveEnvReference } from '../env-reference';
import { splitSecretKey } from './secret-key';

/** APISIX's default when the conf has no `timeout` (seconds). */
const DEFAULT_TIMEOUT_S = 5;
/** A Vault answer larger than this is refused rather than parsed. */
const MAX_BODY_BYTES = 1024 * 1024;

const agent = new Agent({ connections: 16, keepAliveTimeout: 4_000 });

/** `object[name]` when `object` is an object that has it as its own property. */
function ownField(object: unknown, name: string): unknown {
  return typeof object === 'object' && object !== null
    ? ownValue(object as Record<string, unknown>, name)
    : undefined;
}

function stringField(conf: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = ownField(conf, name);
  return typeof value === 'string' ? value : undefined;
}

/** The request URL: `<uri>` + the normalised `/v1/<prefix>/<path>` (pl.path.normpath in APISIX). */
function requestUrl(conf: Readonly<Record<string, unknown>>, main: string): URL {
  const uri = stringField(conf, 'uri') ?? '';
  const prefix = stringField(conf, 'prefix') ?? '';
  const path = posix.normalize(`/v1/${prefix}/${main}`);
  return new URL(uri.replace(/\/+$/, '') + path);
}

function timeoutMs(conf: Readonly<Record<string, unknown>>): number {
  const timeout = ownField(conf, 'timeout');
  return typeof timeout === 'number' && timeout > 0 ? timeout * 1000 : DEFAULT_TIMEOUT_S * 1000;
}

/** KV v2 answers `{data: {data: {...}, metadata: {...}}}`; v1 answers `{data: {...}}`. */
function secretData(answer: unknown): unknown {
  const data = ownField(answer, 'data');
  const inner = ownField(data, 'data');
  const metadata = ownField(data, 'metadata');
  const isV2 = typeof inner === 'object' && inner !== null && typeof metadata === 'object';
  return isV2 ? inner : data;
}

async function fetchAnswer(
  conf: Readonly<Record<string, unknown>>,
  main: string,
  signal: AbortSignal,
): Promise<unknown> {
  const token = stringField(conf, 'token') ?? '';
  const headers: Record<string, string> = { 'x-vault-token': resolveEnvReference(token) ?? token };
  const namespace = stringField(conf, 'namespace');
  if (namespace !== undefined) headers['x-vault-namespace'] = namespace;
  const url = requestUrl(conf, main);
  const limit = timeoutMs(conf);
  const res = await agent.request({
    origin: url.origin,
    path: url.pathname + url.search,
    method: 'GET',
    headers,
    headersTimeout: limit,
    bodyTimeout: limit,
    signal: AbortSignal.any([signal, AbortSignal.timeout(limit)]),
  });
  const length = Number(res.headers['content-length'] ?? 0);
  if (length > MAX_BODY_BYTES) {
    res.body.destroy();
    throw new Error(`vault answered ${res.statusCode} with a body over ${MAX_BODY_BYTES} bytes`);
  }
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw new Error(`vault answered ${res.statusCode} for ${url.pathname}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`failed to decode vault's answer for ${url.pathname}`);
  }
}

export const vaultManager: SecretManager = {
  async get(conf, key, signal) {
    const { main, field } = splitSecretKey(key);
    const answer = await fetchAnswer(conf, main, signal);
    const value = ownField(secretData(answer), field);
    if (typeof value !== 'string')
      throw new Error(`no string field "${field}" in vault secret ${main}`);
    return value;
  },
};
