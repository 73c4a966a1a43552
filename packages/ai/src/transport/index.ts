/**
 * @module transport
 * Upstream HTTP transport for LLM calls.
 */
export type * from './http';
export { AiTransport } from './http';
export { readBodyUpTo } from './read-body';
export type * from './exchange-cancel';
export { ExchangeCancel, abortError } from './exchange-cancel';
export { isAbortError, toTransportError } from './map-error';
export type * from './aws-sigv4';
export { createSigV4, signAwsJsonRequest } from './aws-sigv4';
export type * from './aws-eventstream';
export {
  AWS_EVENTSTREAM_CONTENT_TYPE,
  EventStreamFramingError,
  EVENTSTREAM_MAX_MESSAGE_BYTES,
  isAwsEventStream,
  decodeEventStreamMessage,
  encodeEventStreamMessage,
  eventStreamMessageToEvent,
  createAwsEventStreamParser,
} from './aws-eventstream';
