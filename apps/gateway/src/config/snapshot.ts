/**
 * @module config/snapshot
 * One immutable view of the configuration, built once per config change and used by every
 * request that starts while it is current (so no request ever sees a half-applied change):
 * the router over compiled routes (route ← plugin_config ← service merged, APISIX's precedence),
 * global rules, consumers, and the upstream each route proxies to.
 */
import {
  bindPlugins,
  buildRouter,
  mergeChains,
  type ConsumerInfo,
  type PluginInstance,
  type PluginRegistry,
  type RouteInput,
  type Router,
} from '@tollgate/core';
import { getPlugin } from '@tollgate/schema';
import { compileStreamRoutes, StreamRouteTable } from '../stream/stream-routes';
import { SnapshotConsumers } from './consumer-directory';
import { withClientCert } from './upstream-tls';
import { idOf, objectOf, pluginsOf } from './values';
import type { ConfigValue } from './update';

/** The upstream a route proxies to, and the key its balancer state and pools live under. */
export interface RouteUpstream {
  key: string;
  conf: ConfigValue;
}

/** A route ready to serve. */
export interface CompiledRoute {
  id: string;
  name?: string;
  serviceId?: string;
  /** The service's `name` (APISIX's `service_name` variable; prometheus `prefer_name`). */
  serviceName?: string;
  /** Route, plugin_config and service plugins merged (route wins, then plugin_config). */
  chain: PluginInstance[];
  upstream?: RouteUpstream;
}

/** Something in the config the data plane could not use, reported on the status endpoint. */
export interface SnapshotProblem {
  key: string;
  message: string;
}

const MERGED_CHAIN_CACHE_LIMIT = 10_000;

/** Items grouped by resource directory; credentials apart from their consumers. */
function groupItems(items: ReadonlyMap<string, ConfigValue>) {
  const dirs = new Map<string, Map<string, ConfigValue>>();
  const credentials = new Map<string, { username: string; id: string; value: ConfigValue }>();
  for (const [key, value] of items) {
    const parts = key.split('/');
    const [dir, id] = parts;
    if (dir === undefined || id === undefined) continue;
    if (dir === 'consumers' && parts[2] === 'credentials' && parts[3] !== undefined) {
      credentials.set(key, { username: id, id: parts[3], value });
      continue;
    }
    if (parts.length !== 2) continue;
    let map = dirs.get(dir);
    if (!map) {
      map = new Map<string, ConfigValue>();
      dirs.set(dir, map);
    }
    map.set(id, value);
  }
  const dir = (name: string) => dirs.get(name) ?? new Map<string, ConfigValue>();
  return { dir, credentials };
}

export class Snapshot {
  private readonly mergedChains = new Map<string, PluginInstance[]>();

  private constructor(
    readonly revision: number,
    readonly router: Router<CompiledRoute>,
    readonly globalChain: readonly PluginInstance[],
    readonly consumers: SnapshotConsumers,
    readonly upstreamKeys: ReadonlySet<string>,
    readonly problems: readonly SnapshotProblem[],
    readonly pluginMetadata: ReadonlyMap<string, ConfigValue>,
    private readonly upstreams: ReadonlyMap<string, ConfigValue> = new Map(),
    /** `stream_routes`, served by the stream proxy (`apisix.proxy_mode` with stream). */
    readonly streamRoutes: StreamRouteTable = new StreamRouteTable([]),
  ) {}

  /** The upstream object `upstreams/<id>` (traffic-split's `upstream_id`), or undefined. */
  upstreamById(id: string): RouteUpstream | undefined {
    const conf = this.upstreams.get(id);
    return conf ? { key: `upstreams/${id}`, conf } : undefined;
  }

