/**
 * @module providers/bedrock
 * Amazon Bedrock. Declared only: calling it needs AWS SigV4 signing and AWS event-stream
 * framing, which Tollgate does not implement yet, so resolving a target throws
 * `TOLLGATE_ERR_PROVIDER_NOT_IMPLEMENTED` (501).
 */
import { defineProvider } from './base';

/**
 * Bedrock (not implemented yet). In APISIX the host is `bedrock-runtime.<region>.amazonaws.com`
 * and the path `/model/<model>/converse` (`converse-stream` when streaming).
 */
export const bedrock = defineProvider({
  name: 'bedrock',
  port: 443,
  scheme: 'https',
  capabilities: { 'bedrock-converse': { path: '/model/{model}/converse' } },
  maxTokensField: () => undefined,
  notImplemented: true,
});
