/**
 * @module secrets/managers/gcp
 * GCP Secret Manager, as APISIX's `apisix/secret/gcp.lua`: `$secret://gcp/<id>/<secret>/<field>`
 * reads `<entries_uri>projects/<project_id>/secrets/<secret>/versions/latest:access` with a
 * service account's OAuth token (gcp-oauth), base64-decodes `payload.data` and returns `<field>`
 * of that JSON. The account is `auth_config`, or the JSON file `auth_file` names. `ssl_verify:
 * false` skips TLS verification of the token and secret endpoints, as APISIX does.
 */
import { readFile, stat } from 'node:fs/promises';
import { ownValue } from '@tollgate/core';
import type { SecretManager } from '../manager';
import { accessToken, type ServiceAccount } from './gcp-oauth';
import { exchangeJson } from './json-exchange';
import { readSecretField } from './secret-key';

const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
const DEFAULT_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const DEFAULT_ENTRIES_URI = 'https://secretmanager.googleapis.com/v1/';
/** A service account file is a few KiB; a larger one is refused unread. */
const MAX_AUTH_FILE_BYTES = 64 * 1024;
/** GCP's secret id rule: also keeps the id from steering the request path. */
const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;

type Conf = Readonly<Record<string, unknown>>;

interface Account extends ServiceAccount {
  project_id: string;
  entries_uri: string;
}

function stringOf(object: unknown, name: string): string | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const value = ownValue(object as Record<string, unknown>, name);
  return typeof value === 'string' ? value : undefined;
}

/** The account in `source` (auth_config or the file's JSON), defaults filled; undefined when incomplete. */
function accountOf(source: unknown): Account | undefined {
  const client_email = stringOf(source, 'client_email');
  const private_key = stringOf(source, 'private_key');
  const project_id = stringOf(source, 'project_id');
  if (client_email === undefined || private_key === undefined || project_id === undefined) {
    return undefined;
  }
  return {
    client_email,
    private_key,
    project_id,
    token_uri: stringOf(source, 'token_uri') ?? DEFAULT_TOKEN_URI,
    scope: stringOf(source, 'scopes') ?? stringOf(source, 'scope') ?? DEFAULT_SCOPE,
    entries_uri: stringOf(source, 'entries_uri') ?? DEFAULT_ENTRIES_URI,
  };
}

/** APISIX's fetch_oauth_conf: `auth_config`, else the `auth_file` JSON (its texts, minus its content). */
async function fetchAccount(conf: Conf): Promise<Account> {
  const config = ownValue(conf, 'auth_config');
  if (config !== undefined) {
    const account = accountOf(config);
    if (!account) throw new Error('configuration is undefined');
    return account;
  }
  const file = stringOf(conf, 'auth_file');
  if (file === undefined) throw new Error('configuration is not defined');
  let text: string;
  try {
    if ((await stat(file)).size > MAX_AUTH_FILE_BYTES) throw new Error('too large');
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`failed to read configuration, file: ${file}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`config parse failure, file: ${file}`);
  }
  const account = accountOf(parsed);
  if (!account || stringOf(parsed, 'token_uri') === undefined) {
    throw new Error(`configuration is undefined, file: ${file}`);
  }
  return account;
}

function secretUrl(account: Account, secretId: string): URL {
  if (!SECRET_ID.test(secretId)) throw new Error(`invalid secret id: ${secretId}`);
  const project = encodeURIComponent(account.project_id);
  if (project === '.' || project === '..') throw new Error('invalid project_id');
  const base = account.entries_uri.endsWith('/') ? account.entries_uri : `${account.entries_uri}/`;
  return new URL(`${base}projects/${project}/secrets/${secretId}/versions/latest:access`);
}

/** The decoded payload of the latest version of `secretId`, or APISIX's reason why there is none. */
async function getSecret(conf: Conf, secretId: string, signal: AbortSignal): Promise<string> {
  const account = await fetchAccount(conf);
  const verifyTls = ownValue(conf, 'ssl_verify') !== false;
  const url = secretUrl(account, secretId);
  const { type, token } = await accessToken(account, verifyTls, signal);
  const answer = await exchangeJson(
    {
      url,
      method: 'GET',
      headers: { 'content-type': 'application/json', authorization: `${type} ${token}` },
      verifyTls,
    },
    signal,
  );
  if (answer.status !== 200) throw new Error(`invalid status code ${answer.status}`);
  if (answer.json === undefined) throw new Error('failed to parse response data');
  const payload = ownValue(answer.json as Record<string, unknown>, 'payload');
  if (typeof payload !== 'object' || payload === null) throw new Error('invalid payload');
  const data = stringOf(payload, 'data');
  if (data === undefined) throw new Error('invalid secret string');
  return Buffer.from(data, 'base64').toString('utf8');
}

export const gcpManager: SecretManager = {
  get: (conf, key, signal) => readSecretField('gcp', key, (name) => getSecret(conf, name, signal)),
};
