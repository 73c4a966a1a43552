/**
 * @module providers/base
 * Providers are declarative data (style §1.7, APISIX `ai-providers/base.lua`): default host,
 * port and scheme, the protocols they speak natively with each one's path, and the few body
 * quirks (`removeModel`, the field `override.llm_options.max_tokens` maps to). All behaviour
 * lives in `target.ts` and `request-body.ts`.
 */
import type { AiProviderConfLike, ProtocolName } from '../types';

/** What a provider's {@link ProviderSpec.pathFor} may read. */
export interface ProviderPathInput {
  protocol: ProtocolName;
  /** `provider_conf` of the instance (vertex-ai project and region, bedrock region). */
  providerConf?: AiProviderConfLike;
  /** The model sent (`options.model`, else the client's `model`): bedrock's path names it. */
  model?: string;
  /** The client asked for a stream (bedrock: `converse-stream`). */
  stream?: boolean;
}

/** How a provider serves one protocol. */
export interface ProviderCapability {
  /**
   * Default request path. Undefined only for `passthrough`, whose default path is the client's
   * own request path.
   */
  path?: string;
  /**
   * Other `override.endpoint` paths that select this protocol (target choice step 1), for paths
   * that name a model or project (Gemini's `…/models/<m>:generateContent`).
   */
  pathPattern?: RegExp;
}

/** What a provider file declares. */
export interface ProviderSpec {
  /** APISIX provider name (`openai`, `azure-openai`, ...). */
  name: string;
  /** Default host; none for providers that need `override.endpoint`. */
  host?: string;
  /**
   * The host for an instance's `provider_conf`, when it depends on it (vertex-ai
   * `<region>-aiplatform.googleapis.com`, bedrock `bedrock-runtime.<region>.amazonaws.com`);
   * undefined falls back to {@link host}.
   */
  hostFor?(providerConf: AiProviderConfLike | undefined): string | undefined;
  /**
   * The request path when it depends on the instance or the request (vertex-ai's project and
   * region, bedrock's model and stream), replacing the capability's `path` template; undefined
   * when the inputs are missing (APISIX: `could not resolve upstream path`).
   */
  pathFor?(input: ProviderPathInput): string | undefined;
  /**
   * The path of `override.endpoint` adapted to the request, for a provider that serves streams
   * at another path (bedrock: `…/converse` → `…/converse-stream`); the path as is otherwise.
   */
  endpointPath?(path: string, input: ProviderPathInput): string;
  port: number;
  scheme: 'https' | 'http';
  /** Native protocols and their paths, in the order listed in error messages. */
  capabilities: Partial<Record<ProtocolName, ProviderCapability>>;
  /** Delete `model` from the body before sending (azure-openai: the deployment is the model). */
  removeModel?: boolean;
  /**
   * The body field `override.llm_options.max_tokens` is written to for a target protocol, or
   * undefined when the option does not apply. When it is `max_completion_tokens`, a client
   * `max_tokens` is deleted. A dotted name (bedrock's `inferenceConfig.maxTokens`) is a nested
   * field, set only when the body has none (APISIX's rule for it).
   */
  maxTokensField(protocol: ProtocolName): string | undefined;
  /**
   * Declared (so configs validate and errors are precise) but not callable yet; resolving a
   * target throws `TOLLGATE_ERR_PROVIDER_NOT_IMPLEMENTED` (501).
   */
  notImplemented?: boolean;
}

/** A provider as used at request time. */
export interface Provider extends Readonly<Omit<ProviderSpec, 'capabilities'>> {
  readonly capabilities: Readonly<Partial<Record<ProtocolName, ProviderCapability>>>;
  /** Protocols accepted without conversion, in declaration order (passthrough last). */
  readonly protocols: readonly ProtocolName[];
  /** Whether `protocol` is served natively. */
  supports(protocol: ProtocolName): boolean;
}

/**
 * Build a provider from its declaration. Every provider also accepts `passthrough` (the body is
 * sent untouched to the endpoint path, else to the client's path) unless it declares it.
 *
 * @example
 * export const deepseek = defineProvider({
 *   name: 'deepseek', host: 'api.deepseek.com', port: 443, scheme: 'https',
 *   capabilities: { 'openai-chat': { path: '/chat/completions' } },
 *   maxTokensField: (p) => (p === 'openai-chat' ? 'max_tokens' : undefined),
 * });
 */
export function defineProvider(spec: ProviderSpec): Provider {
  const capabilities: Partial<Record<ProtocolName, ProviderCapability>> = {
    ...spec.capabilities,
  };
  capabilities.passthrough ??= {};
  const protocols = Object.keys(capabilities) as ProtocolName[];
  return Object.freeze({
    ...spec,
    capabilities: Object.freeze(capabilities),
    protocols: Object.freeze(protocols),
    supports: (protocol: ProtocolName) => protocols.includes(protocol),
  });
}

/** `maxTokensField` for providers whose every protocol takes a plain `max_tokens`. */
export function maxTokensFor(
  fields: Partial<Record<ProtocolName, string>>,
): (protocol: ProtocolName) => string | undefined {
  return (protocol) => fields[protocol];
}
