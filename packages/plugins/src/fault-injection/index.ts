/**
 * @module fault-injection
 * APISIX's fault-injection (priority 11000, rewrite): for resilience tests, hold requests for
 * `delay.duration` seconds and/or answer them with `abort.http_status` (`body` and `headers` with
 * variables) instead of proxying, each for a `percentage` of requests and only where its `vars`
 * match. The delay comes first; an aborted request runs no later plugin.
 *
 * @example
 * // route: { "plugins": { "fault-injection": { "abort": { "http_status": 503, "body": "down\n", "percentage": 50 } } } }
 * // about half the requests → 503 "down"
 */
import {
  compileExpr,
  definePlugin,
  exit,
  resolveVar,
  setOwn,
  type Exit,
  type ExprMatcher,
  type RequestContext,
} from '@tollgate/core';
import type { FaultInjectionConf } from '@tollgate/schema';
import { errorPage } from './page';

type Compiled = ExprMatcher | Error;
const compiledVars = new WeakMap<object, Compiled>();

/** `vars` of `part` matched against the request: true, false, or the compile error. */
function varsMatch(part: { vars?: unknown[] }, ctx: RequestContext): boolean | Error {
  if (part.vars === undefined) return true;
  let compiled = compiledVars.get(part);
  if (compiled === undefined) {
    try {
      compiled = compileExpr(part.vars);
    } catch (err) {
      compiled = err instanceof Error ? err : new Error(String(err));
    }
    compiledVars.set(part, compiled);
  }
  return compiled instanceof Error ? compiled : compiled(ctx.vars.lookup);
}

/** APISIX's `random(1, 100) <= percentage`; always when unset. */
function sampleHit(percentage: number | undefined): boolean {
  return percentage === undefined || Math.floor(Math.random() * 100) + 1 <= percentage;
}

function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

async function rewrite(conf: FaultInjectionConf, ctx: RequestContext): Promise<Exit | undefined> {
  const abortVars = conf.abort ? varsMatch(conf.abort, ctx) : true;
  if (abortVars instanceof Error) return exit(500, abortVars.message);
  const delayVars = conf.delay ? varsMatch(conf.delay, ctx) : true;
  if (delayVars instanceof Error) return exit(500, delayVars.message);

  if (conf.delay && sampleHit(conf.delay.percentage) && delayVars) {
    await sleep(conf.delay.duration);
  }
  const abort = conf.abort;
  if (!abort || !sampleHit(abort.percentage) || !abortVars) return undefined;
  // Lower-case names, so a configured Content-Type replaces the default one instead of doubling it.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(abort.headers ?? {})) {
    setOwn(headers, name.toLowerCase(), resolveVar(String(value), ctx.vars.lookup));
  }
  if (abort.body === undefined) {
    const page = errorPage(abort.http_status);
    if (page !== undefined) headers['content-type'] ??= 'text/html';
    return exit(abort.http_status, page, headers);
  }
  return exit(abort.http_status, resolveVar(abort.body, ctx.vars.lookup), headers);
}

/** The fault-injection plugin definition. */
export const faultInjection = definePlugin<FaultInjectionConf>({
  name: 'fault-injection',
  version: '0.1',
  priority: 11000,
  rewrite,
});
