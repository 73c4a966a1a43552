/**
 * @module plugin/define-plugin
 * The plugin contract: `{name, version, priority, phases}`, APISIX's phases and order. A phase
 * refuses a request by returning `exit(status, body)` (APISIX's `return 403, {...}`); throwing
 * means a fault and becomes a logged 500 for that request only.
 *
 * @example
 * export const hello = definePlugin<{ greeting: string }>({
 *   name: 'hello', version: '0.1', priority: 100,
 *   access(conf, ctx) { if (!ctx.vars.get('http_x_ok')) return exit(403, { message: conf.greeting }); },
 * });
 */
import type { RequestContext } from '../context/request-context';
import type { CounterStore, QuotaStore, TrafficStore } from '../counter-store';
import type { InstanceLoadView } from './instance-load';

/** A response decided by a plugin (or the runtime). Object bodies are sent as JSON plus a newline. */
export interface Exit {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Build an Exit. */
export function exit(status: number, body?: unknown, headers?: Record<string, string>): Exit {
  return { status, body, headers };
}

export type PhaseResult = void | Exit | Promise<void | Exit>;

/** Node-wide verdicts of active health checks (run once per node, shared by its workers). */
export interface HealthView {
  /** `false` when the target is known unhealthy; `true` when healthy or not checked. */
  isHealthy(targetKey: string): boolean;
  /**
   * Be told of every verdict change, and of every passing probe of a healthy target (`true`), so
   * a passive breaker can close when an active probe succeeds (decision D4).
   */
  onChange(listener: (targetKey: string, healthy: boolean) => void): void;
  /**
   * True when `apisix.disable_upstream_healthcheck` turned the node's health checks off: no
   * verdict ever arrives, and plugins keep no passive health either.
   */
  readonly disabled?: boolean;
}

/** What a plugin may use at init. */
export interface PluginEnv {
  /** Stable identity of this process, for logs and metrics. */
  processId: string;
  health: HealthView;
  /** Token counters exact across every worker of this node (`policy: local`). */
  localCounters: CounterStore;
  /**
   * Token quotas of this node (`policy: local`), admitted and settled without a round trip to
   * another process per request where the host can (the gateway leases budgets to its workers);
   * absent where the host has none (a plugin then counts in its own process).
   */
  localQuotas?: QuotaStore & Pick<CounterStore, 'peek'>;
  /**
   * Leaky buckets and concurrency gauges exact across every worker of this node (limit-req and
   * limit-conn with `policy: local`); absent where the host has none (a plugin then counts in
   * its own process).
   */
  localTraffic?: TrafficStore;
  /**
   * The plugin's block of config.yaml `plugin_attr` (APISIX's `plugin.plugin_attr(name)`), or
   * undefined when there is none. The plugin checks its own fields.
   */
  pluginAttr?(name: string): Readonly<Record<string, unknown>> | undefined;
  /**
   * The ports of this node's HTTPS listeners (`apisix.ssl.listen`); empty or absent when it serves
   * no HTTPS (redirect's `http_to_https` names one, as APISIX's does).
   */
  httpsPorts?: readonly number[];
  /** Node-wide load of LLM instances (in flight, scraped queues); absent where the host has none. */
  instanceLoad?: InstanceLoadView;
}

/** Phases are methods (so a plugin of any config type fits a registry) that never use `this`. */
export interface PluginDefinition<Conf = unknown> {
  /** APISIX's plugin name, kebab-case, equal to schemas/plugins/<name>.json. */
  name: string;
  version: string;
  /** Higher runs first; ported plugins keep APISIX's number. */
  priority: number;
  /** `auth` plugins identify consumers; their consumer configs are never merged into routes. */
  type?: 'auth';
  /** Once per worker, before the first request. */
  init?(this: void, env: PluginEnv): void | Promise<void>;
  /** When the worker stops. */
  destroy?(this: void): void | Promise<void>;
  rewrite?(this: void, conf: Conf, ctx: RequestContext): PhaseResult;
  access?(this: void, conf: Conf, ctx: RequestContext): PhaseResult;
  /**
   * Runs after access, instead of the plain upstream proxy when the plugin answers the request
   * itself (ai-proxy): it writes the response through `ctx.response` and returns nothing, or
   * returns an Exit.
   */
  beforeProxy?(this: void, conf: Conf, ctx: RequestContext): PhaseResult;
  /** Before the response head is sent: adjust `ctx.response` status and headers. */
  headerFilter?(this: void, conf: Conf, ctx: RequestContext): void;
  /** Each body chunk on its way to the client; return the chunk to send (or undefined to drop). */
  bodyFilter?(this: void, conf: Conf, ctx: RequestContext, chunk: Buffer): Buffer | undefined;
  /** After the response is finished (or the client left); never affects the client. */
  log?(this: void, conf: Conf, ctx: RequestContext): void | Promise<void>;
  /**
   * Whether LLM instance `instanceName` may serve this request now (a dry-run quota check, spec
   * §3.5). ai-proxy-multi asks every plugin of the request's chain that has it when its
   * fallback strategy is rate-limit aware.
   */
  instanceGate?(
    this: void,
    conf: Conf,
    ctx: RequestContext,
    instanceName: string,
  ): boolean | Promise<boolean>;
}

/** Identity function that checks a plugin definition's types. */
export function definePlugin<Conf>(plugin: PluginDefinition<Conf>): PluginDefinition<Conf> {
  return plugin;
}
