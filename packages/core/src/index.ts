export type * from './errors';
export {
  GatewayError,
  TOLLGATE_ERR_STORE_UNAVAILABLE,
  TOLLGATE_ERR_STORE_COMPACTED,
  TOLLGATE_ERR_STORE_LOCKED,
  TOLLGATE_ERR_STORE_CORRUPT,
  TOLLGATE_ERR_CONFIG_INVALID,
  TOLLGATE_ERR_SCHEMA_CHECK,
  StoreUnavailableError,
  StoreCompactedError,
  StoreLockedError,
  StoreCorruptError,
  ConfigInvalidError,
  SchemaCheckError,
  isGatewayError,
} from './errors';
export type * from './logger';
export { redact, rootLogger, createLogger, createRecordLogger } from './logger';
export type * from './env';
export { environment, readEnv } from './env';
export type * from './expr';
export { ExprError, addCidr, compileExpr } from './expr';
export type * from './router';
export { buildRouter, RouteCompileError } from './router';
export type * from './plugin';
export {
  exit,
  definePlugin,
  ownerOf,
  bindPlugins,
  sortChain,
  mergeChains,
  PluginCrashError,
  runPhase,
  installFilters,
  runLogPhase,
} from './plugin';
export type * from './context';
export {
  BodyTooLargeError,
  RequestContext,
  ResponseWriter,
  RequestVars,
  normaliseAddress,
  EMPTY_DIRECTORY,
  attachConsumer,
  AiContext,
  varToText,
  resolveVar,
  ms,
  aiLogging,
  quotaDecisions,
  instanceAddr,
  servedInstance,
  addAiFields,
  aiLoggingFields,
} from './context';
export type * from './counter-store';
export type * from './balancer';
export {
  SmoothRoundRobin,
  effectiveWeights,
  ConsistentHashRing,
  hash32,
  hashKeyOf,
} from './balancer';
export type * from './backoff';
export { Backoff } from './backoff';
export type * from './json';
export { isPlainObject, isPrototypeKey, setOwn, shallowCopy, ownValue } from './json';
export type * from './json-depth';
export { MAX_JSON_DEPTH, findNestingOverflow } from './json-depth';
export type * from './in-order';
export { eachInOrder } from './in-order';
export type * from './http-server';
export {
  DEFAULT_LINGER_LIMITS,
  discardInput,
  manageKeepAlive,
  adaptHttp2Exchange,
  MAX_HEADER_BYTES,
  guardHttpServer,
} from './http-server';
export type * from './pcre';
export { PcreError, compilePcre, expandPcreTemplate, pcreSub, pcreGsub } from './pcre';
export type * from './pcre-translate';
export { PcreUnsupportedError, translatePcre, compilePcreExact } from './pcre-translate';
export type * from './lookup-template';
export {
  TemplateSyntaxError,
  TemplateRenderError,
  MAX_PATH_PARTS,
  parseLookupTemplate,
  hasTags,
  escapeHtml,
  luaNumberText,
  renderLookupTemplate,
} from './lookup-template';
