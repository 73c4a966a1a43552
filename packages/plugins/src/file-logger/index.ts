/**
 * @module file-logger
 * APISIX's file-logger (priority 399; body filter and log phases): every request's entry (the
 * default `get_full_log` one, or `log_format` from the route or `plugin_metadata/file-logger`)
 * is appended to `path` as one JSON line, at once (no batch processor, as in APISIX). With
 * `match`, only requests matching those conditions are logged.
 *
 * @example
 * // route: { "plugins": { "file-logger": { "path": "logs/file.log" } } }
 */
import { compileExpr, definePlugin, type ExprMatcher } from '@tollgate/core';
import type { FileLoggerConf } from '@tollgate/schema';
import {
  buildLogEntry,
  captureRequestBody,
  capturedBodies,
  captureResponseChunk,
  logVarLookup,
  type LogBodyConf,
} from '../logger-common';
import { FileWriter } from './file-writer';

const NAME = 'file-logger';
/** APISIX's body limit for loggers without `max_*_body_bytes`. */
const MAX_BODY_BYTES = 524288;

let writer = new FileWriter();
const bodyConfs = new WeakMap<FileLoggerConf, LogBodyConf>();
const matchers = new WeakMap<object, ExprMatcher>();

/** The body options of `conf`, with APISIX's default limits. */
function bodyConf(conf: FileLoggerConf): LogBodyConf {
  let out = bodyConfs.get(conf);
  if (!out) {
    out = { ...conf, max_req_body_bytes: MAX_BODY_BYTES, max_resp_body_bytes: MAX_BODY_BYTES };
    bodyConfs.set(conf, out);
  }
  return out;
}

function matches(conf: FileLoggerConf, lookup: (name: string) => unknown): boolean {
  if (!conf.match) return true;
  let m = matchers.get(conf.match);
  if (!m) {
    m = compileExpr(conf.match);
    matchers.set(conf.match, m);
  }
  return m(lookup);
}

/** The file-logger plugin definition. */
export const fileLogger = definePlugin<FileLoggerConf>({
  name: NAME,
  version: '0.1',
  priority: 399,
  access: (conf, ctx) => captureRequestBody(NAME, bodyConf(conf), ctx),
  bodyFilter: (conf, ctx, chunk) => captureResponseChunk(NAME, bodyConf(conf), ctx, chunk),
  log(conf, ctx) {
    const endedAt = performance.now();
    const now = Date.now();
    if (!matches(conf, logVarLookup(ctx, endedAt, now))) return;
    const bodies = capturedBodies(NAME, bodyConf(conf), ctx);
    const entry = buildLogEntry(conf, ctx, ctx.pluginMetadata.get(NAME), bodies, endedAt, now);
    writer.write(conf.path, JSON.stringify(entry));
  },
  async destroy() {
    const closing = writer;
    writer = new FileWriter();
    await closing.close();
  },
});
