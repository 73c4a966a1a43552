/**
 * @module @tollgate/plugins
 * Every plugin the data plane runs, by name. One folder per plugin; this file is the registry.
 */
import type { PluginDefinition, PluginRegistry } from '@tollgate/core';
import { aiAwsContentModeration } from './ai-aws-content-moderation';
import { aiConsumerRateLimiting } from './ai-consumer-rate-limiting';
import { aiCache } from './ai-cache';
import { aiPromptDecorator } from './ai-prompt-decorator';
import { aiPromptGuard } from './ai-prompt-guard';
import { aiPromptTemplate } from './ai-prompt-template';
import { aiProxy } from './ai-proxy';
import { aiProxyMulti } from './ai-proxy-multi';
import { aiRateLimiting } from './ai-rate-limiting';
import { aiRag } from './ai-rag';
import { aiRequestRewrite } from './ai-request-rewrite';
import { aiRunawayGuard } from './ai-runaway-guard';
import { aiLakeraGuard } from './ai-lakera-guard';
import { aiAliyunContentModeration } from './ai-aliyun-content-moderation';
import { cors } from './cors';
import { ipRestriction } from './ip-restriction';
import { uaRestriction } from './ua-restriction';
import { refererRestriction } from './referer-restriction';
import { uriBlocker } from './uri-blocker';
import { consumerRestriction } from './consumer-restriction';
import { basicAuth } from './basic-auth';
import { hmacAuth } from './hmac-auth';
import { jwtAuth } from './jwt-auth';
import { keyAuth } from './key-auth';
import { forwardAuth } from './forward-auth';
import { httpLogger } from './http-logger';
import { fileLogger } from './file-logger';
import { openidConnect } from './openid-connect';
import { limitConnPlugin } from './limit-conn';
import { limitCountPlugin } from './limit-count';
import { limitReqPlugin } from './limit-req';
import { createMultiAuth } from './multi-auth';
import { clientControl } from './client-control';
import { trafficSplit } from './traffic-split';
import { proxyMirror } from './proxy-mirror';
import { faultInjection } from './fault-injection';
import { prometheus } from './prometheus';
import { proxyRewrite } from './proxy-rewrite';
import { responseRewrite } from './response-rewrite';
import { realIp } from './real-ip';
import { redirect } from './redirect';
import { requestId } from './request-id';
import { requestValidation } from './request-validation';
import { opentelemetry } from './opentelemetry';
import { tcpLogger } from './tcp-logger';
import { udpLogger } from './udp-logger';
import { syslog } from './syslog';
import { lokiLogger } from './loki-logger';
import { elasticsearchLogger } from './elasticsearch-logger';

const ALL: PluginDefinition<never>[] = [
  cors,
  ipRestriction,
  uaRestriction,
  refererRestriction,
  uriBlocker,
  requestValidation,
  consumerRestriction,
  // multi-auth runs the other auth plugins by name, through this registry.
  createMultiAuth((name) => PLUGINS.get(name)),
  hmacAuth,
  basicAuth,
  jwtAuth,
  keyAuth,
  forwardAuth,
  httpLogger,
  fileLogger,
  openidConnect,
  aiRequestRewrite,
  aiRag,
  aiPromptGuard,
  aiPromptTemplate,
  aiPromptDecorator,
  aiProxyMulti,
  aiProxy,
  aiRunawayGuard,
  aiCache,
  aiConsumerRateLimiting,
  aiAwsContentModeration,
  aiRateLimiting,
  aiAliyunContentModeration,
  aiLakeraGuard,
  prometheus,
  limitCountPlugin,
  limitReqPlugin,
  limitConnPlugin,
  requestId,
  realIp,
  proxyRewrite,
  responseRewrite,
  redirect,
  faultInjection,
  clientControl,
  trafficSplit,
  proxyMirror,
  opentelemetry,
  tcpLogger,
  udpLogger,
  syslog,
  lokiLogger,
  elasticsearchLogger,
];

/** Plugin definitions by name. */
export const PLUGINS: PluginRegistry = new Map(
  ALL.map((p) => [p.name, p as PluginDefinition<unknown>]),
);

/** IP/CIDR list matching, shared with the gateway's stream routes and stream ip-restriction. */
export { inList } from './ip-restriction/matcher';
export { boundedKey } from './limit-common/keys';
/** What the node's primary uses, also importable alone as `@tollgate/plugins/primary`. */
export * from './primary';
