/**
 * @module checks/ai-request-rewrite
 * ai-request-rewrite's check beyond its schema (APISIX `check_schema`): openai-compatible has no
 * default host, so it needs `override.endpoint`.
 */
import { ownValue } from '@tollgate/core';

/** First cross-field failure of a schema-valid ai-request-rewrite config, or undefined. */
export function checkAiRequestRewrite(conf: Record<string, unknown>): string | undefined {
  if (conf.provider !== 'openai-compatible') return undefined;
  const override = conf.override;
  const endpoint =
    typeof override === 'object' && override !== null
      ? ownValue(override as Record<string, unknown>, 'endpoint')
      : undefined;
  return endpoint === undefined
    ? 'override.endpoint is required for openai-compatible provider'
    : undefined;
}
