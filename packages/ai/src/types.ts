/**
 * @module types
 * Small structural views of the ai-proxy / ai-proxy-multi configuration (spec §1.2), so this
 * package needs no dependency on `@tollgate/schema`. The generated `AiProxyConf` and
 * `AiProxyMultiConf['instances'][number]` are assignable to these.
 */

/** Every protocol Tollgate knows (spec §1.8 detection list). */
export type ProtocolName =
  | 'openai-chat'
  | 'openai-responses'
  | 'openai-embeddings'
  | 'anthropic-messages'
  | 'passthrough'
  | 'bedrock-converse'
  | 'gemini-generate-content'
  | 'vertex-predict';

/** `auth`: credentials sent to the provider. */
export interface AiAuthLike {
  header?: Record<string, string>;
  query?: Record<string, string>;
}

/** `override`: endpoint and body overrides (3.17+). */
export interface AiOverrideLike {
  endpoint?: string;
  llm_options?: { max_tokens?: number };
  request_body?: Partial<Record<ProtocolName, Record<string, unknown>>>;
  request_body_force_override?: boolean;
}

/** `provider_conf`: vertex-ai / bedrock settings. */
export interface AiProviderConfLike {
  project_id?: string;
  region?: string;
}

/** The parts of an instance (or of an ai-proxy conf) that shape the upstream request. */
export interface AiInstanceLike {
  auth?: AiAuthLike;
  options?: Record<string, unknown>;
  override?: AiOverrideLike;
  provider_conf?: AiProviderConfLike;
}
