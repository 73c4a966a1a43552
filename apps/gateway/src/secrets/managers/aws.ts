/**
 * @module secrets/managers/aws
 * AWS Secrets Manager, as APISIX's `apisix/secret/aws.lua`: `$secret://aws/<id>/<secret>/<field>`
 * sends `GetSecretValue` (`SecretId: <secret>`, `VersionStage: AWSCURRENT`) over the JSON 1.1
 * protocol, signed with Signature V4 by the shared signer of `@tollgate/ai` (the AWS SDK's own), and
 * reads `<field>` of the JSON `SecretString`. `access_key_id`, `secret_access_key` and
 * `session_token` may be `$env://` references. `endpoint_url` replaces the regional endpoint; as
 * in APISIX only its scheme, host and port are used.
 */
import { signAwsJsonRequest } from '@tollgate/ai';
import { ownValue } from '@tollgate/core';
import { resolveEnvReference } from '../env-reference';
import type { SecretManager } from '../manager';
import { exchangeJson } from './json-exchange';
import { readSecretField } from './secret-key';

const DEFAULT_REGION = 'us-east-1';
/** Of an error answer, at most this much is quoted in the error. */
const MAX_QUOTED_ERROR = 256;

type Conf = Readonly<Record<string, unknown>>;

function stringOf(conf: Conf, name: string): string | undefined {
  const value = ownValue(conf, name);
  return typeof value === 'string' ? value : undefined;
}

/** A credential field, through its `$env://` reference when it is one (APISIX's env.fetch_by_uri). */
function credential(conf: Conf, name: string): string | undefined {
  const value = stringOf(conf, name);
  return value === undefined ? undefined : (resolveEnvReference(value) ?? value);
}

function endpointOf(conf: Conf, region: string): URL {
  const configured = stringOf(conf, 'endpoint_url');
  const url = new URL(configured ?? `https://secretsmanager.${region}.amazonaws.com`);
  return new URL(`${url.protocol}//${url.host}/`);
}

/** The `SecretString` of `secretId`, or APISIX's reason why there is none. */
async function getSecretValue(conf: Conf, secretId: string, signal: AbortSignal): Promise<string> {
  const region = stringOf(conf, 'region') ?? DEFAULT_REGION;
  const endpoint = endpointOf(conf, region);
  const body = JSON.stringify({ SecretId: secretId, VersionStage: 'AWSCURRENT' });
  const headers = await signAwsJsonRequest({
    service: 'secretsmanager',
    region,
    credentials: {
      accessKeyId: credential(conf, 'access_key_id') ?? '',
      secretAccessKey: credential(conf, 'secret_access_key') ?? '',
      sessionToken: credential(conf, 'session_token'),
    },
    endpoint,
    target: 'secretsmanager.GetSecretValue',
    body,
  });
  const answer = await exchangeJson({ url: endpoint, method: 'POST', headers, body }, signal);
  if (answer.status !== 200) {
    const quoted = answer.json === undefined ? '' : `, ${JSON.stringify(answer.json)}`;
    throw new Error(`invalid status code ${answer.status}${quoted.slice(0, MAX_QUOTED_ERROR)}`);
  }
  if (typeof answer.json !== 'object' || answer.json === null) {
    throw new Error('invalid response body');
  }
  const secret = ownValue(answer.json as Record<string, unknown>, 'SecretString');
  if (typeof secret !== 'string') throw new Error('invalid secret string');
  return secret;
}

export const awsManager: SecretManager = {
  get: (conf, key, signal) =>
    readSecretField('aws', key, (name) => getSecretValue(conf, name, signal)),
};
