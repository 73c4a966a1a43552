/**
 * @module checks/ai-proxy
 * ai-proxy's check beyond its schema: provider requirements and the GCP key JSON.
 * (No endpoint-format check: APISIX has it only in ai-proxy-multi.)
 */
import { gcpServiceAccountError, providerRequirementError } from './ai-provider';

/** First cross-field failure of a schema-valid ai-proxy config, or undefined. */
export function checkAiProxy(conf: Record<string, unknown>): string | undefined {
  return providerRequirementError(conf) ?? gcpServiceAccountError(conf.auth);
}
