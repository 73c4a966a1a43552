export type * from './request-context';
export { BodyTooLargeError, RequestContext } from './request-context';
export type * from './response-writer';
export { ResponseWriter } from './response-writer';
export type * from './vars';
export { RequestVars, normaliseAddress } from './vars';
export type * from './consumers';
export { EMPTY_DIRECTORY, attachConsumer } from './consumers';
export type * from './ai-context';
export { AiContext } from './ai-context';
export type * from './ai-response-hooks';
export type * from './resolve-var';
export { varToText, resolveVar } from './resolve-var';
export type * from './ai-log-fields';
export {
  ms,
  aiLogging,
  quotaDecisions,
  instanceAddr,
  servedInstance,
  addAiFields,
  aiLoggingFields,
} from './ai-log-fields';
