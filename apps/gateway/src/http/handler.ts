/**
 * @module http/handler
 * One request through the data plane: take the current snapshot once, match a route, run the
 * plugin phases (global rules first), proxy, then the log phase after the response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  installFilters,
  PluginCrashError,
  RequestContext,
  runLogPhase,
  runPhase,
  type Exit,
  type Logger,
  type PluginInstance,
} from '@tollgate/core';
import type { AccessLogger } from '../access-log';
import { PluginSecretError, type PluginChainResolver } from '../secrets/plugin-chain';
import type { CompiledRoute, RouteUpstream, Snapshot } from '../config/snapshot';
import { errorPage } from '../proxy/failures';

/** Sends the request to the route's upstream (the plain proxy). */
export interface Proxy {
  proxy(ctx: RequestContext, upstream: Record<string, unknown>, upstreamKey: string): Promise<void>;
}

export interface HandlerOptions {
  /** One line per request after the log phase (nginx_config.http.access_log). */
  accessLog?: AccessLogger;
  /** The snapshot in force; undefined until the first config arrived. */
  snapshot(): Snapshot | undefined;
  proxy: Proxy;
  logger: Logger;
  /** Resolves `$secret://` and `$env://` references in plugin confs before they run. */
  secrets?: PluginChainResolver;
}

/** The global rules' chain a request runs, once its references are resolved. */
interface RequestChains {
  global: readonly PluginInstance[];
}

const ROUTE_NOT_FOUND: Exit = { status: 404, body: { error_msg: '404 Route Not Found' } };
const NOT_READY: Exit = { status: 503, body: { error_msg: 'configuration not loaded yet' } };
const NO_UPSTREAM: Exit = {
  status: 503,
  body: { error_msg: 'missing upstream configuration in Route or Service' },
};
/** `core.response.exit(502)` when the `upstream_id` a plugin chose names no upstream. */
const UPSTREAM_ID_NOT_FOUND: Exit = {
  status: 502,
  body: errorPage(502),
  headers: { 'content-type': 'text/html' },
};
/** A plugin conf's reference could not be resolved (the log names it; the body does not). */
const secretUnavailable = (plugin: string): Exit => ({
  status: 503,
  body: { error_msg: `failed to resolve a secret reference of plugin ${plugin}` },
});
const IDENTITY_HEADER = /^(x-consumer-|x-credential-identifier$)/;

/** Client-sent identity headers never reach the upstream; only auth plugins set them. */
function stripIdentityHeaders(ctx: RequestContext): void {
  for (const name of Object.keys(ctx.req.headers)) {
    if (IDENTITY_HEADER.test(name)) ctx.upstreamHeaders.set(name, null);
  }
}

function sendExit(ctx: RequestContext, exit: Exit): void {
  if (ctx.response.headersSent) return;
  ctx.response.send(exit.status, exit.body, exit.headers ? { ...exit.headers } : {});
}

/**
 * `chain` with its plugin confs' references resolved: the chain itself, with no promise to
 * await, when it holds none (the common case costs no extra tick).
 */
function withSecrets(
  chain: readonly PluginInstance[],
  options: HandlerOptions,
): readonly PluginInstance[] | Promise<readonly PluginInstance[]> {
  return options.secrets ? options.secrets.resolve(chain) : chain;
}

