/**
 * @module checks
 * Plugin name → cross-field check run after the plugin's schema passed (APISIX's
 * `check_schema` code beyond `core.schema.check`). A check receives the defaults-filled copy and
 * returns the bare failure message, or undefined.
 */
import { checkAiConsumerRateLimiting } from './ai-consumer-rate-limiting';
import { checkAiPromptGuard } from './ai-prompt-guard';
import { checkAiPromptTemplate } from './ai-prompt-template';
import { checkAiProxy } from './ai-proxy';
import { checkAiProxyMulti } from './ai-proxy-multi';
import { checkAiRateLimiting } from './ai-rate-limiting';
import { checkAiRequestRewrite } from './ai-request-rewrite';
import { checkAiRunawayGuard } from './ai-runaway-guard';
import { checkProxyRewrite } from './proxy-rewrite';
import { checkResponseRewrite } from './response-rewrite';
import { checkRedirect } from './redirect';
import { checkRequestValidation } from './request-validation';
import { checkCors } from './cors';
import { checkIpRestriction } from './ip-restriction';
import { checkUaRestriction } from './ua-restriction';
import { checkUriBlocker } from './uri-blocker';
import { checkJwtAuthConsumer } from './jwt-auth';
import { checkLimitCount } from './limit-count';
import { checkLimitReq } from './limit-req';
import { checkMultiAuth } from './multi-auth';
import { checkLoggerExprs } from './logger';
import { checkOpenidConnect } from './openid-connect';
import { checkTrafficSplit } from './traffic-split';

/** A plugin's cross-field check. */
export type PluginCheck = (conf: Record<string, unknown>) => string | undefined;

/** Checks by plugin name; plugins without an entry have none. */
export const PLUGIN_CHECKS: Readonly<Record<string, PluginCheck>> = {
  cors: checkCors,
  'ip-restriction': checkIpRestriction,
  'ua-restriction': checkUaRestriction,
  'uri-blocker': checkUriBlocker,
  'ai-proxy-multi': checkAiProxyMulti,
  'ai-proxy': checkAiProxy,
  'ai-prompt-guard': checkAiPromptGuard,
  'ai-prompt-template': checkAiPromptTemplate,
  'ai-request-rewrite': checkAiRequestRewrite,
  'ai-rate-limiting': checkAiRateLimiting,
  'ai-runaway-guard': checkAiRunawayGuard,
  'ai-consumer-rate-limiting': checkAiConsumerRateLimiting,
  'proxy-rewrite': checkProxyRewrite,
  'response-rewrite': checkResponseRewrite,
  redirect: checkRedirect,
  'request-validation': checkRequestValidation,
  'jwt-auth.consumer': checkJwtAuthConsumer,
  'multi-auth': checkMultiAuth,
  'limit-count': checkLimitCount,
  'limit-req': checkLimitReq,
  'http-logger': checkLoggerExprs,
  'file-logger': checkLoggerExprs,
  'elasticsearch-logger': checkLoggerExprs,
  'loki-logger': checkLoggerExprs,
  syslog: checkLoggerExprs,
  'udp-logger': checkLoggerExprs,
  'tcp-logger': checkLoggerExprs,
  'openid-connect': checkOpenidConnect,
  'traffic-split': checkTrafficSplit,
};
