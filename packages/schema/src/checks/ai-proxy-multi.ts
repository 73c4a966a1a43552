/**
 * @module checks/ai-proxy-multi
 * ai-proxy-multi's `check_schema` beyond its schema, in APISIX's order: per instance (duplicate
 * name, endpoint format, provider requirements), then the chash balancer settings.
 */
import { chashKeyError } from './chash-key';
import { gcpServiceAccountError, providerRequirementError } from './ai-provider';

type Conf = Record<string, unknown>;

// APISIX matches the Lua pattern ^(https?)://([^:/]+):?(%d*)/?.*$ ; since the tail accepts
// anything, only the scheme and a non-empty host without ':' or '/' are really required.
const ENDPOINT = /^(https?):\/\/([^:/]+):?(\d*)\/?[\s\S]*$/;

function instanceError(instances: Conf[]): string | undefined {
  const seen = new Map<unknown, number>();
  for (const [index, instance] of instances.entries()) {
    const i = index + 1;
    const first = seen.get(instance.name);
    if (first !== undefined) {
      return `duplicate instance name '${String(instance.name)}' at instances[${first}] and instances[${i}]`;
    }
    seen.set(instance.name, i);
    const override = instance.override as Conf | undefined;
    const endpoint = override?.endpoint;
    if (typeof endpoint === 'string' && !ENDPOINT.test(endpoint)) return 'invalid endpoint';
    const requirement = providerRequirementError(instance);
    if (requirement) return `instance '${String(instance.name)}': ${requirement}`;
    const gcp = gcpServiceAccountError(instance.auth);
    if (gcp) return gcp;
  }
  return undefined;
}

function balancerError(balancer: Conf | undefined): string | undefined {
  if (balancer?.algorithm !== 'chash') return undefined;
  const hashOn = balancer.hash_on;
  if (typeof hashOn !== 'string') {
    return 'must configure `hash_on` when balancer algorithm is chash';
  }
  if (hashOn === 'consumer') return undefined;
  if (balancer.key === undefined) {
    return 'must configure `hash_key` when balancer `hash_on` is not set to cookie';
  }
  const err = chashKeyError(hashOn, balancer.key);
  return err && `invalid configuration: ${err}`;
}

/** First cross-field failure of a schema-valid (defaults-filled) ai-proxy-multi config. */
export function checkAiProxyMulti(conf: Conf): string | undefined {
  const instances = Array.isArray(conf.instances) ? (conf.instances as Conf[]) : [];
  return instanceError(instances) ?? balancerError(conf.balancer as Conf | undefined);
}
