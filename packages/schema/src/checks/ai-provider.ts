/**
 * @module checks/ai-provider
 * Per-provider requirements shared by ai-proxy and ai-proxy-multi instances
 * (APISIX `validate_provider_requirements`), plus the GCP service-account JSON check.
 * Presence follows Lua truthiness: an empty string counts as set.
 */
import { ownValue } from '@tollgate/core';

type Conf = Record<string, unknown>;

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? ownValue(obj as Conf, key) : undefined;
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false;
}

/** vertex-ai / bedrock requirements; the message has no instance prefix. */
export function providerRequirementError(conf: Conf): string | undefined {
  const pc = conf.provider_conf;
  const hasEndpoint = isSet(field(conf.override, 'endpoint'));
  if (conf.provider === 'vertex-ai') {
    if (!(isSet(field(pc, 'project_id')) && isSet(field(pc, 'region'))) && !hasEndpoint) {
      return 'vertex-ai requires either provider_conf (project_id + region) or override.endpoint';
    }
  }
  if (conf.provider === 'bedrock') {
    if (!isSet(field(pc, 'region'))) return 'bedrock requires provider_conf.region';
    if (!isSet(field(conf.auth, 'aws'))) return 'bedrock requires auth.aws';
  }
  return undefined;
}

/** `auth.gcp.service_account_json` must be JSON unless it is a secret reference. */
export function gcpServiceAccountError(auth: unknown): string | undefined {
  const json = field(field(auth, 'gcp'), 'service_account_json');
  if (typeof json !== 'string' || json.startsWith('$secret://') || json.startsWith('$env://')) {
    return undefined;
  }
  try {
    JSON.parse(json);
    return undefined;
  } catch (err) {
    return `invalid gcp service_account_json: ${(err as Error).message}`;
  }
}
