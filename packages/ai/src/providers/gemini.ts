/**
 * @module providers/gemini
 * Google AI Studio (APISIX `ai-providers/gemini.lua`): the OpenAI-compatible chat endpoint by
 * default, so openai-chat clients need no conversion. Tollgate extension: an instance whose
 * `override.endpoint` path ends in `:generateContent` or `:streamGenerateContent` (e.g.
 * `https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent`,
 * or `…/models/{model}:generateContent` for the request's model) gets the native API, with the
 * body converted (`convert/openai-chat-to-gemini-generate-content.ts`) and the key sent as
 * `x-goog-api-key`.
 */
import { ProviderPathUnresolvedError } from '../errors';
import { GENERATE_CONTENT_PATH, generateContentPath } from '../protocols/gemini-generate-content';
import { defineProvider, maxTokensFor, type ProviderPathInput } from './base';

const CHAT_PATH = '/v1beta/openai/chat/completions';
const GENERATE_PATH = '/v1beta/models/{model}:generateContent';

/**
 * A `generateContent` path template (an endpoint's, or the provider's) for one request:
 * placeholders filled, the stream method chosen. Throws `TOLLGATE_ERR_PROVIDER_PATH_UNRESOLVED`
 * when a placeholder has no value (no model).
 */
export function generateContentPathFor(
  provider: string,
  template: string,
  { providerConf, model, stream }: ProviderPathInput,
): string {
  const path = generateContentPath(template, { ...providerConf, model }, stream === true);
  if (path === undefined) throw new ProviderPathUnresolvedError(provider);
  return path;
}

/** Gemini (generativelanguage.googleapis.com). */
export const gemini = defineProvider({
  name: 'gemini',
  host: 'generativelanguage.googleapis.com',
  port: 443,
  scheme: 'https',
  capabilities: {
    'openai-chat': { path: CHAT_PATH },
    'gemini-generate-content': { path: GENERATE_PATH, pathPattern: GENERATE_CONTENT_PATH },
  },
  pathFor: (input) =>
    input.protocol === 'gemini-generate-content'
      ? generateContentPathFor('gemini', GENERATE_PATH, input)
      : input.protocol === 'openai-chat'
        ? CHAT_PATH
        : undefined,
  endpointPath: (path, input) =>
    input.protocol === 'gemini-generate-content'
      ? generateContentPathFor('gemini', path, input)
      : path,
  maxTokensField: maxTokensFor({
    'openai-chat': 'max_completion_tokens',
    'gemini-generate-content': 'max_tokens',
  }),
});