async function runRequestPhases(
  ctx: RequestContext,
  snapshot: Snapshot,
  options: HandlerOptions,
  chains: RequestChains,
): Promise<void> {
  const match = snapshot.router.match({
    method: ctx.req.method ?? 'GET',
    host: String(ctx.vars.get('host')),
    path: ctx.vars.uri,
    remoteAddr: String(ctx.vars.get('remote_addr')),
    vars: ctx.vars.lookup,
  });
  let global = withSecrets(snapshot.globalChain, options);
  if (global instanceof Promise) global = await global;
  if (global !== chains.global) {
    chains.global = global;
    installFilters(ctx, global);
  }
  // A phase whose handlers were all synchronous answers without a promise: it is awaited only
  // when it returned one (an await costs a microtask even on a plain value).
  let exit: Exit | undefined | Promise<Exit | undefined>;
  if (!match) {
    exit = runPhase('rewrite', global, ctx);
    if (exit instanceof Promise) exit = await exit;
    exit ??= runPhase('access', global, ctx);
    if (exit instanceof Promise) exit = await exit;
    sendExit(ctx, exit ?? ROUTE_NOT_FOUND);
    return;
  }
  const route = match.route.data;
  ctx.route = {
    id: route.id,
    name: route.name,
    serviceId: route.serviceId,
    matchedUri: match.matchedUri,
    matchedHost: match.matchedHost,
  };
  ctx.vars.set('route_id', route.id);
  ctx.vars.set('route_name', route.name);
  ctx.vars.set('service_id', route.serviceId);
  ctx.vars.set('service_name', route.serviceName);
  ctx.vars.set('matched_uri', match.matchedUri);
  const routeChain = withSecrets(route.chain, options);
  ctx.plugins = routeChain instanceof Promise ? await routeChain : routeChain;

  exit = runPhase('rewrite', global, ctx);
  if (exit instanceof Promise) exit = await exit;
  exit ??= runPhase('rewrite', ctx.plugins, ctx);
  if (exit instanceof Promise) exit = await exit;
  if (!exit && ctx.consumer) {
    const merged = withSecrets(snapshot.chainFor(route, ctx.consumer), options);
    ctx.plugins = merged instanceof Promise ? await merged : merged;
  }
  exit ??= runPhase('access', global, ctx);
  if (exit instanceof Promise) exit = await exit;
  exit ??= runPhase('access', ctx.plugins, ctx);
  if (exit instanceof Promise) exit = await exit;
  exit ??= runPhase('beforeProxy', ctx.plugins, ctx);
  if (exit instanceof Promise) exit = await exit;
  if (exit) {
    sendExit(ctx, exit);
  } else if (ctx.response.headersSent) {
    return;
  } else {
    const upstream = upstreamOf(ctx, route, snapshot);
    if (upstream === 'missing') sendExit(ctx, UPSTREAM_ID_NOT_FOUND);
    else if (upstream) await options.proxy.proxy(ctx, upstream.conf, upstream.key);
    else sendExit(ctx, NO_UPSTREAM);
  }
}

/**
 * The upstream to proxy to: the one a plugin chose (`ctx.upstreamOverride`, traffic-split) or
 * the route's; 'missing' when the chosen `upstream_id` is not in the snapshot (APISIX: 502).
 */
function upstreamOf(
  ctx: RequestContext,
  route: CompiledRoute,
  snapshot: Snapshot,
): RouteUpstream | 'missing' | undefined {
  const override = ctx.upstreamOverride;
  if (!override) return route.upstream;
  if ('conf' in override) return { key: override.key, conf: override.conf };
  return snapshot.upstreamById(override.id) ?? 'missing';
}

/** Builds the node:http request listener. */
export function createRequestHandler(
  options: HandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const log = options.logger;
  return (req, res) => {
    const snapshot = options.snapshot();
    const ctx = new RequestContext(req, res);
    if (!snapshot) {
      res.once('close', () => options.accessLog?.log(ctx));
      sendExit(ctx, NOT_READY);
      return;
    }
    ctx.consumers = snapshot.consumers;
    ctx.pluginMetadata = snapshot.pluginMetadata;
    stripIdentityHeaders(ctx);
    const chains: RequestChains = { global: snapshot.globalChain };
    installFilters(ctx, chains.global);
    let logged = false;
    res.once('close', () => {
      if (logged) return;
      logged = true;
      const logging = runLogPhase(ctx, [chains.global, ctx.plugins], (err) =>
        log.error('plugin log phase failed', {
          plugin: err.plugin,
          request_id: ctx.requestId,
          err: err.cause,
        }),
      );
      if (logging) void logging.finally(() => options.accessLog?.log(ctx));
      else options.accessLog?.log(ctx);
    });
    runRequestPhases(ctx, snapshot, options, chains).catch((err: unknown) => {
      if (err instanceof PluginSecretError) {
        log.error('failed to resolve a secret reference', {
          request_id: ctx.requestId,
          route_id: ctx.route?.id,
          plugin: err.plugin,
          owner: err.owner,
          reference: err.failure.reference,
          reason: err.failure.reason,
        });
        sendExit(ctx, secretUnavailable(err.plugin));
        return;
      }
      const crash = err instanceof PluginCrashError;
      log.error(crash ? 'plugin failed' : 'request failed', {
        request_id: ctx.requestId,
        route_id: ctx.route?.id,
        ...(crash ? { plugin: err.plugin, phase: err.phase, err: err.cause } : { err }),
      });
      if (!ctx.response.headersSent) {
        ctx.response.filters = { head: () => undefined, chunk: (c) => c };
        ctx.response.send(500, { error_msg: 'internal server error' });
      } else {
        res.destroy();
      }
    });
  };
}
