/**
 * @module ai-proxy-multi/route-state
 * What ai-proxy-multi computes once per configuration (picker, fallback policy) and keeps per
 * request (instances tried, retries made).
 */
import { ownerOf, type RequestContext } from '@tollgate/core';
import type { AiInstanceConf } from '../ai-common/instance';
import { aiRuntime } from '../ai-common/runtime';
import { balancerSettings, type BalancerSettings } from './load/balancer-settings';
import { workerLatencyTable } from './load/latency-table';
import { LoadSignals } from './load/load-signals';
import {
  fallbackPolicy,
  healthTargetKey,
  InstancePicker,
  retryOnTransportError,
  type FallbackPolicy,
} from './selection';

/** The part of the resolved ai-proxy-multi configuration this plugin reads. */
export interface AiProxyMultiConfLike {
  instances: AiInstanceConf[];
  balancer?: {
    algorithm?: string;
    hash_on?: string;
    key?: string;
    queue_threshold?: number;
    kv_cache_threshold?: number;
    stale_after_ms?: number;
    latency_decay_ms?: number;
    prefix_affinity?: { prefix_chars: number };
  };
  fallback_strategy?: string | string[];
  /** Tollgate extension: add the client protocol's error object to refusals (default true). */
  client_protocol_errors?: boolean;
  fallback_http_statuses?: number[];
  max_retries?: number;
  retry_on_failure_within_ms?: number;
  timeout?: number;
  max_req_body_size?: number;
}

export interface ConfigState {
  /** The resource the configuration belongs to (`routes/1`): health keys and pools live under it. */
  owner: string;
  pluginName: string;
  /** Each instance's health target key (`<owner>#<plugin>#<name>`), by instance name. */
  targetKeys: ReadonlyMap<string, string>;
  picker: InstancePicker<AiInstanceConf>;
  /** The load-aware balancer settings (issue 12) and the instances' live load. */
  balancer: BalancerSettings;
  load: LoadSignals;
  policy: FallbackPolicy;
  /** Decision D4: retry pre-byte transport failures on another instance. */
  transportRetry: boolean;
}

export interface RequestState {
  tried: Set<string>;
  retries: number;
}

const configs = new WeakMap<object, ConfigState>();

/** Per-configuration state, built on first use and kept while the configuration object lives. */
export function configState(
  conf: AiProxyMultiConfLike,
  pluginName = 'ai-proxy-multi',
): ConfigState {
  let state = configs.get(conf);
  if (!state) {
    const owner = ownerOf(conf) ?? 'unbound';
    const passive = aiRuntime().passive;
    const targetKeys = new Map(
      conf.instances.map((i) => [i.name, healthTargetKey(owner, pluginName, i.name)]),
    );
    for (const instance of conf.instances) {
      passive.configure(targetKeys.get(instance.name) ?? '', instance.checks?.passive);
    }
    const balancer = balancerSettings(conf.balancer as never);
    const load = new LoadSignals(conf.instances, balancer, () => aiRuntime().instanceLoad);
    state = {
      owner,
      pluginName,
      targetKeys,
      picker: new InstancePicker(conf.instances, conf.balancer as never, {
        signals: load,
        latency: workerLatencyTable(),
      }),
      balancer,
      load,
      policy: fallbackPolicy(conf as never),
      transportRetry: retryOnTransportError(conf as never),
    };
    configs.set(conf, state);
  }
  return state;
}

/** Per-request state. */
export function requestState(ctx: RequestContext): RequestState {
  return ctx.pluginState('ai-proxy-multi', () => ({ tried: new Set<string>(), retries: 0 }));
}

/** The node-wide key of an instance: its health verdicts, breaker and connection pool. */
export function instanceKey(state: ConfigState, name: string): string {
  return state.targetKeys.get(name) ?? healthTargetKey(state.owner, state.pluginName, name);
}
