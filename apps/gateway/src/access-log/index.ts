/**
 * @module access-log
 * The gateway's access log (docs/access-log.md): `createAccessLogger` for the workers, the entry
 * builder, and the redaction helpers the control API shares.
 */
export { createAccessLogger, type AccessLogger, type AccessLogOptions } from './access-logger';
export { accessLogEntry, type AccessLogEntry } from './entry';
export { aiLogging, quotaDecisions, type AiLogging } from '@tollgate/core';
export { REDACTED, redactConfig, redactQueryString, redactUrl } from './redact';
