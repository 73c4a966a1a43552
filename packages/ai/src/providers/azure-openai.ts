/** @module providers/azure-openai — Azure OpenAI deployments; needs `override.endpoint`. */
import { defineProvider, maxTokensFor } from './base';

/**
 * Azure OpenAI: no default host; the deployment in the endpoint selects the model, so `model`
 * is removed from the body.
 */
export const azureOpenai = defineProvider({
  name: 'azure-openai',
  port: 443,
  scheme: 'https',
  capabilities: { 'openai-chat': { path: '/completions' } },
  removeModel: true,
  maxTokensField: maxTokensFor({ 'openai-chat': 'max_tokens' }),
});
