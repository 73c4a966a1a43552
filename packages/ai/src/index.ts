/**
 * @module @tollgate/ai
 * Provider and protocol knowledge for the AI proxy plugins (mostly pure functions) plus the
 * upstream transport. Plugins hold no provider knowledge: they call into this package.
 */
export type * from './types';
export type * from './errors';
export {
  UpstreamTransportError,
  TOLLGATE_ERR_UPSTREAM_CONNECT,
  TOLLGATE_ERR_UPSTREAM_TIMEOUT,
  TOLLGATE_ERR_UPSTREAM_RESET,
  TOLLGATE_ERR_PROVIDER_AUTH,
  TOLLGATE_ERR_PROVIDER_NOT_IMPLEMENTED,
  TOLLGATE_ERR_PROVIDER_ENDPOINT_MISSING,
  TOLLGATE_ERR_PROVIDER_PATH_UNRESOLVED,
  TOLLGATE_ERR_PROVIDER_ENDPOINT_INVALID,
  TOLLGATE_ERR_PROVIDER_PROTOCOL_UNSUPPORTED,
  TOLLGATE_ERR_SSE_EVENT_TOO_LARGE,
  UpstreamConnectError,
  UpstreamTimeoutError,
  UpstreamResetError,
  ProviderAuthError,
  ProviderNotImplementedError,
  ProviderEndpointMissingError,
  ProviderPathUnresolvedError,
  ProviderEndpointInvalidError,
  ProviderProtocolUnsupportedError,
  SseEventTooLargeError,
  isUpstreamTransportError,
} from './errors';
export type * from './sse';
export {
  SSE_MAX_CARRY_BYTES,
  createSseParser,
  formatSseError,
  formatAnthropicSseError,
  formatResponsesFailed,
  formatStreamError,
  nextEventEnd,
} from './sse';
export type * from './usage';
export { CHARS_PER_TOKEN, emptyUsage, estimateUsage, promptCharsOf, usageVars } from './usage';
export type * from './target';
export { unsupportedProtocolMessage, targetProtocol, conversionFor, resolveTarget } from './target';
export type * from './request-body';
export { buildUpstreamBody } from './request-body';
export type * from './request-headers';
export { buildUpstreamHeaders } from './request-headers';
export type * from './protocols';
export {
  clientAskedUsage,
  openaiChatUsage,
  anthropicUsage,
  responsesUsage,
  geminiUsage,
  anthropicMessages,
  bedrockConverse,
  geminiGenerateContent,
  openaiChat,
  openaiEmbeddings,
  openaiResponses,
  passthrough,
  PROTOCOL_NAMES,
  detectProtocol,
  getProtocol,
} from './protocols';
export type * from './convert';
export {
  anthropicMessagesToOpenaiChat,
  openaiChatToAnthropicMessages,
  openaiResponsesToOpenaiChat,
  openaiChatToOpenaiResponses,
  openaiChatToBedrockConverse,
  anthropicMessagesToBedrockConverse,
  DEFAULT_ANTHROPIC_MAX_TOKENS,
  openaiChatToGeminiGenerateContent,
  anthropicMessagesToGeminiGenerateContent,
  converterFor,
  TOLLGATE_ERR_PROTOCOL_CONVERSION,
  ProtocolConversionError,
  formatClientEvents,
  createStreamReframer,
  convertResponseBody,
} from './convert';
export type * from './providers';
export { PROVIDER_NAMES, getProvider, defineProvider, maxTokensFor } from './providers';
export type * from './transport';
export {
  readBodyUpTo,
  isAbortError,
  toTransportError,
  AiTransport,
  ExchangeCancel,
  abortError,
  createSigV4,
  signAwsJsonRequest,
  AWS_EVENTSTREAM_CONTENT_TYPE,
  EventStreamFramingError,
  EVENTSTREAM_MAX_MESSAGE_BYTES,
  isAwsEventStream,
  decodeEventStreamMessage,
  encodeEventStreamMessage,
  eventStreamMessageToEvent,
  createAwsEventStreamParser,
} from './transport';
export type * from './auth';
export {
  upstreamSigner,
  awsSigV4Signer,
  awsCredentialsOf,
  GCP_SCOPE,
  httpTokenExchange,
  GcpTokenCache,
  defaultGcpTokenCache,
  parseServiceAccount,
  signAssertion,
  gcpBearerSigner,
} from './auth';
export type * from './content';
export { flattenContent, extractMessages, buildDenyResponse } from './content';
export { canonicalJson, deepMerge } from './json';
