/**
 * @module checks/chash-key
 * The key schemas APISIX applies to a consistent-hash key, by `hash_on` (schema_def
 * upstream_hash_vars_schema / upstream_hash_header_schema), shared by upstreams and
 * ai-proxy-multi's balancer.
 */
import { explainFailure } from '../format-errors';
import { schemaById } from '../registry';

const VARS_KEY = {
  type: 'string',
  pattern:
    '^((uri|server_name|server_addr|request_uri|remote_port|remote_addr|query_string|host|hostname|mqtt_client_id)|arg_[0-9a-zA-z_-]+)$',
};
const HEADER_KEY = { type: 'string', pattern: '^[a-zA-Z0-9-_]+$' };
const STRING_KEY = { type: 'string' };

/**
 * Validator text for an invalid chash `key` (e.g. `failed to match pattern "..." with "x"`),
 * or undefined when the key suits `hash_on` (`consumer` needs no key).
 */
export function chashKeyError(hashOn: string, key: unknown): string | undefined {
  const schema =
    hashOn === 'vars'
      ? VARS_KEY
      : hashOn === 'header' || hashOn === 'cookie'
        ? HEADER_KEY
        : hashOn === 'vars_combinations'
          ? STRING_KEY
          : undefined;
  return schema ? explainFailure(schema, key, schemaById) : undefined;
}