  /** Compile `items` (validated values by relative key) at `revision`. */
  static build(
    items: ReadonlyMap<string, ConfigValue>,
    revision: number,
    registry: PluginRegistry,
  ): Snapshot {
    const problems: SnapshotProblem[] = [];
    const bindError = (owner: string, plugin: string, message: string) => {
      // A plugin Tollgate has but config.yaml's `plugins` leaves out is ignored where configured,
      // as APISIX's data plane ignores plugins it did not load.
      if (!registry.has(plugin) && getPlugin(plugin)) return;
      problems.push({ key: owner, message: `plugin ${plugin}: ${message}` });
    };
    const bind = (owner: string, value: ConfigValue | undefined) =>
      bindPlugins(pluginsOf(value), owner, registry, (p, m) => bindError(owner, p, m));
    const { dir, credentials } = groupItems(items);
    const services = dir('services');
    const ssls = dir('ssls');
    const upstreams = new Map(
      [...dir('upstreams')].map(([id, conf]) => [id, withClientCert(conf, ssls)] as const),
    );
    const pluginConfigs = dir('plugin_configs');
    // Every upstream object stays live: plugins (traffic-split) may proxy to one by id.
    const upstreamKeys = new Set<string>([...upstreams.keys()].map((id) => `upstreams/${id}`));

    const resolveUpstream = (
      ownerKey: string,
      value: ConfigValue,
    ): RouteUpstream | undefined | 'missing' => {
      const inline = objectOf(value.upstream);
      if (inline) return { key: `${ownerKey}#upstream`, conf: withClientCert(inline, ssls) };
      const upstreamId = idOf(value.upstream_id);
      if (upstreamId === undefined) return undefined;
      const conf = upstreams.get(upstreamId);
      return conf ? { key: `upstreams/${upstreamId}`, conf } : 'missing';
    };

    const inputs: RouteInput<CompiledRoute>[] = [];
    for (const [id, route] of dir('routes')) {
      const key = `routes/${id}`;
      const serviceId = idOf(route.service_id);
      const service = serviceId === undefined ? undefined : services.get(serviceId);
      if (serviceId !== undefined && !service) {
        problems.push({ key, message: `service ${serviceId} not found` });
        continue;
      }
      const pluginConfigId = idOf(route.plugin_config_id);
      const pluginConfig =
        pluginConfigId === undefined ? undefined : pluginConfigs.get(pluginConfigId);
      if (pluginConfigId !== undefined && !pluginConfig) {
        problems.push({ key, message: `plugin_config ${pluginConfigId} not found` });
        continue;
      }
      let upstream = resolveUpstream(key, route);
      if (upstream === undefined && service)
        upstream = resolveUpstream(`services/${serviceId}`, service);
      if (upstream === 'missing') {
        problems.push({ key, message: 'upstream not found' });
        continue;
      }
      if (upstream) upstreamKeys.add(upstream.key);
      const chain = mergeChains(
        mergeChains(
          bind(`services/${serviceId}`, service),
          bind(`plugin_configs/${pluginConfigId}`, pluginConfig),
        ),
        bind(key, route),
      );
      inputs.push({
        id,
        uri: route.uri as string | undefined,
        uris: route.uris as string[] | undefined,
        host: route.host as string | undefined,
        hosts: (route.hosts ?? (route.host === undefined ? service?.hosts : undefined)) as
          string[] | undefined,
        methods: route.methods as string[] | undefined,
        remote_addr: route.remote_addr as string | undefined,
        remote_addrs: route.remote_addrs as string[] | undefined,
        vars: route.vars,
        priority: route.priority as number | undefined,
        status: route.status as number | undefined,
        data: {
          id,
          name: route.name as string | undefined,
          serviceId,
          serviceName: service?.name as string | undefined,
          chain,
          upstream,
        },
      });
    }
    const router = buildRouter(inputs);
    for (const err of router.errors)
      problems.push({ key: `routes/${err.id}`, message: err.message });

    const globalChain = mergeChains(
      [],
      [...dir('global_rules')].flatMap(([id, rule]) => bind(`global_rules/${id}`, rule)),
    );
    const consumers = new SnapshotConsumers(
      dir('consumers'),
      credentials,
      dir('consumer_groups'),
      registry,
      bindError,
    );
    return new Snapshot(
      revision,
      router,
      globalChain,
      consumers,
      upstreamKeys,
      problems,
      dir('plugin_metadata'),
      upstreams,
      compileStreamRoutes(dir('stream_routes'), services, resolveUpstream, problems),
    );
  }

  /**
   * The route's chain with the consumer's plugins merged in (APISIX's merge_consumer_route): a
   * consumer plugin replaces the route's same-named one, except auth plugins. Cached per pair.
   */
  chainFor(route: CompiledRoute, consumer: ConsumerInfo): readonly PluginInstance[] {
    if (consumer.plugins.length === 0) return route.chain;
    const cacheKey = `${route.id}\0${consumer.username}\0${consumer.credentialId ?? ''}`;
    let chain = this.mergedChains.get(cacheKey);
    if (!chain) {
      chain = mergeChains(route.chain, consumer.plugins, (p) => p.plugin.type !== 'auth');
      if (this.mergedChains.size >= MERGED_CHAIN_CACHE_LIMIT) this.mergedChains.clear();
      this.mergedChains.set(cacheKey, chain);
    }
    return chain;
  }
}
