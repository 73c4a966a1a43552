/**
 * @module providers/bedrock
 * Amazon Bedrock (APISIX `ai-providers/bedrock.lua`): the Converse API at
 * `bedrock-runtime.<region>.amazonaws.com/model/<model>/converse` (`converse-stream` for a
 * stream, answered in AWS event-stream framing, `transport/aws-eventstream.ts`; an endpoint ending
 * in `/converse` also becomes `/converse-stream` for a stream), every request
 * SigV4-signed with `auth.aws` (`auth/aws.ts`), the model taken out of the body (it is in the
 * path), and `override.llm_options.max_tokens` written to `inferenceConfig.maxTokens`.
 */
import type { AiProviderConfLike } from '../types';
import { defineProvider } from './base';

/** `bedrock-runtime.<region>.amazonaws.com`, or undefined without a region. */
export function bedrockHost(providerConf: AiProviderConfLike | undefined): string | undefined {
  const region = providerConf?.region;
  return region ? `bedrock-runtime.${region}.amazonaws.com` : undefined;
}

/**
 * The Converse path of `model`: the model is escaped into one path segment (an inference profile
 * ARN holds `:` and `/`), as APISIX does.
 *
 * @example
 * bedrockConversePath('anthropic.claude-3-haiku-20240307-v1:0', true);
 * // '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream'
 */
export function bedrockConversePath(model: string, stream = false): string {
  return `/model/${encodeURIComponent(model)}/${stream ? 'converse-stream' : 'converse'}`;
}

/** Bedrock (bedrock-runtime, Converse API). */
export const bedrock = defineProvider({
  name: 'bedrock',
  port: 443,
  scheme: 'https',
  capabilities: { 'bedrock-converse': { path: '/model/{model}/converse' } },
  removeModel: true,
  hostFor: bedrockHost,
  pathFor: ({ model, stream }) => (model ? bedrockConversePath(model, stream) : undefined),
  // An endpoint that names the Converse path gets ConverseStream's for a stream (a converted
  // OpenAI or Anthropic stream, or a Converse client at `/converse-stream`).
  endpointPath: (path, { protocol, stream }) =>
    stream && protocol === 'bedrock-converse' && path.endsWith('/converse')
      ? `${path}-stream`
      : path,
  maxTokensField: (p) => (p === 'bedrock-converse' ? 'inferenceConfig.maxTokens' : undefined),
});
