/**
 * @module providers
 * The provider registry: one line per provider (APISIX's provider enum, 3.17+).
 */
import { aimlapi } from './aimlapi';
import { anthropic } from './anthropic';
import { azureOpenai } from './azure-openai';
import type { Provider } from './base';
import { bedrock } from './bedrock';
import { deepseek } from './deepseek';
import { gemini } from './gemini';
import { openai } from './openai';
import { openaiCompatible } from './openai-compatible';
import { openrouter } from './openrouter';
import { vertexAi } from './vertex-ai';

export * from './base';

const PROVIDERS: ReadonlyMap<string, Provider> = new Map(
  [
    openai,
    deepseek,
    aimlapi,
    anthropic,
    openaiCompatible,
    azureOpenai,
    openrouter,
    gemini,
    vertexAi,
    bedrock,
  ].map((p) => [p.name, p]),
);

/** Every provider name, in APISIX's enum order. */
export const PROVIDER_NAMES: readonly string[] = [...PROVIDERS.keys()];

/**
 * The provider called `name`, or undefined for a name outside the enum.
 *
 * @example
 * getProvider('openai')?.capabilities['openai-chat']?.path; // '/v1/chat/completions'
 */
export function getProvider(name: string): Provider | undefined {
  return PROVIDERS.get(name);
}
